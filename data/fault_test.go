package data

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// disk stands in for a file system that fails: after budget bytes every write fails with
// err (ENOSPC: full; EIO: broken), or every create, fsync or close does.
type disk struct {
	budget int64
	err    error
	at     string // "write", "create", "fsync" or "close"
}

type faultyFile struct {
	*os.File
	d *disk
}

func (f *faultyFile) Write(p []byte) (int, error) {
	if f.d.at != "write" {
		return f.File.Write(p)
	}
	n := int(min(int64(len(p)), max(f.d.budget, 0)))
	n, err := f.File.Write(p[:n])
	f.d.budget -= int64(n)
	if err == nil && n < len(p) {
		err = &os.PathError{Op: "write", Path: f.Name(), Err: f.d.err}
	}
	return n, err
}

func (f *faultyFile) Sync() error {
	if f.d.at == "fsync" {
		return &os.PathError{Op: "sync", Path: f.Name(), Err: f.d.err}
	}
	return f.File.Sync()
}

func (f *faultyFile) Close() error {
	err := f.File.Close()
	if f.d.at == "close" && err == nil {
		err = &os.PathError{Op: "close", Path: f.Name(), Err: f.d.err}
	}
	return err
}

// inject makes the store's writes go through d until the test ends.
func inject(t *testing.T, d *disk) {
	old := createTemp
	t.Cleanup(func() { createTemp = old })
	createTemp = func(dir, pattern string) (tempFile, error) {
		if d.at == "create" {
			return nil, &os.PathError{Op: "open", Path: filepath.Join(dir, pattern), Err: d.err}
		}
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		return &faultyFile{File: f, d: d}, nil
	}
}

// Whatever write fails and wherever, Put returns an error naming the path and the fix,
// leaves no artifact (the key is not done, no part file, no temp file), and once the disk
// works again the same Put completes.
func TestPutWriteFailures(t *testing.T) {
	parts := func() map[string]*Table {
		return map[string]*Table{"main": noiseTable(3000), "weights": SamplesTable([]float64{1, 2, 3, 4}, 2)}
	}
	// The bytes a successful Put writes: two manifests and the parts.
	probe := openStore(t)
	d := &disk{budget: 1 << 40, at: "write", err: syscall.ENOSPC}
	inject(t, d)
	if err := probe.Put(manifest(keyA), parts()); err != nil {
		t.Fatal(err)
	}
	total := 1<<40 - d.budget
	type tc struct {
		at     string
		err    error
		budget int64
		fix    string
	}
	var cases []tc
	for b := int64(0); b < total; b += total / 23 {
		cases = append(cases, tc{"write", syscall.ENOSPC, b, "is full"})
	}
	cases = append(cases,
		tc{"write", syscall.EIO, total / 2, "I/O error"},
		tc{"write", syscall.EDQUOT, 10, "is full (or over quota)"},
		tc{"fsync", syscall.EIO, 0, "I/O error"},
		tc{"close", syscall.ENOSPC, 0, "is full"},
		tc{"create", syscall.EACCES, 0, "no permission"},
		tc{"create", syscall.EROFS, 0, "read-only"},
	)
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s-%v-after-%d-bytes", c.at, c.err, c.budget), func(t *testing.T) {
			s := openStore(t)
			*d = disk{budget: c.budget, err: c.err, at: c.at}
			err := s.Put(manifest(keyA), parts())
			if err == nil {
				t.Fatal("Put succeeded on a failing disk")
			}
			var we *WriteError
			if !errors.As(err, &we) || !errors.Is(err, c.err) || !strings.Contains(err.Error(), c.fix) ||
				!strings.Contains(err.Error(), filepath.Join(s.Dir, string(keyA[:2]))) {
				t.Fatalf("error %q: want a *WriteError wrapping %v, naming the path and saying %q", err, c.err, c.fix)
			}
			if s.Done(keyA) {
				t.Fatal("the key is done after a failed Put")
			}
			if m, err := s.Manifest(keyA); err == nil && m.Status != StatusPending {
				t.Fatalf("manifest status %s after a failed Put", m.Status)
			}
			files, _ := os.ReadDir(s.shardDir(keyA))
			for _, f := range files {
				if f.Name() != string(keyA)+".json" {
					t.Errorf("left %s behind", f.Name())
				}
			}
			// The disk is fixed (space freed): the same Put completes.
			*d = disk{budget: 1 << 40, at: "write"}
			if err := s.Put(manifest(keyA), parts()); err != nil {
				t.Fatalf("Put after the disk was fixed: %v", err)
			}
			if err := s.Verify(keyA); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// Describe, which writes the pending manifest before a node runs, reports a full disk the
// same way.
func TestDescribeWriteFailure(t *testing.T) {
	s := openStore(t)
	inject(t, &disk{budget: 5, at: "write", err: syscall.ENOSPC})
	err := s.Describe(manifest(keyA))
	if err == nil || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "free space there") {
		t.Fatalf("error %v; want ENOSPC with the fix", err)
	}
	if _, err := os.Stat(s.manifestPath(keyA)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a manifest was left: %v", err)
	}
}
