package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Check examines everything the store holds under want.Key and moves aside (see
// CorruptError) whatever is damaged, so the key is then simply not done and the caller
// recomputes it. want is the node the caller is about to use or compute: its stage,
// version, params and inputs must be the manifest's (status, parts, timings and info are
// ignored). Damage is: a manifest that is unreadable, not a manifest (truncated, empty,
// garbled: manifests carry a checksum), of another key or describing another node; a part
// that is missing, not a regular file, or whose checksum differs; a directory named like
// one of the key's files; a temp file of the key written after its artifact was finished,
// when no one holds the key's lock (a writer's own temp files are left alone). Other temp
// files of a key whose lock is free (beside a key not done, or older than its manifest)
// are what an interrupted write leaves: they are deleted, not reported.
// Check reports whether the artifact is done with every part verified, and the damage it
// moved aside.
func (s *Store) Check(want *Manifest) (done bool, found []*CorruptError) {
	if want == nil || want.Key.Valid() != nil {
		return false, nil
	}
	return s.repair(want.Key, want)
}

// Done reports whether k has a valid done manifest and all its part files exist. It does
// not checksum the parts (Check, Get and Verify do) nor look for stray files. It moves
// nothing: damage it meets (a manifest that is not a valid one of k, a part missing or not
// a file) makes k not done, and Check, which the caller reports, moves it aside.
func (s *Store) Done(k Key) bool {
	if k.Valid() != nil {
		return false
	}
	m, f, _ := s.examine(k, nil, false)
	return f == nil && m != nil && m.Status == StatusDone
}

func (s *Store) repair(k Key, want *Manifest) (bool, []*CorruptError) {
	m, f, temps := s.examine(k, want, true)
	if len(temps) > 0 {
		unlock, free := s.tryLockKey(k)
		if free {
			defer unlock()
		}
		stray := ""
		if free && f == nil && m != nil && m.Status == StatusDone {
			stray = s.strayTemp(k, temps)
		}
		switch {
		case !free:
			temps = nil // a writer holds the key: the temp files are its own
		case stray != "":
			f = &finding{path: filepath.Join(s.shardDir(k), stray),
				reason: "temp file written after the artifact was finished; the store's writers leave none there"}
		case f == nil:
			for _, t := range temps { // an interrupted write's leftovers
				os.Remove(filepath.Join(s.shardDir(k), t))
			}
			temps = nil
		}
	}
	if f != nil {
		return false, []*CorruptError{s.moveAside(k, f.part, f.path, f.reason, temps)}
	}
	return m != nil && m.Status == StatusDone, nil
}

// examine returns k's manifest, or the first damage found under k, and (when thorough)
// the names of k's temp files.
func (s *Store) examine(k Key, want *Manifest, thorough bool) (m *Manifest, f *finding, temps []string) {
	if thorough {
		ents, err := os.ReadDir(s.shardDir(k))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			// A file where the shard goes, or unreadable: readManifest below says which.
			ents = nil
		}
		for _, e := range ents {
			n := e.Name()
			switch {
			case strings.HasPrefix(n, tmpPrefix+string(k)+".") && !strings.HasPrefix(n, tmpPrefix+string(k)+".lock.link."):
				temps = append(temps, n)
			case strings.HasPrefix(n, string(k)+".") && e.IsDir() && f == nil:
				f = &finding{path: filepath.Join(s.shardDir(k), n), reason: "a directory where the store keeps a file"}
			}
		}
		if f != nil {
			return nil, f, temps
		}
	}
	m, f, _ = s.readManifest(k)
	if f != nil || m == nil {
		return nil, f, temps
	}
	if want != nil && !sameNode(m, want) {
		return nil, &finding{path: s.manifestPath(k), reason: fmt.Sprintf("describes %s, the plan has %s under this key", node(m), node(want))}, temps
	}
	if m.Status != StatusDone {
		return m, nil, temps
	}
	parts := make([]string, 0, len(m.Parts))
	for p := range m.Parts {
		parts = append(parts, p)
	}
	slices.Sort(parts)
	for _, p := range parts {
		path := s.partPath(k, p)
		fi, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, &finding{part: p, path: path, reason: "missing; the manifest lists it as done"}, temps
		case err != nil:
			return nil, &finding{part: p, path: path, reason: "unreadable: " + err.Error()}, temps
		case !fi.Mode().IsRegular():
			return nil, &finding{part: p, path: path, reason: "not a regular file (" + fi.Mode().Type().String() + ")"}, temps
		}
		if !thorough {
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, &finding{part: p, path: path, reason: "unreadable: " + err.Error()}, temps
		}
		if got := sha256hex(b); got != m.Parts[p] {
			return nil, &finding{part: p, path: path, reason: fmt.Sprintf("checksum mismatch: manifest has %.12s…, file has %.12s…", m.Parts[p], got)}, temps
		}
	}
	return m, nil, temps
}

// strayTemp returns a temp file of done key k modified after its manifest: no writer of
// the store made it, since a key's writers hold its lock and finish with the manifest. An
// older one was left by a writer that died before another process finished the key.
func (s *Store) strayTemp(k Key, temps []string) string {
	man, err := os.Stat(s.manifestPath(k))
	if err != nil {
		return ""
	}
	for _, t := range temps {
		if fi, err := os.Lstat(filepath.Join(s.shardDir(k), t)); err == nil && fi.ModTime().After(man.ModTime()) {
			return t
		}
	}
	return ""
}

// node names the computation a manifest describes, briefly.
func node(m *Manifest) string {
	return fmt.Sprintf("stage %.30q v%d, params %.60s, %d inputs", m.Stage, m.Version, m.Params, len(m.Inputs))
}

// tryLockKey takes k's lock if no one holds it, without waiting.
func (s *Store) tryLockKey(k Key) (unlock func(), ok bool) {
	if s.Locks == LockLink {
		path, id := s.linkLockPath(k), linkID()
		if ok, err := tryLinkLock(path, id); err != nil || !ok {
			return nil, false
		}
		return func() { removeIfSame(path, []byte(id)) }, true
	}
	f, ok, err := tryLock(s.lockPath(k))
	if err != nil || !ok {
		return nil, false
	}
	return func() { unlockFile(f) }, true
}

// clearLockPath moves aside a directory where k's lock file goes, which would make every
// Lock fail or wait forever; as for any damage, k is then not done.
func (s *Store) clearLockPath(k Key, path string) {
	if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
		s.quarantine(k, "", path, "a directory where the lock file goes")
	}
}
