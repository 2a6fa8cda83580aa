package data

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// tmpPrefix marks files being written. No artifact name starts with it, so a temp file left
// by a crash is never read as an artifact.
const tmpPrefix = ".tmp-"

// tempFile is what the store needs of a file it writes.
type tempFile interface {
	io.Writer
	Sync() error
	Close() error
	Name() string
}

// createTemp opens a new temp file; tests replace it to make writes fail like a full or
// broken disk.
var createTemp = func(dir, pattern string) (tempFile, error) { return os.CreateTemp(dir, pattern) }

// writeAtomic writes path via a temp file in the same directory: write, fsync, close, rename,
// fsync the directory. It returns the sha256 (hex) of the bytes written. On any failure the
// temp file is removed, so nothing is left under path or beside it.
func writeAtomic(path string, write func(io.Writer) error) (sum string, err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := createTemp(dir, tmpPrefix+base+"-*")
	if err != nil {
		return "", writeError(path, "create", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	if err = write(bw); err != nil {
		return "", writeError(path, "write", err)
	}
	if err = bw.Flush(); err != nil {
		return "", writeError(path, "write", err)
	}
	if err = f.Sync(); err != nil {
		return "", writeError(path, "fsync", err)
	}
	if err = f.Close(); err != nil {
		return "", writeError(path, "close", err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return "", writeError(path, "rename", err)
	}
	if err = syncDir(dir); err != nil {
		return "", writeError(path, "fsync directory", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// WriteError is a failed write of path, with what to do about it.
type WriteError struct {
	Path string
	Op   string // create, write, fsync, close, rename, ...
	Err  error
}

func (e *WriteError) Unwrap() error { return e.Err }

func (e *WriteError) Error() string {
	dir := filepath.Dir(e.Path)
	var fix string
	switch {
	case errors.Is(e.Err, syscall.ENOSPC), errors.Is(e.Err, syscall.EDQUOT):
		fix = "the file system holding " + dir + " is full (or over quota): free space there, or choose a cache on another disk with -cache, then run the same command again; finished nodes are kept"
	case errors.Is(e.Err, syscall.EROFS):
		fix = dir + " is on a read-only file system: choose a writable directory with -cache (or -out)"
	case errors.Is(e.Err, fs.ErrPermission):
		fix = "no permission to write in " + dir + ": fix its ownership or permissions, or choose another directory with -cache (or -out)"
	case errors.Is(e.Err, syscall.EIO):
		fix = "the disk or network file system under " + dir + " reported an I/O error: check it (dmesg, the file server) before trusting anything written there, then run the same command again"
	default:
		fix = "check the file system holding " + dir + ", then run the same command again"
	}
	cause := e.Err
	var pe *fs.PathError
	if errors.As(cause, &pe) { // its path is the temp file's; Path says which file it was for
		cause = pe.Err
	}
	return fmt.Sprintf("%s %s: %v; %s", e.Op, e.Path, cause, fix)
}

// writeError wraps err unless it already is a *WriteError (the stage's own writer may
// have failed on the same path).
func writeError(path, op string, err error) error {
	var we *WriteError
	if errors.As(err, &we) {
		return err
	}
	return &WriteError{Path: path, Op: op, Err: err}
}

// syncDir makes renames and creations in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("fsync directory %s: %w", dir, err)
	}
	return nil
}

// removeStaleTemps deletes temp files in dir older than maxAge: their writer has crashed.
// Younger ones may belong to a run in progress.
func removeStaleTemps(dir string, maxAge time.Duration) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if e.IsDir() || !strings.HasPrefix(e.Name(), tmpPrefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > maxAge {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
