package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// CorruptError reports damage found under a key: a part missing, damaged or unreadable, a
// manifest that is not a valid one of this key, a directory where a file goes, a stray temp
// file. The key's files have been moved aside (MovedTo) so the key is simply not done.
type CorruptError struct {
	Key     Key
	Part    string // the damaged part, or "" when the damage is not in a part
	Path    string // the bad file (or directory)
	MovedTo string // directory under <store>/corrupt/; empty if moving failed
	Reason  string
}

// item names what was damaged: a part, the manifest, or a file.
func (e *CorruptError) item() string {
	base := filepath.Base(e.Path)
	switch {
	case e.Part != "":
		return "part " + e.Part
	case base == string(e.Key)+".json":
		return "manifest"
	}
	return "file " + base
}

func (e *CorruptError) Error() string {
	if e.MovedTo == "" {
		return fmt.Sprintf("artifact %s %s is corrupt (%s); could not move it aside; delete the files of %s under %s and re-run",
			e.Key, e.item(), e.Reason, e.Key, filepath.Dir(e.Path))
	}
	return e.What() + "; run the same command again to recompute it"
}

// What says what was found and done, without telling what comes next: the pipeline
// recomputes a corrupt artifact it finds before a node runs in the same run, and says so.
func (e *CorruptError) What() string {
	if e.MovedTo == "" {
		return e.Error()
	}
	return fmt.Sprintf("artifact %s %s is corrupt (%s); moved aside to %s", e.Key, e.item(), e.Reason, e.MovedTo)
}

// corruptLog is the file in <Dir> with one line per artifact moved to <Dir>/corrupt/.
// It lies outside corrupt/ so that directory holds only what was moved.
const corruptLog = "corrupt.log"

// quarantine moves the files of k aside (see moveAside).
func (s *Store) quarantine(k Key, part, path, reason string) *CorruptError {
	return s.moveAside(k, part, path, reason, nil)
}

// moveAside moves everything under k into a new <Dir>/corrupt/<key>.<unix-nanos>/, the
// manifest first, and appends a line saying why to <Dir>/corrupt.log: the manifest,
// the parts, any directory named like one of k's files, and the temp files temps (only
// when no writer can own them). A lock file stays, so a running computation keeps
// excluding others. When path is k's shard (a file where the directory goes), that file
// is moved instead. Keeping the files, rather than deleting them, leaves evidence for
// debugging a disk or a writer bug.
func (s *Store) moveAside(k Key, part, path, reason string, temps []string) *CorruptError {
	e := &CorruptError{Key: k, Part: part, Path: path, Reason: reason}
	dest, err := s.corruptDir(k)
	if err != nil {
		e.Reason += "; " + err.Error()
		return e
	}
	shard := s.shardDir(k)
	var names []string
	if path == shard {
		shard, names = s.Dir, []string{filepath.Base(shard)}
	} else if names, err = s.victims(k); err != nil {
		e.Reason += "; " + err.Error()
		return e
	}
	for _, f := range append(names, temps...) {
		// Another process may have moved it already; that is fine.
		if err := os.Rename(filepath.Join(shard, f), filepath.Join(dest, f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			e.Reason += "; moving aside: " + err.Error()
			return e
		}
	}
	syncDir(shard)
	e.MovedTo = dest
	s.logCorrupt(e)
	return e
}

// victims lists what moveAside moves of k, the manifest first: once it is gone the key is
// not done, whatever happens next. Lock files are kept unless they are directories.
func (s *Store) victims(k Key) ([]string, error) {
	ents, err := os.ReadDir(s.shardDir(k))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	manifest := filepath.Base(s.manifestPath(k))
	locks := []string{filepath.Base(s.lockPath(k)), filepath.Base(s.linkLockPath(k))}
	out := []string{manifest}
	for _, e := range ents {
		n := e.Name()
		if !strings.HasPrefix(n, string(k)+".") || n == manifest {
			continue
		}
		if (n == locks[0] || n == locks[1]) && !e.IsDir() {
			continue
		}
		out = append(out, n)
	}
	return out, nil
}

// corruptDir makes a new directory for k under <Dir>/corrupt/, never one already used.
func (s *Store) corruptDir(k Key) (string, error) {
	root := filepath.Join(s.Dir, "corrupt")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	base := fmt.Sprintf("%s.%d", k, time.Now().UnixNano())
	for i := 0; ; i++ {
		dest := filepath.Join(root, base)
		if i > 0 {
			dest += fmt.Sprintf("-%d", i)
		}
		switch err := os.Mkdir(dest, 0o755); {
		case err == nil:
			return dest, nil
		case !errors.Is(err, fs.ErrExist) || i == 100:
			return "", err
		}
	}
}

// logCorrupt appends one line for e to <Dir>/corrupt.log, which starts by saying what it
// is. Best effort: the files are already aside.
func (s *Store) logCorrupt(e *CorruptError) {
	path := filepath.Join(s.Dir, corruptLog)
	if f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err == nil {
		fmt.Fprintln(f, "# Damage the store found and moved to corrupt/, one line each: when, key, what was damaged: why -> the")
		fmt.Fprintln(f, "# directory under corrupt/ holding its files. The pipeline recomputes each such key; those files are evidence only.")
		f.Close()
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	reason := strings.Join(strings.Fields(e.Reason), " ") // one line, whatever the error said
	fmt.Fprintf(f, "%s %s %s: %s -> %s\n", time.Now().UTC().Format(time.RFC3339), e.Key, e.item(), reason, filepath.Base(e.MovedTo))
}
