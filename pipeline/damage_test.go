package pipeline

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/data"
)

// damageCampaignEnv asks for the long damage campaign (CI sets it); go test ./... runs a
// short one that still applies every kind of damage.
const damageCampaignEnv = "COMPDIFF_DAMAGE_CAMPAIGN"

type damageKind struct {
	name     string
	reported bool
}

// damageKinds is every kind of damage the campaign applies to one key of a finished store
// (the last to a whole shard). reported says whether the store must move it to corrupt/
// and log it: a missing manifest is not damage, its parts are simply overwritten.
var damageKinds = []damageKind{
	{"part truncated", true}, {"part zero-length", true}, {"part garbled", true},
	{"part missing under a done manifest", true}, {"part replaced by a directory", true},
	{"manifest truncated", true}, {"manifest zero-length", true}, {"manifest garbled", true},
	{"manifest of another key", true}, {"manifest of another stage version", true},
	{"manifest replaced by a directory", true}, {"manifest missing", false},
	{"lock replaced by a directory", true}, {"temp file left beside the artifact", true},
	{"shard replaced by a file", true},
}

// storeKeys maps each key of a store to its files (manifest, parts, lock), by shard.
func storeKeys(t *testing.T, cache string) (map[data.Key][]string, []data.Key) {
	t.Helper()
	files := map[data.Key][]string{}
	shards, err := os.ReadDir(cache)
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range shards {
		if !sh.IsDir() || len(sh.Name()) != 2 {
			continue
		}
		ents, _ := os.ReadDir(filepath.Join(cache, sh.Name()))
		for _, e := range ents {
			k, _, ok := strings.Cut(e.Name(), ".")
			if ok && data.Key(k).Valid() == nil && !strings.HasPrefix(e.Name(), ".") {
				files[data.Key(k)] = append(files[data.Key(k)], filepath.Join(cache, sh.Name(), e.Name()))
			}
		}
	}
	keys := make([]data.Key, 0, len(files))
	for k := range files {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return files, keys
}

// damageKey applies one kind of damage to key k of the store at cache.
// A manifest of another key is copied from one of intact, the keys this round leaves alone.
func damageKey(t *testing.T, rng *rand.Rand, cache, kind string, k data.Key, files map[data.Key][]string, intact []data.Key) {
	t.Helper()
	shard := filepath.Join(cache, string(k[:2]))
	manifest := filepath.Join(shard, string(k)+".json")
	var parts []string
	for _, f := range files[k] {
		if strings.HasSuffix(f, ".arrow") {
			parts = append(parts, f)
		}
	}
	part := parts[rng.IntN(len(parts))]
	check := func(err error) {
		if err != nil {
			t.Fatalf("damage %q to %s: %v", kind, k, err)
		}
	}
	toDir := func(p string) {
		check(os.Remove(p))
		check(os.MkdirAll(filepath.Join(p, "x"), 0o755))
	}
	truncate := func(p string) {
		fi, err := os.Stat(p)
		check(err)
		check(os.Truncate(p, rng.Int64N(fi.Size())))
	}
	garble := func(p string) {
		b, err := os.ReadFile(p)
		check(err)
		at := map[int]bool{} // distinct bytes, so no flip undoes another
		for len(at) < min(1+rng.IntN(4), len(b)) {
			at[rng.IntN(len(b))] = true
		}
		for i := range at {
			b[i] ^= byte(1 + rng.IntN(255))
		}
		check(os.WriteFile(p, b, 0o644))
	}
	switch kind {
	case "part truncated":
		truncate(part)
	case "part zero-length":
		check(os.Truncate(part, 0))
	case "part garbled":
		garble(part)
	case "part missing under a done manifest":
		check(os.Remove(part))
	case "part replaced by a directory":
		toDir(part)
	case "manifest truncated":
		truncate(manifest)
	case "manifest zero-length":
		check(os.Truncate(manifest, 0))
	case "manifest garbled":
		garble(manifest)
	case "manifest of another key":
		other := intact[rng.IntN(len(intact))]
		b, err := os.ReadFile(filepath.Join(cache, string(other[:2]), string(other)+".json"))
		check(err)
		check(os.WriteFile(manifest, b, 0o644))
	case "manifest of another stage version":
		// Valid JSON of this key, as an older store wrote it (no checksum).
		s := &data.Store{Dir: cache}
		m, err := s.Manifest(k)
		check(err)
		m.Version += 1 + rng.IntN(3)
		b, err := json.Marshal(m)
		check(err)
		check(os.WriteFile(manifest, b, 0o644))
	case "manifest replaced by a directory":
		toDir(manifest)
	case "manifest missing":
		check(os.Remove(manifest))
	case "lock replaced by a directory":
		lock := filepath.Join(shard, string(k)+".lock")
		os.Remove(lock)
		check(os.MkdirAll(filepath.Join(lock, "x"), 0o755))
	case "temp file left beside the artifact":
		b := make([]byte, rng.IntN(4096))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		check(os.WriteFile(filepath.Join(shard, fmt.Sprintf(".tmp-%s.arrow-%d", k, rng.Uint32())), b, 0o644))
	case "shard replaced by a file":
		check(os.RemoveAll(shard))
		check(os.WriteFile(shard, []byte("not a shard\n"), 0o644))
	default:
		t.Fatalf("unknown damage %q", kind)
	}
}

// corruptLogKeys reads the keys named by <cache>/corrupt.log's lines, and whether one
// line reports a shard replaced by a file.
func corruptLogKeys(cache string) (map[data.Key]bool, bool) {
	keys, shard := map[data.Key]bool{}, false
	f, err := os.Open(filepath.Join(cache, "corrupt.log"))
	if err != nil {
		return keys, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 2 && data.Key(fields[1]).Valid() == nil {
			keys[data.Key(fields[1])] = true
			shard = shard || strings.Contains(sc.Text(), "a file where the shard directory goes")
		}
	}
	return keys, shard
}

// copyTree copies the regular files and directories under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(to)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The damage campaign: a finished store of the study is damaged again and again — several
// keys at once, every kind of damage in damageKinds, seeded — and after each round ONE
// ordinary run (no manual step) leaves every artifact and results.csv byte for byte as the
// undamaged run's, with each damaged key logged in corrupt.log. 3 rounds in go test
// ./..., 25 with COMPDIFF_DAMAGE_CAMPAIGN=1.
func TestDamageCampaign(t *testing.T) {
	bin := crashBinary(t)
	dir := t.TempDir()
	cleanCache, cleanOut := crashClean(t)
	rounds := 3
	if os.Getenv(damageCampaignEnv) != "" {
		rounds = 25
	}
	seed := uint64(20)
	if s := os.Getenv(damageCampaignEnv + "_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, 5))
	cache := filepath.Join(dir, "damaged")
	copyTree(t, cleanCache, cache)
	// Kinds come in shuffled passes over the whole list, so even 3 rounds apply each one.
	var queue []string
	next := func() string {
		if len(queue) == 0 {
			for _, i := range rng.Perm(len(damageKinds)) {
				queue = append(queue, damageKinds[i].name)
			}
		}
		k := queue[0]
		queue = queue[1:]
		return k
	}
	applied := map[string]int{}
	for r := range rounds {
		files, keys := storeKeys(t, cache)
		n := 5 + rng.IntN(3)
		expect := map[data.Key]string{} // damaged key → kind, if the store must report it
		hitShards := map[string]bool{}
		var shardKind []string
		var log []string
		perm := rng.Perm(len(keys))
		var intact []data.Key
		for _, i := range perm[n:] {
			intact = append(intact, keys[i])
		}
		for _, i := range perm[:n] {
			kind, k := next(), keys[i]
			if kind == "shard replaced by a file" {
				shardKind = append(shardKind, kind) // last, on a shard no other damage touches
				continue
			}
			damageKey(t, rng, cache, kind, k, files, intact)
			hitShards[string(k[:2])] = true
			if slices.Contains(damageKinds, damageKind{kind, true}) {
				expect[k] = kind
			}
			applied[kind]++
			log = append(log, kind+" "+string(k))
		}
		for _, kind := range shardKind {
			for _, i := range rng.Perm(len(keys)) {
				if k := keys[i]; !hitShards[string(k[:2])] {
					damageKey(t, rng, cache, kind, k, files, intact)
					hitShards[string(k[:2])] = true
					applied[kind]++
					log = append(log, kind+" "+string(k[:2]))
					break
				}
			}
		}
		out := filepath.Join(dir, fmt.Sprintf("out-%d", r))
		res, err := exec.Command(bin, append(crashArgs, "-cache", cache, "-out", out)...).CombinedOutput()
		if err != nil {
			t.Fatalf("round %d (%s): the run after the damage failed: %v\n%s", r, strings.Join(log, "; "), err, res)
		}
		reported, shard := corruptLogKeys(cache)
		for k, kind := range expect {
			if !reported[k] {
				t.Errorf("round %d: %s of %s not in corrupt.log", r, kind, k)
			}
		}
		if len(shardKind) > 0 && !shard {
			t.Errorf("round %d: the shard replaced by a file is not in corrupt.log", r)
		}
		filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() && d.Name() == "corrupt" {
				return filepath.SkipDir
			}
			if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
				t.Errorf("round %d: temp file %s left in the store", r, p)
			}
			return nil
		})
		// The evidence goes; the store must now be the undamaged run's.
		for _, f := range []string{"corrupt", "corrupt.log"} {
			if err := os.Rename(filepath.Join(cache, f), filepath.Join(dir, fmt.Sprintf("%s-%d", f, r))); err != nil {
				t.Fatalf("round %d: no %s after %s: %v", r, f, strings.Join(log, "; "), err)
			}
		}
		sameArtifacts(t, cleanCache, cache, cleanOut, out)
		t.Logf("round %d: %s; %d keys logged in corrupt.log; artifacts and results.csv identical", r, strings.Join(log, "; "), len(reported))
	}
	for _, d := range damageKinds {
		if applied[d.name] == 0 {
			t.Errorf("the campaign never applied %q", d.name)
		}
	}
}
