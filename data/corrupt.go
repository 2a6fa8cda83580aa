package data

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// CorruptError reports a done artifact whose part is missing, damaged or unreadable.
// The artifact has been moved aside (MovedTo) so the next run recomputes it.
type CorruptError struct {
	Key     Key
	Part    string
	Path    string // the bad file
	MovedTo string // directory under <store>/corrupt/; empty if moving failed
	Reason  string
}

func (e *CorruptError) Error() string {
	if e.MovedTo == "" {
		return fmt.Sprintf("artifact %s part %s is corrupt (%s); could not move it aside; delete the files of %s under %s and re-run",
			e.Key, e.Part, e.Reason, e.Key, filepath.Dir(e.Path))
	}
	return e.What() + "; run the same command again to recompute it"
}

// What says what was found and done, without telling what comes next: the pipeline
// recomputes a corrupt artifact it finds before a node runs in the same run, and says so.
func (e *CorruptError) What() string {
	if e.MovedTo == "" {
		return e.Error()
	}
	return fmt.Sprintf("artifact %s part %s is corrupt (%s); moved aside to %s", e.Key, e.Part, e.Reason, e.MovedTo)
}

// quarantine moves the files of k (manifest first, lock excepted) into
// <Dir>/corrupt/<key>.<unix-nanos>/ and describes why. Keeping them, rather than deleting,
// leaves evidence for debugging a disk or a writer bug.
func (s *Store) quarantine(k Key, part, path, reason string) *CorruptError {
	e := &CorruptError{Key: k, Part: part, Path: path, Reason: reason}
	dest := filepath.Join(s.Dir, "corrupt", fmt.Sprintf("%s.%d", k, time.Now().UnixNano()))
	if err := os.MkdirAll(dest, 0o755); err != nil {
		e.Reason += "; " + err.Error()
		return e
	}
	files, err := s.keyFiles(k)
	if err != nil {
		e.Reason += "; " + err.Error()
		return e
	}
	manifest, lock := filepath.Base(s.manifestPath(k)), filepath.Base(s.lockPath(k))
	// The manifest goes first: once it is gone the key is not done, whatever happens next.
	ordered := []string{manifest}
	for _, f := range files {
		if f != manifest && f != lock {
			ordered = append(ordered, f)
		}
	}
	for _, f := range ordered {
		// Another process may have moved it already; that is fine.
		if err := os.Rename(filepath.Join(s.shardDir(k), f), filepath.Join(dest, f)); err != nil && !os.IsNotExist(err) {
			e.Reason += "; moving aside: " + err.Error()
			return e
		}
	}
	syncDir(s.shardDir(k))
	e.MovedTo = dest
	return e
}
