package data

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Store is a content-addressed directory of artifacts:
// <Dir>/<first 2 hex of key>/<key>.json (manifest), <key>.arrow (part "main"),
// <key>.<part>.arrow (other parts), <key>.lock. Damage found under a key is moved to
// <Dir>/corrupt/ with a line in <Dir>/corrupt.log (see Check).
type Store struct {
	Dir   string
	Locks LockMode // how Lock excludes other processes (default LockFlock)
}

// staleTemp is how old a temp file must be before Open assumes its writer died.
const staleTemp = time.Hour

// Open creates dir if needed, checks that it is writable and deletes stale temp files.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("artifact store %s: cannot create it: %w; choose a writable directory with -cache", dir, err)
	}
	f, err := os.CreateTemp(dir, tmpPrefix+"probe-*")
	if err != nil {
		return nil, fmt.Errorf("artifact store %s: not writable: %w; fix its permissions or choose another directory with -cache", dir, err)
	}
	f.Close()
	os.Remove(f.Name())
	s := &Store{Dir: dir}
	removeStaleTemps(dir, staleTemp)
	if shards, err := s.shards(); err == nil {
		for _, sh := range shards {
			removeStaleTemps(filepath.Join(dir, sh), staleTemp)
		}
	}
	return s, nil
}

// shards lists the two-hex-digit subdirectories.
func (s *Store) shards() ([]string, error) {
	ents, err := os.ReadDir(s.Dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() && len(e.Name()) == 2 && Key(e.Name()+"000000").Valid() == nil {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

func (s *Store) shardDir(k Key) string { return filepath.Join(s.Dir, string(k[:2])) }

func (s *Store) manifestPath(k Key) string {
	return filepath.Join(s.shardDir(k), string(k)+".json")
}

func (s *Store) lockPath(k Key) string { return filepath.Join(s.shardDir(k), string(k)+".lock") }

// partPath is <key>.arrow for "main", <key>.<part>.arrow otherwise.
func (s *Store) partPath(k Key, part string) string {
	if part == "main" {
		return filepath.Join(s.shardDir(k), string(k)+".arrow")
	}
	return filepath.Join(s.shardDir(k), string(k)+"."+part+".arrow")
}

// validPart keeps part names usable as a file name component that cannot be confused
// with the manifest, the lock or another part.
func validPart(p string) error {
	if p == "" || len(p) > 64 {
		return fmt.Errorf("part name %q: want 1 to 64 characters", p)
	}
	for _, c := range []byte(p) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return fmt.Errorf("part name %q: %q not allowed; use a-z, 0-9, '_' and '-'", p, c)
		}
	}
	return nil
}

func (s *Store) ensureShard(k Key) error {
	dir := s.shardDir(k)
	fi, err := os.Stat(dir)
	if err == nil && fi.IsDir() {
		return nil
	}
	if err == nil {
		// A file where the shard goes would fail every write under it: damage like any other.
		if ce := s.quarantine(k, "", dir, "a file where the shard directory goes"); ce.MovedTo == "" {
			return ce
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return writeError(dir, "create directory", err)
	}
	if err := syncDir(s.Dir); err != nil {
		return writeError(dir, "create directory", err)
	}
	return nil
}

// Put stores the parts of artifact m.Key ("main" is required) and then its manifest with
// Status done. The manifest is written last and is the commit marker: a crash before it
// leaves the key not done. On success m is updated with what was written (status,
// checksums, and Finished, Seconds, Host when they were unset). Processes sharing the store
// hold k's Lock around Put: Check deletes temp files of a key whose lock is free.
func (s *Store) Put(m *Manifest, parts map[string]*Table) error {
	if err := m.check(); err != nil {
		return err
	}
	if parts["main"] == nil {
		return fmt.Errorf("put %s (%s): no \"main\" part; every artifact has one", m.Key, m.Stage)
	}
	names := make([]string, 0, len(parts))
	for name, t := range parts {
		if err := validPart(name); err != nil {
			return fmt.Errorf("put %s (%s): %w", m.Key, m.Stage, err)
		}
		if t == nil {
			return fmt.Errorf("put %s (%s): part %q is nil", m.Key, m.Stage, name)
		}
		if err := t.Validate(); err != nil {
			return fmt.Errorf("put %s (%s): part %q: %w", m.Key, m.Stage, name, err)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	if err := s.ensureShard(m.Key); err != nil {
		return err
	}
	// Demote any earlier done manifest first, so replaced parts never sit under a done
	// manifest with the old checksums.
	pending := *m
	pending.Status, pending.Parts = StatusPending, nil
	if err := s.writeManifest(&pending); err != nil {
		return fmt.Errorf("put %s (%s): %w", m.Key, m.Stage, err)
	}
	sums := make(map[string]string, len(parts))
	for _, name := range names {
		t := parts[name]
		sum, err := writeAtomic(s.partPath(m.Key, name), func(w io.Writer) error { return WriteIPC(w, t) })
		if err != nil {
			// The parts written so far go too: a failed Put leaves only the pending manifest.
			for done := range sums {
				os.Remove(s.partPath(m.Key, done))
			}
			return fmt.Errorf("put %s (%s): part %q: %w", m.Key, m.Stage, name, err)
		}
		sums[name] = sum
	}
	done := *m
	done.Status, done.Parts = StatusDone, sums
	if done.Finished.IsZero() {
		done.Finished = time.Now().UTC()
	}
	if done.Seconds == 0 && !done.Started.IsZero() {
		done.Seconds = done.Finished.Sub(done.Started).Seconds()
	}
	if done.Host == "" {
		done.Host, _ = os.Hostname()
	}
	if err := s.writeManifest(&done); err != nil {
		for name := range sums {
			os.Remove(s.partPath(m.Key, name))
		}
		return fmt.Errorf("put %s (%s): %w", m.Key, m.Stage, err)
	}
	*m = done
	return nil
}

// doneManifest reads k's manifest and insists it is done.
// A damaged manifest moves the artifact aside and returns a *CorruptError.
func (s *Store) doneManifest(k Key) (*Manifest, error) {
	if err := k.Valid(); err != nil {
		return nil, err
	}
	m, f, err := s.readManifest(k)
	if f != nil {
		return nil, s.quarantine(k, f.part, f.path, f.reason)
	}
	if err != nil {
		return nil, err
	}
	if m.Status != StatusDone {
		return nil, fmt.Errorf("artifact %s (%s) is %s, not done; run it first", k, m.Stage, m.Status)
	}
	return m, nil
}

// Get reads one part of a done artifact, verifying its checksum. A part that is missing,
// damaged or unreadable, or a damaged manifest, moves the whole artifact aside and returns
// a *CorruptError.
func (s *Store) Get(k Key, part string) (*Table, error) {
	m, err := s.doneManifest(k)
	if err != nil {
		return nil, err
	}
	want, ok := m.Parts[part]
	if !ok {
		have := make([]string, 0, len(m.Parts))
		for p := range m.Parts {
			have = append(have, p)
		}
		slices.Sort(have)
		return nil, fmt.Errorf("artifact %s (%s) has no part %q (have %s)", k, m.Stage, part, strings.Join(have, ", "))
	}
	if err := validPart(part); err != nil {
		return nil, fmt.Errorf("artifact %s: %w", k, err)
	}
	path := s.partPath(k, part)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, s.quarantine(k, part, path, "unreadable: "+err.Error())
	}
	if got := sha256hex(b); got != want {
		return nil, s.quarantine(k, part, path, fmt.Sprintf("checksum mismatch: manifest has %.12s…, file has %.12s…", want, got))
	}
	t, err := ReadIPC(b)
	if err != nil {
		return nil, s.quarantine(k, part, path, err.Error())
	}
	return t, nil
}

// Verify checksums every part of a done artifact; on failure it behaves like Get.
func (s *Store) Verify(k Key) error {
	m, err := s.doneManifest(k)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(m.Parts))
	for p := range m.Parts {
		names = append(names, p)
	}
	slices.Sort(names)
	for _, part := range names {
		if err := validPart(part); err != nil {
			return s.quarantine(k, part, s.manifestPath(k), "manifest lists a bad part: "+err.Error())
		}
		path := s.partPath(k, part)
		b, err := os.ReadFile(path)
		if err != nil {
			return s.quarantine(k, part, path, "unreadable: "+err.Error())
		}
		if got, want := sha256hex(b), m.Parts[part]; got != want {
			return s.quarantine(k, part, path, fmt.Sprintf("checksum mismatch: manifest has %.12s…, file has %.12s…", want, got))
		}
	}
	return nil
}

func sha256hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// keyFiles lists the files of k in its shard (manifest, parts, lock; not temp files).
func (s *Store) keyFiles(k Key) ([]string, error) {
	ents, err := os.ReadDir(s.shardDir(k))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), string(k)+".") && !e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// Keys lists the keys with a done manifest, sorted. Unreadable manifests are skipped.
func (s *Store) Keys() ([]Key, error) {
	shards, err := s.shards()
	if err != nil {
		return nil, fmt.Errorf("artifact store %s: %w", s.Dir, err)
	}
	var keys []Key
	for _, sh := range shards {
		ents, err := os.ReadDir(filepath.Join(s.Dir, sh))
		if err != nil {
			return nil, fmt.Errorf("artifact store %s: %w", s.Dir, err)
		}
		for _, e := range ents {
			name, ok := strings.CutSuffix(e.Name(), ".json")
			k := Key(name)
			if !ok || k.Valid() != nil || string(k[:2]) != sh {
				continue
			}
			if m, err := s.Manifest(k); err == nil && m.Status == StatusDone {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	return keys, nil
}

// Remove deletes all files of k, manifest first so no done manifest outlives its parts.
// The lock file is deleted only if no one holds it, so a running computation keeps
// excluding others.
func (s *Store) Remove(k Key) error {
	if err := k.Valid(); err != nil {
		return err
	}
	if err := os.Remove(s.manifestPath(k)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", k, err)
	}
	files, err := s.keyFiles(k)
	if err != nil {
		return fmt.Errorf("remove %s: %w", k, err)
	}
	lock := filepath.Base(s.lockPath(k))
	for _, name := range files {
		if name == lock {
			continue
		}
		if err := os.Remove(filepath.Join(s.shardDir(k), name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", k, err)
		}
	}
	if slices.Contains(files, lock) {
		if f, ok, err := tryLock(s.lockPath(k)); err == nil && ok {
			// Deleted while held: a waiter that opened the old file notices and retries.
			os.Remove(s.lockPath(k))
			unlockFile(f)
		}
	}
	return nil
}
