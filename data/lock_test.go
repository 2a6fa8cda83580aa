package data

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLockExcludesGoroutines(t *testing.T) {
	// Separate Store values: each Lock opens its own file description, as separate
	// processes would.
	checkExclusion(t, t.TempDir(), LockFlock)
}

// checkExclusion has 4 goroutines, each with its own Store value on dir and lock mode,
// take the same key's lock 20 times each, and fails if two ever held it at once.
func checkExclusion(t *testing.T, dir string, mode LockMode) {
	t.Helper()
	const workers, rounds = 4, 20
	var inside, overlaps, total atomic.Int32
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &Store{Dir: dir, Locks: mode}
			for range rounds {
				unlock, err := s.Lock(context.Background(), keyA)
				if err != nil {
					t.Error(err)
					return
				}
				if inside.Add(1) != 1 {
					overlaps.Add(1)
				}
				time.Sleep(100 * time.Microsecond)
				inside.Add(-1)
				total.Add(1)
				unlock()
			}
		}()
	}
	wg.Wait()
	if overlaps.Load() != 0 || total.Load() != workers*rounds {
		t.Errorf("%d overlapping holders, %d critical sections (want %d)", overlaps.Load(), total.Load(), workers*rounds)
	}
}

func TestLockWaitsAndCancels(t *testing.T) {
	s := openStore(t)
	unlock, err := s.Lock(context.Background(), keyA)
	if err != nil {
		t.Fatal(err)
	}
	// A second Store (another "process") cannot take it and gives up with its context.
	other := &Store{Dir: s.Dir}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := other.Lock(ctx, keyA); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock while held = %v, want deadline exceeded", err)
	}
	if waited := time.Since(start); waited < 50*time.Millisecond {
		t.Errorf("gave up after %v, before the deadline", waited)
	}
	// A different key is independent.
	u2, err := other.Lock(ctx2(t), keyB)
	if err != nil {
		t.Fatal(err)
	}
	u2()
	// Once released, a waiter gets it.
	got := make(chan error)
	go func() {
		u, err := other.Lock(ctx2(t), keyA)
		if err == nil {
			u()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("second Lock returned while held: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	unlock()
	unlock() // idempotent
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	// An already-cancelled context fails at once, even for a free lock.
	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	if _, err := s.Lock(cctx, keyA); !errors.Is(err, context.Canceled) {
		t.Errorf("Lock(cancelled) = %v", err)
	}
}

func ctx2(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestLockRemoveWhileWaiting: Remove deletes a free lock file; a lock taken on the old
// file must not coexist with one on a new file.
func TestLockSurvivesRemove(t *testing.T) {
	s := openStore(t)
	put(t, s, keyA)
	if err := s.Remove(keyA); err != nil {
		t.Fatal(err)
	}
	unlock, err := s.Lock(ctx2(t), keyA)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	// Held: Remove must keep the lock file, so others still wait on the same file.
	if err := s.Remove(keyA); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "a1", string(keyA)+".lock")); err != nil {
		t.Errorf("Remove deleted a held lock file: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := (&Store{Dir: s.Dir}).Lock(ctx, keyA); err == nil {
		t.Error("lock taken twice after Remove")
	}
}

// TestLockAcrossProcesses runs a helper copy of the test binary that holds the lock until
// its stdin closes.
func TestLockAcrossProcesses(t *testing.T) {
	if dir := os.Getenv("DATA_LOCK_HELPER_DIR"); dir != "" {
		lockHelper(dir)
		return
	}
	s := openStore(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockAcrossProcesses$")
	cmd.Env = append(os.Environ(), "DATA_LOCK_HELPER_DIR="+s.Dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("helper said %q, %v", line, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Millisecond)
	defer cancel()
	if _, err := s.Lock(ctx, keyA); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock while another process holds it = %v", err)
	}
	stdin.Close() // the helper unlocks and exits
	unlock, err := s.Lock(ctx2(t), keyA)
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	if err := cmd.Wait(); err != nil {
		t.Errorf("helper: %v", err)
	}
}

func lockHelper(dir string) {
	unlock, err := (&Store{Dir: dir}).Lock(context.Background(), keyA)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("locked")
	bufio.NewReader(os.Stdin).ReadString('\n') // until EOF
	unlock()
	os.Exit(0)
}
