package data

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// damage is one kind of damage done to the stored artifact keyA; reason is what Check
// must say about it.
type damage struct {
	name   string
	do     func(t *testing.T, s *Store)
	reason string
	moved  string // the file that must land in corrupt/ (relative to the shard)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func truncateHalf(t *testing.T, p string) {
	fi, err := os.Stat(p)
	must(t, err)
	must(t, os.Truncate(p, fi.Size()/2))
}

func flipByte(t *testing.T, p string, at func(b []byte) int) {
	b, err := os.ReadFile(p)
	must(t, err)
	b[at(b)] ^= 0x04
	must(t, os.WriteFile(p, b, 0o644))
}

func replaceWithDir(t *testing.T, p string) {
	must(t, os.RemoveAll(p))
	must(t, os.MkdirAll(filepath.Join(p, "inner"), 0o755))
}

// rewriteManifest writes keyA's manifest after edit; legacy writes it without the checksum
// (as stores did before manifests had one), else with a correct one.
func rewriteManifest(t *testing.T, s *Store, legacy bool, edit func(m *Manifest)) {
	m, err := s.Manifest(keyA)
	must(t, err)
	edit(m)
	b, err := marshalManifest(m)
	if legacy {
		b, err = json.Marshal(m)
	}
	must(t, err)
	must(t, os.WriteFile(s.manifestPath(keyA), b, 0o644))
}

var (
	a1     = string(keyA)
	mainP  = a1 + ".arrow"
	weight = a1 + ".weights.arrow"
	manif  = a1 + ".json"
)

func damages() []damage {
	in := func(s *Store, name string) string { return filepath.Join(s.Dir, "a1", name) }
	mid := func(b []byte) int { return len(b) / 2 }
	return []damage{
		{"part truncated", func(t *testing.T, s *Store) { truncateHalf(t, in(s, mainP)) }, "checksum mismatch: manifest has", mainP},
		{"part zero-length", func(t *testing.T, s *Store) { must(t, os.Truncate(in(s, weight), 0)) }, "checksum mismatch: manifest has", weight},
		{"part garbled", func(t *testing.T, s *Store) { flipByte(t, in(s, mainP), mid) }, "checksum mismatch: manifest has", mainP},
		{"part missing under a done manifest", func(t *testing.T, s *Store) { must(t, os.Remove(in(s, weight))) }, "missing; the manifest lists it as done", manif},
		{"part is a directory", func(t *testing.T, s *Store) { replaceWithDir(t, in(s, weight)) }, "a directory where the store keeps a file", weight},
		{"manifest truncated", func(t *testing.T, s *Store) { truncateHalf(t, in(s, manif)) }, "not a manifest: ", manif},
		{"manifest zero-length", func(t *testing.T, s *Store) { must(t, os.Truncate(in(s, manif), 0)) }, "not a manifest: empty", manif},
		// A byte inside the host name: still valid JSON, caught by the manifest's checksum.
		{"manifest garbled", func(t *testing.T, s *Store) {
			flipByte(t, in(s, manif), func(b []byte) int { return bytes.Index(b, []byte(`"host":"`)) + 9 })
		}, "not a manifest: checksum mismatch: the manifest says", manif},
		{"manifest of another key", func(t *testing.T, s *Store) {
			b, err := os.ReadFile(filepath.Join(s.Dir, "0b", string(keyB)+".json"))
			must(t, err)
			must(t, os.WriteFile(in(s, manif), b, 0o644))
		}, `a manifest of key "` + string(keyB), manif},
		{"manifest of another stage version", func(t *testing.T, s *Store) {
			rewriteManifest(t, s, false, func(m *Manifest) { m.Version++ })
		}, `describes stage "truth" v3, params {"setting":"gauss-x","n":5}, 1 inputs, the plan has stage "truth" v2`, manif},
		{"legacy manifest of another stage version", func(t *testing.T, s *Store) {
			rewriteManifest(t, s, true, func(m *Manifest) { m.Version-- })
		}, `describes stage "truth" v1`, manif},
		{"manifest with a bad status", func(t *testing.T, s *Store) {
			rewriteManifest(t, s, false, func(m *Manifest) { m.Status = "finished" })
		}, `status "finished": want pending or done`, manif},
		{"manifest is a directory", func(t *testing.T, s *Store) { replaceWithDir(t, in(s, manif)) }, "a directory where the store keeps a file", manif},
		{"temp file left beside a done artifact", func(t *testing.T, s *Store) {
			must(t, os.WriteFile(in(s, tmpPrefix+mainP+"-123"), []byte("half a write"), 0o644))
		}, "temp file written after the artifact was finished", tmpPrefix + mainP + "-123"},
		{"lock is a directory", func(t *testing.T, s *Store) { replaceWithDir(t, in(s, a1+".lock")) }, "a directory where the store keeps a file", a1 + ".lock"},
		{"shard is a file", func(t *testing.T, s *Store) {
			must(t, os.RemoveAll(filepath.Join(s.Dir, "a1")))
			must(t, os.WriteFile(filepath.Join(s.Dir, "a1"), []byte("x"), 0o644))
		}, "a file where the shard directory goes", "../a1"},
	}
}

// Every kind of damage: Check says what was wrong, moves it to corrupt/ with a line in
// corrupt.log, and the key is then simply not done; Put recomputes it and Get returns
// the table again. The other artifact is untouched.
func TestCheckRepairsDamage(t *testing.T) {
	for _, d := range damages() {
		t.Run(d.name, func(t *testing.T) {
			s := openStore(t)
			put(t, s, keyA)
			put(t, s, keyB)
			if done, found := s.Check(manifest(keyA)); !done || len(found) != 0 {
				t.Fatalf("undamaged: Check = %v, %v", done, found)
			}
			d.do(t, s)
			done, found := s.Check(manifest(keyA))
			if done || len(found) != 1 {
				t.Fatalf("Check = %v, %v; want not done and one finding", done, found)
			}
			ce := found[0]
			if ce.Key != keyA || !strings.Contains(ce.Reason, d.reason) || ce.MovedTo == "" {
				t.Fatalf("found %+v; want the reason %q", ce, d.reason)
			}
			if _, err := os.Lstat(filepath.Join(ce.MovedTo, filepath.Base(d.moved))); err != nil {
				t.Errorf("%s not moved aside: %v", d.moved, err)
			}
			if _, err := os.Lstat(filepath.Join(s.Dir, "a1", d.moved)); err == nil {
				t.Errorf("%s still in the store", d.moved)
			}
			log, err := os.ReadFile(filepath.Join(s.Dir, corruptLog))
			must(t, err)
			line := string(keyA) + " " + ce.item() + ": "
			if !strings.Contains(string(log), line) || !strings.Contains(string(log), filepath.Base(ce.MovedTo)) {
				t.Errorf("corrupt.log lacks a line %q… for %s:\n%s", line, filepath.Base(ce.MovedTo), log)
			}
			if s.Done(keyA) {
				t.Error("Done after the damage was found")
			}
			if done, found := s.Check(manifest(keyB)); !done || len(found) != 0 {
				t.Errorf("the other artifact: Check = %v, %v", done, found)
			}
			// The ordinary path: describe, compute, put.
			must(t, s.Describe(manifest(keyA)))
			put(t, s, keyA)
			if done, found := s.Check(manifest(keyA)); !done || len(found) != 0 || !s.Done(keyA) {
				t.Fatalf("after recomputing: Check = %v, %v", done, found)
			}
			got, err := s.Get(keyA, "main")
			must(t, err)
			equalTables(t, got, noiseTable(4000))
			if entries, _ := os.ReadDir(filepath.Join(s.Dir, "corrupt")); len(entries) != 1 {
				t.Errorf("corrupt/ holds %d entries, want the one directory moved aside", len(entries))
			}
		})
	}
}

// Done, which does not read the parts nor list the shard, still sees the damage it meets
// (a manifest that is not a valid one of the key, a part missing or not a file) and moves
// nothing; Check then moves it aside.
func TestDoneSeesDamage(t *testing.T) {
	for _, d := range damages() {
		switch d.name {
		case "part truncated", "part zero-length", "part garbled", "temp file left beside a done artifact", "lock is a directory":
			continue // Check's business: checksums and stray files
		case "manifest of another stage version", "legacy manifest of another stage version":
			continue // only the caller knows the node it plans
		}
		t.Run(d.name, func(t *testing.T) {
			s := openStore(t)
			put(t, s, keyA)
			put(t, s, keyB)
			d.do(t, s)
			if s.Done(keyA) {
				t.Fatal("Done despite the damage")
			}
			if _, err := os.Stat(filepath.Join(s.Dir, "corrupt")); err == nil {
				t.Error("Done moved something")
			}
			if done, found := s.Check(manifest(keyA)); done || len(found) != 1 {
				t.Fatalf("Check after Done = %v, %v", done, found)
			}
			put(t, s, keyA)
			if !s.Done(keyA) || !s.Done(keyB) {
				t.Error("not done after recomputing")
			}
		})
	}
}

// Every single-bit flip anywhere in a manifest is seen as damage, never read as a manifest.
func TestManifestEveryFlipDetected(t *testing.T) {
	s := openStore(t)
	put(t, s, keyA)
	good, err := os.ReadFile(s.manifestPath(keyA))
	must(t, err)
	if !bytes.HasPrefix(good, []byte(sumField)) {
		t.Fatalf("manifest does not start with its checksum: %s", good)
	}
	for i := range good {
		for bit := range 8 {
			b := bytes.Clone(good)
			b[i] ^= 1 << bit
			if m, err := parseManifest(b); err == nil && m.valid(keyA) == nil {
				t.Fatalf("byte %d bit %d flipped (%q) read as a manifest: %+v", i, bit, b[max(i-5, 0):min(i+5, len(b))], m)
			}
		}
	}
}

// Manifests written before they carried a checksum are still read.
func TestLegacyManifest(t *testing.T) {
	s := openStore(t)
	put(t, s, keyA)
	rewriteManifest(t, s, true, func(*Manifest) {})
	if done, found := s.Check(manifest(keyA)); !done || len(found) != 0 {
		t.Fatalf("legacy manifest: Check = %v, %v", done, found)
	}
	// A garbled field name is caught even without the checksum.
	b, _ := os.ReadFile(s.manifestPath(keyA))
	must(t, os.WriteFile(s.manifestPath(keyA), bytes.Replace(b, []byte(`"host"`), []byte(`"hozt"`), 1), 0o644))
	if done, found := s.Check(manifest(keyA)); done || len(found) != 1 || !strings.Contains(found[0].Reason, `unknown field "hozt"`) {
		t.Fatalf("garbled legacy manifest: Check = %v, %v", done, found)
	}
}

// What a live writer or a crash leaves is not damage: temp files while someone holds the
// key's lock are left alone; temp files beside a key that is not done, with the lock free,
// are an interrupted write's and are deleted without a report.
func TestCheckLeavesWritersAlone(t *testing.T) {
	for _, mode := range []LockMode{LockFlock, LockLink} {
		s := openStore(t)
		s.Locks = mode
		put(t, s, keyA)
		tmp := filepath.Join(s.Dir, "a1", tmpPrefix+mainP+"-77")
		must(t, os.WriteFile(tmp, nil, 0o644))
		unlock, err := (&Store{Dir: s.Dir, Locks: mode}).Lock(ctx2(t), keyA)
		must(t, err)
		if done, found := s.Check(manifest(keyA)); !done || len(found) != 0 {
			t.Errorf("mode %d, lock held: Check = %v, %v", mode, done, found)
		}
		if _, err := os.Stat(tmp); err != nil {
			t.Errorf("mode %d: a held key's temp file was touched: %v", mode, err)
		}
		unlock()

		must(t, s.Describe(manifest(keyB)))
		tmpB := filepath.Join(s.Dir, "0b", tmpPrefix+string(keyB)+".arrow-88")
		must(t, os.WriteFile(tmpB, nil, 0o644))
		if done, found := s.Check(manifest(keyB)); done || len(found) != 0 {
			t.Errorf("mode %d, interrupted write: Check = %v, %v", mode, done, found)
		}
		if _, err := os.Stat(tmpB); err == nil {
			t.Errorf("mode %d: an interrupted write's temp file was kept", mode)
		}
		// A writer died beside the key, then another process finished it: the temp file is
		// older than the done manifest.
		put(t, s, keyB)
		must(t, os.WriteFile(tmpB, nil, 0o644))
		past := time.Now().Add(-time.Minute)
		must(t, os.Chtimes(tmpB, past, past))
		if done, found := s.Check(manifest(keyB)); !done || len(found) != 0 {
			t.Errorf("mode %d, temp file older than the artifact: Check = %v, %v", mode, done, found)
		}
		if _, err := os.Stat(tmpB); err == nil {
			t.Errorf("mode %d: a dead writer's temp file was kept", mode)
		}
		if _, err := os.Stat(filepath.Join(s.Dir, "corrupt")); err == nil {
			t.Errorf("mode %d: an interrupted write was reported as damage", mode)
		}
	}
}

// Describe over a damaged manifest moves it aside and writes the node's; a directory where
// the lock goes does not stop Lock.
func TestDescribeAndLockRepair(t *testing.T) {
	s := openStore(t)
	must(t, s.ensureShard(keyA))
	must(t, os.WriteFile(s.manifestPath(keyA), []byte(`{"key":"a1b2c3d4e5f6`), 0o644))
	must(t, s.Describe(manifest(keyA)))
	m, err := s.Manifest(keyA)
	if err != nil || m.Status != StatusPending || m.Stage != "truth" {
		t.Fatalf("after Describe over a damaged manifest: %+v, %v", m, err)
	}
	for _, mode := range []LockMode{LockFlock, LockLink} {
		s.Locks = mode
		path := s.lockPath(keyA)
		if mode == LockLink {
			path = s.linkLockPath(keyA)
		}
		replaceWithDir(t, path)
		unlock, err := s.Lock(ctx2(t), keyA)
		if err != nil {
			t.Fatalf("mode %d: Lock with a directory at %s: %v", mode, path, err)
		}
		unlock()
	}
}

// vanishing is a temp file that another process's Check deletes once, right after it is
// written (Describe runs without the key's lock).
type vanishing struct {
	*os.File
	taken *int
}

func (v *vanishing) Close() error {
	err := v.File.Close()
	if *v.taken == 0 {
		*v.taken++
		os.Remove(v.Name())
	}
	return err
}

func TestDescribeRetriesWhenItsTempIsTaken(t *testing.T) {
	s := openStore(t)
	old := createTemp
	t.Cleanup(func() { createTemp = old })
	taken := 0
	createTemp = func(dir, pattern string) (tempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		return &vanishing{File: f, taken: &taken}, nil
	}
	if err := s.Describe(manifest(keyA)); err != nil || taken != 1 {
		t.Fatalf("Describe = %v after its temp file was taken %d times", err, taken)
	}
	if m, err := s.Manifest(keyA); err != nil || m.Status != StatusPending {
		t.Fatalf("manifest %+v, %v", m, err)
	}
}
