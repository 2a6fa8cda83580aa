package data

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

// Hard-link locks exclude every holder, whichever Store value takes them.
func TestLinkLockExcludes(t *testing.T) {
	dir := openStore(t).Dir
	checkExclusion(t, dir, LockLink)
	s := &Store{Dir: dir, Locks: LockLink}
	if _, err := os.Stat(s.linkLockPath(keyA)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file left after every unlock: %v", err)
	}
}

// A lock held by a process of this host that has died is broken at once; one nobody
// touched for linkStale is broken too; a live, fresh one makes the caller wait.
func TestLinkLockBreaksStale(t *testing.T) {
	s := openStore(t)
	s.Locks = LockLink
	s.ensureShard(keyA)
	path := s.linkLockPath(keyA)
	host, _ := os.Hostname()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, []byte(fmt.Sprintf("%s %d deadbeef\n", host, dead.Process.Pid)), 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	unlock, err := s.Lock(ctx, keyA)
	if err != nil {
		t.Fatalf("lock of a dead process was not broken: %v", err)
	}
	unlock()

	// A holder on another machine: broken only when its heartbeat is older than linkStale.
	os.WriteFile(path, []byte("elsewhere 1 cafe\n"), 0o644)
	short, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	if _, err := s.Lock(short, keyA); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a fresh lock of another host was broken or failed oddly: %v", err)
	}
	old := time.Now().Add(-linkStale - time.Minute)
	os.Chtimes(path, old, old)
	unlock, err = s.Lock(ctx, keyA)
	if err != nil {
		t.Fatalf("a lock untouched for %s was not broken: %v", linkStale, err)
	}
	unlock()
}

// The holder's heartbeat keeps a long-held lock from looking stale.
func TestLinkLockHeartbeat(t *testing.T) {
	defer func(b time.Duration) { linkBeat = b }(linkBeat)
	linkBeat = 10 * time.Millisecond
	s := openStore(t)
	s.Locks = LockLink
	unlock, err := s.Lock(context.Background(), keyA)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	old := time.Now().Add(-time.Hour)
	os.Chtimes(s.linkLockPath(keyA), old, old)
	time.Sleep(100 * time.Millisecond)
	fi, err := os.Stat(s.linkLockPath(keyA))
	if err != nil || time.Since(fi.ModTime()) > time.Minute {
		t.Fatalf("the heartbeat did not refresh the lock (%v)", err)
	}
}
