package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// checkDir says why dir cannot be the writable directory a flag names ("" when it can): it
// must be a directory, or creatable as one, and writable. Nothing is created that stays:
// a temporary file in dir, or in its nearest existing ancestor, probes writability.
func checkDir(flag, dir, what string) string {
	if dir == "" {
		return fmt.Sprintf("%s is empty: give the directory for %s", flag, what)
	}
	at, err := nearestExisting(dir)
	if err != nil {
		return fmt.Sprintf("%s %s: %v; choose another directory for %s", flag, dir, err, what)
	}
	if fi, _ := os.Stat(at); !fi.IsDir() {
		if at == dir {
			return fmt.Sprintf("%s %s: is a file, not a directory; give a directory for %s (it is created if missing)", flag, dir, what)
		}
		return fmt.Sprintf("%s %s: cannot be created, %s is a file; choose another directory for %s", flag, dir, at, what)
	}
	f, err := os.CreateTemp(at, ".tmp-probe-*")
	if err != nil {
		if at == dir {
			return fmt.Sprintf("%s %s: not writable (a file cannot be created in it: %v); fix its permissions or choose another directory for %s", flag, dir, unwrap(err), what)
		}
		return fmt.Sprintf("%s %s: cannot be created, %s is not writable (a file cannot be created in it: %v); choose another directory for %s", flag, dir, at, unwrap(err), what)
	}
	f.Close()
	os.Remove(f.Name())
	return ""
}

// checkFile says why path cannot be created as a file ("" when it can, or path is empty).
func checkFile(flag, path string) string {
	if path == "" {
		return ""
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Sprintf("%s %s: is a directory; give a file name", flag, path)
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Sprintf("%s %s: %s is not a directory; create it or choose another file", flag, path, dir)
	}
	f, err := os.CreateTemp(dir, ".tmp-probe-*")
	if err != nil {
		return fmt.Sprintf("%s %s: %s is not writable (a file cannot be created in it: %v); choose another file", flag, path, dir, unwrap(err))
	}
	f.Close()
	os.Remove(f.Name())
	return ""
}

// nearestExisting is path or its closest ancestor that exists.
func nearestExisting(path string) (string, error) {
	at := filepath.Clean(path)
	for {
		_, err := os.Stat(at)
		if err == nil {
			return at, nil
		}
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return "", unwrap(err)
		}
		parent := filepath.Dir(at)
		if parent == at {
			return "", unwrap(err)
		}
		at = parent
	}
}

// unwrap drops the operation and path of a *fs.PathError, which the message says already.
func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
