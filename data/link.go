package data

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Hard-link locks (LockLink), for shared file systems whose flock does not exclude other
// machines. The holder writes "host pid nonce" to a unique file and links it to
// <key>.lock.link: link(2) fails if the name exists, atomically even on NFSv2/3, and a link
// count of 2 on the unique file proves success when a lost reply made link report an error.
// A holder touches the lock every linkBeat; a lock untouched for linkStale (measured
// against a file just created on the same server, so clocks need not agree), or held by a
// dead process on this host, is broken. Every process sharing the store must use the same
// mode: flock and link locks do not see each other.
var (
	linkBeat  = 20 * time.Second
	linkStale = 2 * time.Minute
)

func (s *Store) linkLockPath(k Key) string { return s.lockPath(k) + ".link" }

func (s *Store) linkLock(ctx context.Context, k Key) (unlock func(), err error) {
	path := s.linkLockPath(k)
	s.clearLockPath(k, path)
	host, _ := os.Hostname()
	id := linkID()
	t := time.NewTicker(lockPoll)
	defer t.Stop()
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("waiting for lock on artifact %s (another run is computing it): %w", k, err)
		}
		ok, err := tryLinkLock(path, id)
		if err != nil {
			return nil, fmt.Errorf("lock artifact %s: %w", k, err)
		}
		if ok {
			return heartbeat(path, id, linkBeat), nil
		}
		breakStale(path, host)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
	}
}

// linkID is what a holder writes into a link lock: host, pid and a nonce.
func linkID() string {
	host, _ := os.Hostname()
	var nonce [8]byte
	rand.Read(nonce[:])
	return fmt.Sprintf("%s %d %s\n", host, os.Getpid(), hex.EncodeToString(nonce[:]))
}

// tryLinkLock makes one attempt to link a unique file holding id to path.
func tryLinkLock(path, id string) (bool, error) {
	tmp := filepath.Join(filepath.Dir(path), tmpPrefix+filepath.Base(path)+"."+strings.Fields(id)[2])
	if err := os.WriteFile(tmp, []byte(id), 0o644); err != nil {
		return false, err
	}
	defer os.Remove(tmp)
	lerr := os.Link(tmp, path)
	if fi, err := os.Stat(tmp); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink == 2 {
			return true, nil
		}
	}
	if lerr == nil || errors.Is(lerr, fs.ErrExist) {
		return false, nil
	}
	return false, fmt.Errorf("link lock %s: %w (no hard links on this file system? use -lock flock)", filepath.Base(path), lerr)
}

// heartbeat keeps path fresh until the returned unlock, which removes it if still ours.
func heartbeat(path, id string, every time.Duration) func() {
	quit := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				unix.Utime(path, nil) // nil: the file server's clock
			case <-quit:
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(quit)
			if b, err := os.ReadFile(path); err == nil && string(b) == id {
				os.Remove(path)
			}
		})
	}
}

// breakStale removes the lock at path if its holder is a dead process of this host, or if
// it was not touched for linkStale. Two processes breaking the same stale lock at the same
// instant could both succeed; the window is one read and one unlink.
func breakStale(path, host string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	f := strings.Fields(string(b))
	if len(f) == 3 && f[0] == host {
		if pid, err := strconv.Atoi(f[1]); err == nil && pid != os.Getpid() && syscall.Kill(pid, 0) == syscall.ESRCH {
			removeIfSame(path, b)
			return
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return
	}
	probe, err := os.CreateTemp(filepath.Dir(path), tmpPrefix+"clock-*")
	if err != nil {
		return
	}
	now, err := probe.Stat()
	probe.Close()
	os.Remove(probe.Name())
	if err == nil && now.ModTime().Sub(fi.ModTime()) > linkStale {
		removeIfSame(path, b)
	}
}

func removeIfSame(path string, was []byte) {
	if b, err := os.ReadFile(path); err == nil && string(b) == string(was) {
		os.Remove(path)
	}
}
