package data

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const (
	keyA Key = "a1b2c3d4e5f60718"
	keyB Key = "0badc0ffee000001"
)

func openStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "cache"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func manifest(k Key) *Manifest {
	return &Manifest{
		Key: k, Stage: "truth", Version: 2,
		Params: json.RawMessage(`{"setting":"gauss-x","n":5}`),
		Inputs: map[string]Key{"pool": keyB},
		Info:   map[string]string{"acceptance": "0.41"},
	}
}

func put(t *testing.T, s *Store, k Key) {
	t.Helper()
	// Incompressible main part: a flipped byte there changes a value, which only the
	// checksum can notice.
	parts := map[string]*Table{"main": noiseTable(4000), "weights": SamplesTable([]float64{1, 2, 3, 4}, 2)}
	if err := s.Put(manifest(k), parts); err != nil {
		t.Fatal(err)
	}
}

// noiseTable is n rows × 2 float64 columns of pseudo-random values (a fixed LCG).
func noiseTable(n int) *Table {
	x := make([]float64, 2*n)
	s := uint64(7)
	for i := range x {
		s = s*6364136223846793005 + 1442695040888963407
		x[i] = float64(int64(s>>11)-(1<<52)) / (1 << 50)
	}
	return SamplesTable(x, 2)
}

func TestKeyValid(t *testing.T) {
	for _, k := range []Key{"", "abc", "ABCDEF0123", "a1b2c3d4e5f6071g", "../../etc/passwd", Key(strings.Repeat("a", 129))} {
		if k.Valid() == nil {
			t.Errorf("key %q accepted", k)
		}
	}
	for _, k := range []Key{"deadbeef", keyA, Key(strings.Repeat("0", 64))} {
		if err := k.Valid(); err != nil {
			t.Errorf("key %q: %v", k, err)
		}
	}
	if _, err := ParseKey("xyz"); err == nil {
		t.Error("ParseKey(xyz) succeeded")
	}
}

func TestPutGet(t *testing.T) {
	s := openStore(t)
	m := manifest(keyA)
	m.Started = time.Now().Add(-1500 * time.Millisecond)
	main := sampleTable()
	if err := s.Put(m, map[string]*Table{"main": main, "weights": SamplesTable([]float64{1, 2}, 1)}); err != nil {
		t.Fatal(err)
	}
	if m.Status != StatusDone || len(m.Parts) != 2 || m.Host == "" || m.Seconds < 1.4 {
		t.Errorf("Put did not fill the manifest: %+v", m)
	}
	// Files sit where the layout says.
	for _, name := range []string{"a1b2c3d4e5f60718.json", "a1b2c3d4e5f60718.arrow", "a1b2c3d4e5f60718.weights.arrow"} {
		if _, err := os.Stat(filepath.Join(s.Dir, "a1", name)); err != nil {
			t.Error(err)
		}
	}
	if !s.Done(keyA) {
		t.Fatal("not Done after Put")
	}
	got, err := s.Get(keyA, "main")
	if err != nil {
		t.Fatal(err)
	}
	equalTables(t, got, main)
	w, err := s.Get(keyA, "weights")
	if err != nil {
		t.Fatal(err)
	}
	if x, _, _ := w.Samples(); !reflect.DeepEqual(x, []float64{1, 2}) {
		t.Errorf("weights = %v", x)
	}
	if _, err := s.Get(keyA, "nope"); err == nil || !strings.Contains(err.Error(), `no part "nope" (have main, weights)`) {
		t.Errorf("Get(nope) = %v", err)
	}
	if err := s.Verify(keyA); err != nil {
		t.Error(err)
	}
	back, err := s.Manifest(keyA)
	if err != nil {
		t.Fatal(err)
	}
	if back.Stage != "truth" || back.Version != 2 || back.Inputs["pool"] != keyB || back.Info["acceptance"] != "0.41" ||
		!reflect.DeepEqual(back.Parts, m.Parts) || !back.Finished.Equal(m.Finished) {
		t.Errorf("manifest read back as %+v, wrote %+v", back, m)
	}
	// Another Store value on the same directory sees the same artifact.
	if got, err := (&Store{Dir: s.Dir}).Get(keyA, "main"); err != nil || got.Len() != 5 {
		t.Errorf("second Store: %v", err)
	}
}

func TestPutRejects(t *testing.T) {
	s := openStore(t)
	for name, tc := range map[string]struct {
		m     *Manifest
		parts map[string]*Table
		want  string
	}{
		"no main":     {manifest(keyA), map[string]*Table{"other": sampleTable()}, `no "main" part`},
		"bad part":    {manifest(keyA), map[string]*Table{"main": sampleTable(), "a.b": sampleTable()}, `part name "a.b"`},
		"bad table":   {manifest(keyA), map[string]*Table{"main": {Cols: []Column{{Name: "x"}}}}, `column "x"`},
		"bad key":     {&Manifest{Key: "XYZ", Stage: "s"}, map[string]*Table{"main": sampleTable()}, `artifact key "XYZ"`},
		"no stage":    {&Manifest{Key: keyA}, map[string]*Table{"main": sampleTable()}, "empty stage"},
		"bad input":   {&Manifest{Key: keyA, Stage: "s", Inputs: map[string]Key{"p": "zz"}}, map[string]*Table{"main": sampleTable()}, `input "p"`},
		"nil part":    {manifest(keyA), map[string]*Table{"main": sampleTable(), "w": nil}, `part "w" is nil`},
		"upper part":  {manifest(keyA), map[string]*Table{"main": sampleTable(), "W": sampleTable()}, `part name "W"`},
		"empty part":  {manifest(keyA), map[string]*Table{"main": sampleTable(), "": sampleTable()}, `part name ""`},
		"slash part ": {manifest(keyA), map[string]*Table{"main": sampleTable(), "../x": sampleTable()}, `part name "../x"`},
	} {
		err := s.Put(tc.m, tc.parts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", name, err, tc.want)
		}
	}
	if keys, _ := s.Keys(); len(keys) != 0 {
		t.Errorf("rejected Puts left keys %v", keys)
	}
}

func TestDescribeThenPut(t *testing.T) {
	s := openStore(t)
	m := manifest(keyA)
	if err := s.Describe(m); err != nil {
		t.Fatal(err)
	}
	got, err := s.Manifest(keyA)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusPending || got.Stage != "truth" || string(got.Params) != string(m.Params) || got.Inputs["pool"] != keyB {
		t.Errorf("described manifest = %+v", got)
	}
	if s.Done(keyA) {
		t.Error("pending manifest is Done")
	}
	if _, err := s.Get(keyA, "main"); err == nil || !strings.Contains(err.Error(), "pending, not done") {
		t.Errorf("Get(pending) = %v", err)
	}
	if keys, _ := s.Keys(); len(keys) != 0 {
		t.Errorf("Keys lists pending: %v", keys)
	}
	// Describing again is harmless; describing something else under the key is a bug.
	if err := s.Describe(manifest(keyA)); err != nil {
		t.Error(err)
	}
	other := manifest(keyA)
	other.Params = json.RawMessage(`{"n":6}`)
	if err := s.Describe(other); err == nil || !strings.Contains(err.Error(), "different node") {
		t.Errorf("Describe(different params) = %v", err)
	}
	// A process that only knows the key can pick the node up and finish it.
	m2, err := s.Manifest(keyA)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(m2, map[string]*Table{"main": sampleTable()}); err != nil {
		t.Fatal(err)
	}
	if !s.Done(keyA) {
		t.Error("not Done after Put")
	}
	// Describe never demotes a done artifact.
	if err := s.Describe(manifest(keyA)); err != nil {
		t.Fatal(err)
	}
	if !s.Done(keyA) {
		t.Error("Describe demoted a done artifact")
	}
}

func TestManifestMissing(t *testing.T) {
	s := openStore(t)
	if _, err := s.Manifest(keyA); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Manifest(absent) = %v, want ErrNotExist", err)
	}
	if _, err := s.Get(keyA, "main"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Get(absent) = %v, want ErrNotExist", err)
	}
	if s.Done(keyA) {
		t.Error("absent key is Done")
	}
}

// checkCorrupt damages the main part of a stored artifact and reads it with read.
func checkCorrupt(t *testing.T, damage func(path string) error, read func(s *Store) error, reason string) {
	t.Helper()
	s := openStore(t)
	put(t, s, keyA)
	put(t, s, keyB)
	path := filepath.Join(s.Dir, "a1", string(keyA)+".arrow")
	if err := damage(path); err != nil {
		t.Fatal(err)
	}
	before, _ := filepath.Glob(filepath.Join(s.Dir, "a1", string(keyA)+".*"))
	err := read(s)
	var ce *CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v, want *CorruptError", err)
	}
	if ce.Key != keyA || ce.Part != "main" || !strings.Contains(ce.Reason, reason) || ce.Path != path || !strings.HasPrefix(ce.MovedTo, filepath.Join(s.Dir, "corrupt", string(keyA)+".")) {
		t.Errorf("CorruptError = %+v", ce)
	}
	if msg := err.Error(); !strings.Contains(msg, "artifact "+string(keyA)+" part main is corrupt (") || !strings.Contains(msg, "moved aside to ") {
		t.Errorf("message %q", msg)
	}
	if s.Done(keyA) {
		t.Error("corrupt artifact still Done")
	}
	moved, _ := os.ReadDir(ce.MovedTo)
	var names, want []string
	for _, e := range moved {
		names = append(names, e.Name())
	}
	for _, p := range before {
		if b := filepath.Base(p); b != string(keyA)+".lock" {
			want = append(want, b)
		}
	}
	if len(want) < 2 || !reflect.DeepEqual(names, want) {
		t.Errorf("moved aside %v, want %v", names, want)
	}
	if left, _ := filepath.Glob(filepath.Join(s.Dir, "a1", string(keyA)+".*")); len(left) != 0 {
		t.Errorf("left in place: %v", left)
	}
	// The other artifact is untouched, and the key can be recomputed.
	if !s.Done(keyB) {
		t.Error("unrelated artifact lost")
	}
	put(t, s, keyA)
	if _, err := s.Get(keyA, "main"); err != nil {
		t.Errorf("after recompute: %v", err)
	}
}

func TestCorrupt(t *testing.T) {
	truncate := func(p string) error {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		return os.Truncate(p, fi.Size()/2)
	}
	flip := func(p string) error {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		b[len(b)/2] ^= 1 // a value bit: Arrow itself would not notice
		return os.WriteFile(p, b, 0o644)
	}
	get := func(s *Store) error { _, err := s.Get(keyA, "main"); return err }
	verify := func(s *Store) error { return s.Verify(keyA) }
	const mismatch = "checksum mismatch: manifest has "
	t.Run("truncated/Get", func(t *testing.T) { checkCorrupt(t, truncate, get, mismatch) })
	t.Run("flipped/Get", func(t *testing.T) { checkCorrupt(t, flip, get, mismatch) })
	t.Run("missing/Get", func(t *testing.T) { checkCorrupt(t, os.Remove, get, "unreadable: ") })
	t.Run("truncated/Verify", func(t *testing.T) { checkCorrupt(t, truncate, verify, mismatch) })
	t.Run("flipped/Verify", func(t *testing.T) { checkCorrupt(t, flip, verify, mismatch) })
}

func TestDoneNeedsParts(t *testing.T) {
	s := openStore(t)
	put(t, s, keyA)
	if err := os.Remove(filepath.Join(s.Dir, "a1", string(keyA)+".weights.arrow")); err != nil {
		t.Fatal(err)
	}
	if s.Done(keyA) {
		t.Error("Done with a part file missing")
	}
}

// TestPutDemotesFirst: while a Put replaces an artifact, the old done manifest must not
// vouch for new part files. Simulate a crash after the parts by failing the manifest write.
func TestPutDemotesFirst(t *testing.T) {
	s := openStore(t)
	put(t, s, keyA)
	shard := filepath.Join(s.Dir, "a1")
	// A directory where a part file goes makes that part's rename fail mid-Put.
	bad := filepath.Join(shard, string(keyA)+".weights.arrow")
	if err := os.Remove(bad); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(bad, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := s.Put(manifest(keyA), map[string]*Table{"main": SamplesTable([]float64{9}, 1), "weights": sampleTable()})
	if err == nil {
		t.Fatal("Put succeeded over a directory")
	}
	m, err := s.Manifest(keyA)
	if err != nil || m.Status != StatusPending || s.Done(keyA) {
		t.Errorf("after a failed Put: %+v, %v; want a pending manifest", m, err)
	}
	if tmp, _ := filepath.Glob(filepath.Join(shard, tmpPrefix+"*")); len(tmp) != 0 {
		t.Errorf("temp files left: %v", tmp)
	}
}

func TestKeysRemove(t *testing.T) {
	s := openStore(t)
	put(t, s, keyA)
	put(t, s, keyB)
	if err := s.Describe(manifest("ffffffff00")); err != nil {
		t.Fatal(err)
	}
	// Stray files the store must ignore.
	os.WriteFile(filepath.Join(s.Dir, "a1", tmpPrefix+"junk.json-1"), nil, 0o644)
	os.MkdirAll(filepath.Join(s.Dir, "zz"), 0o755)
	os.WriteFile(filepath.Join(s.Dir, "zz", "deadbeef00.json"), []byte("{}"), 0o644)
	keys, err := s.Keys()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(keys, []Key{keyB, keyA}) {
		t.Errorf("Keys = %v, want [%s %s]", keys, keyB, keyA)
	}
	if err := s.Remove(keyA); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(s.Dir, "a1", string(keyA)+".*")); len(left) != 0 {
		t.Errorf("Remove left %v", left)
	}
	if keys, _ := s.Keys(); !reflect.DeepEqual(keys, []Key{keyB}) {
		t.Errorf("Keys after Remove = %v", keys)
	}
	if err := s.Remove(keyA); err != nil {
		t.Errorf("Remove twice: %v", err)
	}
	if !s.Done(keyB) {
		t.Error("Remove touched another key")
	}
}

func TestOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, keyA)
	shard := filepath.Join(dir, "a1")
	old, fresh := filepath.Join(shard, tmpPrefix+"old"), filepath.Join(shard, tmpPrefix+"fresh")
	os.WriteFile(old, nil, 0o644)
	os.WriteFile(fresh, nil, 0o644)
	past := time.Now().Add(-2 * time.Hour)
	os.Chtimes(old, past, past)
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Error("stale temp file kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("fresh temp file deleted: it may belong to a running writer")
	}
	// A path under a regular file cannot be a store; the error says which and what to do.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := Open(filepath.Join(file, "cache")); err == nil || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), "-cache") {
		t.Errorf("Open under a file: %v", err)
	}
}
