package data

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// lockPoll is how often a waiting Lock retries.
const lockPoll = 20 * time.Millisecond

// LockMode is how Lock excludes other processes.
type LockMode int

const (
	// LockFlock: flock(2) on <key>.lock, released by the kernel when the holder dies. It
	// excludes processes on other machines only where the file system forwards flock
	// (local disks, NFSv4, most Lustre and GPFS mounts; not NFSv3 mounted with nolock).
	LockFlock LockMode = iota
	// LockLink: <key>.lock.link created by hard-linking a unique file, which is atomic on
	// every POSIX file system including old NFS (see link.go).
	LockLink
)

// Lock takes an exclusive flock on <key>.lock, waiting while another holder (in this or any
// process sharing the file system) has it. It gives up when ctx is done. The returned
// unlock is safe to call more than once. Locks are advisory: only Lock callers are excluded.
func (s *Store) Lock(ctx context.Context, k Key) (unlock func(), err error) {
	if err := k.Valid(); err != nil {
		return nil, err
	}
	if err := s.ensureShard(k); err != nil {
		return nil, err
	}
	if s.Locks == LockLink {
		return s.linkLock(ctx, k)
	}
	path := s.lockPath(k)
	s.clearLockPath(k, path)
	t := time.NewTicker(lockPoll)
	defer t.Stop()
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("waiting for lock on artifact %s (another run is computing it): %w", k, err)
		}
		f, ok, err := tryLock(path)
		if err != nil {
			return nil, fmt.Errorf("lock artifact %s: %w", k, err)
		}
		if ok {
			var once sync.Once
			return func() { once.Do(func() { unlockFile(f) }) }, nil
		}
		select {
		case <-ctx.Done():
		case <-t.C:
		}
	}
}

// tryLock opens path and tries once to lock it. It reports ok=false if someone holds it, or
// if path was deleted or replaced after we opened it (Remove deletes lock files), since a
// lock on an unlinked file excludes no one.
func tryLock(path string) (f *os.File, ok bool, err error) {
	f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, err
	}
	switch err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); {
	case err == nil:
	case errors.Is(err, unix.EWOULDBLOCK), errors.Is(err, unix.EINTR):
		f.Close()
		return nil, false, nil
	default:
		f.Close()
		return nil, false, fmt.Errorf("flock %s: %w", filepath.Base(path), err)
	}
	held, err1 := f.Stat()
	now, err2 := os.Stat(path)
	if err1 != nil || err2 != nil || !os.SameFile(held, now) {
		unlockFile(f)
		return nil, false, nil
	}
	return f, true, nil
}

func unlockFile(f *os.File) {
	unix.Flock(int(f.Fd()), unix.LOCK_UN)
	f.Close()
}
