package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/compdiff/compdiff/data"
)

// crashCampaignEnv asks for the long campaign (.ci/run sets it); go test ./... runs a
// short one.
const crashCampaignEnv = "COMPDIFF_CRASH_CAMPAIGN"

func campaignSize(short, long int) int {
	if os.Getenv(crashCampaignEnv) != "" {
		return long
	}
	return short
}

var crashArgs = []string{"-profile", "smoke", "-only", "gmm-id,gauss-nfc-id"}

// crashDir holds the binary and the clean run; TestMain removes it.
var crashDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if crashDir != "" {
		os.RemoveAll(crashDir)
	}
	os.Exit(code)
}

// buildBinary compiles ./build once per test binary.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "compdiff-crash-")
	if err != nil {
		return "", err
	}
	crashDir = dir
	bin := filepath.Join(dir, "build")
	if out, err := exec.Command("go", "build", "-o", bin, "../build").CombinedOutput(); err != nil {
		return "", &exec.ExitError{Stderr: out}
	}
	return bin, nil
})

// cleanRun is one uninterrupted run of the study, shared by the campaigns.
var cleanRun = sync.OnceValues(func() ([2]string, error) {
	bin, err := buildBinary()
	if err != nil {
		return [2]string{}, err
	}
	dir := filepath.Dir(bin)
	c := [2]string{filepath.Join(dir, "clean"), filepath.Join(dir, "clean-out")}
	res, err := exec.Command(bin, append(crashArgs, "-cache", c[0], "-out", c[1])...).CombinedOutput()
	if err != nil {
		return c, fmt.Errorf("clean run failed: %v\n%s", err, res)
	}
	return c, os.WriteFile(c[1]+".log", res, 0o644)
})

func crashClean(t *testing.T) (cache, out string) {
	t.Helper()
	c, err := cleanRun()
	if err != nil {
		t.Fatal(err)
	}
	return c[0], c[1]
}

func crashBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildBinary()
	if err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// storeFiles counts the finished files of a store (manifests, parts, locks; no temp files).
func storeFiles(cache string) int {
	n := 0
	filepath.WalkDir(cache, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".tmp-") {
			n++
		}
		return nil
	})
	return n
}

// killAt starts the study and SIGKILLs it once the store holds at least files files, plus
// a random few hundred microseconds so the kill lands inside writes too. It reports whether
// the run was killed (false: it finished first).
func killAt(bin, cache, out string, files int, rng *rand.Rand) (bool, error) {
	cmd := exec.Command(bin, append(crashArgs, "-cache", cache, "-out", out)...)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		return false, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for storeFiles(cache) < files && time.Now().Before(deadline) {
		select {
		case err := <-exited:
			if err != nil {
				return false, fmt.Errorf("run exited with %v before the kill:\n%s", err, log.String())
			}
			return false, nil
		case <-time.After(200 * time.Microsecond):
		}
	}
	time.Sleep(time.Duration(rng.IntN(800)) * time.Microsecond)
	cmd.Process.Signal(syscall.SIGKILL)
	err := <-exited
	return err != nil, nil
}

// finish runs the study to the end.
func finish(bin, cache, out string) error {
	if res, err := exec.Command(bin, append(crashArgs, "-cache", cache, "-out", out)...).CombinedOutput(); err != nil {
		return fmt.Errorf("run to completion failed: %v\n%s", err, res)
	}
	return nil
}

// sameArtifacts compares every artifact of want's store with got's byte for byte (the
// manifests' checksums cover the part files, which are also compared directly), and the
// results table; timings, host and dates may differ.
func sameArtifacts(t *testing.T, want, got, wantOut, gotOut string) {
	t.Helper()
	ws, _ := data.Open(want)
	gs, _ := data.Open(got)
	wk, _ := ws.Keys()
	gk, _ := gs.Keys()
	if !slices.Equal(wk, gk) {
		t.Fatalf("the crashed store has %d done artifacts, the clean one %d", len(gk), len(wk))
	}
	for _, k := range wk {
		wm, _ := ws.Manifest(k)
		gm, _ := gs.Manifest(k)
		if !bytes.Equal(wm.Params, gm.Params) || len(wm.Parts) != len(gm.Parts) {
			t.Fatalf("artifact %s: manifests differ", k)
		}
		for part, sum := range wm.Parts {
			name := string(k) + "." + part + ".arrow"
			if part == "main" {
				name = string(k) + ".arrow"
			}
			a, _ := os.ReadFile(filepath.Join(want, string(k[:2]), name))
			b, err := os.ReadFile(filepath.Join(got, string(k[:2]), name))
			if err != nil || gm.Parts[part] != sum || !bytes.Equal(a, b) {
				t.Fatalf("artifact %s part %s differs from the uninterrupted run (%v)", k, part, err)
			}
		}
	}
	a, _ := os.ReadFile(filepath.Join(wantOut, "results.csv"))
	b, _ := os.ReadFile(filepath.Join(gotOut, "results.csv"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatal("results.csv differs from the uninterrupted run")
	}
	if ents, _ := os.ReadDir(filepath.Join(got, "corrupt")); len(ents) > 0 {
		t.Fatalf("%d artifacts were found corrupt along the way", len(ents))
	}
}

// The crash campaign: SIGKILL the study at seeded random points (each resume is killed
// again, later), then let it finish; every artifact equals an uninterrupted run's, byte for
// byte. 6 kills in go test ./..., 24 with COMPDIFF_CRASH_CAMPAIGN=1.
func TestCrashCampaign(t *testing.T) {
	bin := crashBinary(t)
	dir := t.TempDir()
	cleanCache, cleanOut := crashClean(t)
	total := storeFiles(cleanCache)
	kills := campaignSize(6, 24)
	seed := uint64(12)
	if s := os.Getenv(crashCampaignEnv + "_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	points := make([]int, kills)
	for i := range points {
		points[i] = rng.IntN(total)
	}
	slices.Sort(points)
	cache, out := filepath.Join(dir, "crashed"), filepath.Join(dir, "crashed-out")
	killed := 0
	for _, p := range points {
		ok, err := killAt(bin, cache, out, p, rng)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			killed++
		}
	}
	if killed < kills*3/4 {
		t.Fatalf("only %d of %d runs were killed before they finished", killed, kills)
	}
	if err := finish(bin, cache, out); err != nil {
		t.Fatal(err)
	}
	sameArtifacts(t, cleanCache, cache, cleanOut, out)
	t.Logf("seed %d: %d kills at store sizes %v of %d files; artifacts identical", seed, killed, points, total)
}

// Two runs on one cache, both killed at random times, again and again; then both run to
// the end at once. The store ends up as an uninterrupted run's.
func TestCrashCampaignConcurrent(t *testing.T) {
	bin := crashBinary(t)
	dir := t.TempDir()
	cleanCache, cleanOut := crashClean(t)
	total := storeFiles(cleanCache)
	rounds := campaignSize(3, 10)
	rng := rand.New(rand.NewPCG(34, 1))
	cache := filepath.Join(dir, "crashed")
	outs := []string{filepath.Join(dir, "out-a"), filepath.Join(dir, "out-b")}
	errs := make([]error, len(outs))
	both := func(f func(i int) error) {
		var wg sync.WaitGroup
		for i := range outs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = f(i)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
	}
	// Rising kill points, so each round is killed further into the study.
	points := make([]int, 2*rounds)
	for i := range points {
		points[i] = rng.IntN(total)
	}
	slices.Sort(points)
	killed := [2]int{}
	for r := 0; r < rounds; r++ {
		rngs := []*rand.Rand{rand.New(rand.NewPCG(rng.Uint64(), 2)), rand.New(rand.NewPCG(rng.Uint64(), 3))}
		both(func(i int) error {
			ok, err := killAt(bin, cache, outs[i], points[2*r+i], rngs[i])
			if ok {
				killed[i]++
			}
			return err
		})
	}
	both(func(i int) error { return finish(bin, cache, outs[i]) })
	t.Logf("%d rounds, kills per run %v, at store sizes %v of %d files", rounds, killed, points, total)
	for _, out := range outs {
		sameArtifacts(t, cleanCache, cache, cleanOut, out)
	}
}

// Two runs started at once on one empty cache both succeed and share the work: no node is
// computed by both, except the report, which each renders into its own -out.
func TestConcurrentRunsComputeOnce(t *testing.T) {
	bin := crashBinary(t)
	cleanCache, cleanOut := crashClean(t)
	total := ranCount(t, cleanOut+".log")
	dir := t.TempDir()
	cache := filepath.Join(dir, "shared")
	outs := []string{filepath.Join(dir, "out-a"), filepath.Join(dir, "out-b")}
	logs := make([][]byte, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			logs[i], errs[i] = exec.Command(bin, append(crashArgs, "-cache", cache, "-out", outs[i])...).CombinedOutput()
		}()
	}
	wg.Wait()
	ran := 0
	for i := range outs {
		if errs[i] != nil {
			t.Fatalf("run %d failed: %v\n%s", i, errs[i], logs[i])
		}
		os.WriteFile(outs[i]+".log", logs[i], 0o644)
		ran += ranCount(t, outs[i]+".log")
	}
	if ran > total+1 {
		t.Fatalf("the two runs computed %d nodes together; the study has %d (+1 for the second report)", ran, total)
	}
	for _, out := range outs {
		sameArtifacts(t, cleanCache, cache, cleanOut, out)
	}
	t.Logf("the two runs computed %d nodes together; the study has %d", ran, total)
}

// ranCount reads "N nodes ran" from a run's log.
func ranCount(t *testing.T, log string) int {
	t.Helper()
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[1] == "nodes" && f[2] == "ran;" {
			n, err := strconv.Atoi(f[0])
			if err == nil {
				return n
			}
		}
	}
	t.Fatalf("%s says nothing about nodes ran:\n%s", log, b)
	return 0
}
