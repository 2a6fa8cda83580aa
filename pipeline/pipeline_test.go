package pipeline

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goyek/goyek/v2"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/pipeline/plan"
	"github.com/compdiff/compdiff/pipeline/spec"
)

// run executes tasks of a fresh session (as one `go run ./build` invocation would) and
// returns the session, so tests can ask which nodes ran.
func runTasks(t *testing.T, ctx context.Context, cfg Config, tasks ...string) (*Session, error) {
	t.Helper()
	s := NewSession(cfg)
	var log bytes.Buffer
	flow := &goyek.Flow{}
	flow.SetOutput(&log)
	Define(flow, s)
	if len(tasks) == 0 {
		tasks = []string{"all"}
	}
	err := flow.Execute(ctx, tasks)
	if testing.Verbose() {
		t.Log(log.String())
	}
	return s, err
}

func smokeConfig(t *testing.T, only string) Config {
	dir := t.TempDir()
	return Config{Profile: "smoke", Only: only, Jobs: 2, Cache: filepath.Join(dir, "cache"), Out: filepath.Join(dir, "out"), Stdout: &bytes.Buffer{}}
}

func stagesOf(s *Session, keys []data.Key) map[string]int {
	m := map[string]int{}
	for _, k := range keys {
		m[s.Plan.Node(k).Stage]++
	}
	return m
}

// The whole smoke study runs; a second run with nothing changed runs no node; every output
// the report promises exists.
func TestSmokeEndToEndThenNothingRuns(t *testing.T) {
	cfg := smokeConfig(t, "")
	s, err := runTasks(t, context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(s.Runner.Ran()), len(s.Plan.Nodes); got != want {
		t.Fatalf("first run computed %d nodes, plan has %d", got, want)
	}
	for _, f := range []string{"index.html", "report.md", "results.csv", "results.arrow",
		"tables/gauss-nfc-id-conditional-sw2.tex", "figures/gmm-id-sw2.png"} {
		if _, err := os.Stat(filepath.Join(cfg.Out, f)); err != nil {
			t.Errorf("missing output %s: %v", f, err)
		}
	}
	checkMethodRows(t, filepath.Join(cfg.Out, "results.csv"), s.Plan.Profile)
	s2, err := runTasks(t, context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if ran := s2.Runner.Ran(); len(ran) != 0 {
		t.Fatalf("second run computed %d nodes (%v); want none", len(ran), stagesOf(s2, ran))
	}
}

// Editing a template re-runs only the report; changing one setting re-runs only nodes of
// that setting (and the report).
func TestSelectiveReruns(t *testing.T) {
	cfg := smokeConfig(t, "gauss-fc-id,gauss-fc-ood,gmm-id")
	if _, err := runTasks(t, context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	old := plan.TemplateFingerprint
	plan.TemplateFingerprint = func() string { return "edited template" }
	s, err := runTasks(t, context.Background(), cfg)
	plan.TemplateFingerprint = old
	if err != nil {
		t.Fatal(err)
	}
	if got := stagesOf(s, s.Runner.Ran()); len(got) != 1 || got["report"] != 1 {
		t.Fatalf("after a template edit these ran: %v; want only the report", got)
	}

	file := filepath.Join(t.TempDir(), "spec.yaml")
	os.WriteFile(file, []byte(`settings:
  - id: gauss-fc-ood
    family: gaussian
    sources:
      - {name: a1, weight: 1, mean: [0, 0], var: [10, 1]}
      - {name: a2, weight: 1, mean: [0, 0], var: [1, 10]}
      - {name: "0", weight: -1, mean: [0, 0], var: [1.2, 1.2]}
`), 0o644)
	cfg.Spec = file
	s, err = runTasks(t, context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ran := s.Runner.Ran()
	if len(ran) == 0 {
		t.Fatal("changing gauss-fc-ood's base ran nothing")
	}
	for _, k := range ran {
		n := s.Plan.Node(k)
		if n.Stage == "report" {
			continue
		}
		if len(n.Settings) != 1 || n.Settings[0] != "gauss-fc-ood" {
			t.Errorf("node %s (%s) of settings %v ran after changing gauss-fc-ood only", n.Label, n.Stage, n.Settings)
		}
	}
	// The shared experts of a1 and a2 were not retrained: per run and N only the conditional
	// network, the expert of the changed base source and the CoInD networks (one per λ on
	// the pools of coind_ns).
	pr := prof(t)
	want := 0
	for _, n := range pr.Ns {
		want += 2 * pr.Runs
		if slices.Contains(pr.CoInDNs, n) {
			want += len(pr.CoInDLambdas) * pr.Runs
		}
	}
	if st := stagesOf(s, ran); st["train"] != want {
		t.Errorf("retrained %d models; want the conditional ones, the P0 experts and the CoInD ones (%d)", st["train"], want)
	}
}

func prof(t *testing.T) *spec.Profile {
	sp, err := spec.Load("")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := sp.Profile("smoke")
	return p
}

// -j 1 and -j 2 produce bit-identical artifacts under identical keys.
func TestJobsBitIdentical(t *testing.T) {
	a := smokeConfig(t, "gauss-nfc-id,gmm-ood")
	a.Jobs = 1
	b := smokeConfig(t, "gauss-nfc-id,gmm-ood")
	b.Jobs = 2
	for _, cfg := range []Config{a, b} {
		if _, err := runTasks(t, context.Background(), cfg, "metrics"); err != nil {
			t.Fatal(err)
		}
	}
	files := func(dir string) map[string][]byte {
		m := map[string][]byte{}
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".arrow") {
				b, _ := os.ReadFile(p)
				m[filepath.Base(p)] = b
			}
			return nil
		})
		return m
	}
	fa, fb := files(a.Cache), files(b.Cache)
	if len(fa) == 0 || len(fa) != len(fb) {
		t.Fatalf("-j 1 wrote %d artifacts, -j 2 wrote %d", len(fa), len(fb))
	}
	var names []string
	for n := range fa {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !bytes.Equal(fa[n], fb[n]) {
			t.Errorf("artifact %s differs between -j 1 and -j 2", n)
		}
	}
}

// An interrupted run leaves no corrupt artifact and the next run completes it; a corrupted
// artifact is detected, moved aside and recomputed.
func TestInterruptAndCorruption(t *testing.T) {
	cfg := smokeConfig(t, "gmm-id")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := NewSession(cfg)
	if err := s.Setup(); err != nil {
		t.Fatal(err)
	}
	done := 0
	s.Runner.Logf = func(string, ...any) {}
	// Cancel as soon as the first sample nodes are finished.
	for _, stage := range plan.StageOrder {
		if stage == "sample" {
			go func() {
				for len(s.Runner.Ran()) < done+3 {
					time.Sleep(time.Millisecond)
				}
				cancel()
			}()
		}
		if err := s.Runner.RunStage(ctx, stage); err != nil {
			if ctx.Err() == nil {
				t.Fatal(err)
			}
			break
		}
		done = len(s.Runner.Ran())
	}
	if ctx.Err() == nil {
		t.Fatal("the run was not interrupted")
	}
	s2, err := runTasks(t, context.Background(), cfg)
	if err != nil {
		t.Fatalf("re-run after interruption: %v", err)
	}
	ran2 := len(s2.Runner.Ran())
	if ran2 == 0 || ran2 >= len(s2.Plan.Nodes) {
		t.Fatalf("re-run computed %d of %d nodes; want the unfinished rest only", ran2, len(s2.Plan.Nodes))
	}
	// Corrupt one metrics artifact: flip a byte.
	victim := s2.Plan.Stage("metrics")[0]
	path := filepath.Join(cfg.Cache, string(victim.Key[:2]), string(victim.Key)+".arrow")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	os.WriteFile(path, b, 0o644)
	s3, err := runTasks(t, context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ran3 := s3.Runner.Ran()
	// Only the metrics node: its recomputed artifact is identical, so the report stays valid.
	if len(ran3) != 1 || ran3[0] != victim.Key {
		t.Fatalf("after corrupting %s the re-run computed %v", victim.Key, ran3)
	}
	if entries, _ := os.ReadDir(filepath.Join(cfg.Cache, "corrupt")); len(entries) != 1 {
		t.Fatalf("the corrupt artifact was not moved aside (corrupt/ has %d entries)", len(entries))
	}
}

// `node -key` runs a described node from the store alone.
func TestNodeFromKeyAlone(t *testing.T) {
	cfg := smokeConfig(t, "gauss-fc-id")
	s, err := runTasks(t, context.Background(), cfg, "truth")
	if err != nil {
		t.Fatal(err)
	}
	n := s.Plan.Stage("truth")[0]
	want, _ := os.ReadFile(filepath.Join(cfg.Cache, string(n.Key[:2]), string(n.Key)+".arrow"))
	if err := s.Store.Remove(n.Key); err != nil {
		t.Fatal(err)
	}
	// Describe it again (as the scheduler does before running), then run it by key only.
	m := &data.Manifest{Key: n.Key, Stage: n.Stage, Version: n.Version, Params: n.Params, Inputs: n.InputKeys()}
	if err := s.Store.Describe(m); err != nil {
		t.Fatal(err)
	}
	cfg2 := cfg
	cfg2.Key = string(n.Key)
	if _, err := runTasks(t, context.Background(), cfg2, "node"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(cfg.Cache, string(n.Key[:2]), string(n.Key)+".arrow"))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("node run from its key produced a different artifact (err %v)", err)
	}
}

// gc drops what no profile of the current spec reaches and keeps everything else.
func TestGC(t *testing.T) {
	cfg := smokeConfig(t, "gauss-fc-ood")
	if _, err := runTasks(t, context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	changed := cfg
	changed.Spec = filepath.Join(t.TempDir(), "spec.yaml")
	changed.Out = filepath.Join(t.TempDir(), "out-changed")
	os.WriteFile(changed.Spec, []byte("profiles:\n  smoke: {steps: 7}\n"), 0o644)
	sc, err := runTasks(t, context.Background(), changed)
	if err != nil {
		t.Fatal(err)
	}
	extra := len(sc.Runner.Ran())
	store, _ := data.Open(cfg.Cache)
	before, _ := store.Keys()
	if _, err := runTasks(t, context.Background(), cfg, "gc"); err != nil {
		t.Fatal(err)
	}
	after, _ := store.Keys()
	// The steps-7 sample and metrics nodes are gone (their report stays: reports are kept).
	if removed := len(before) - len(after); removed != extra-1 {
		t.Fatalf("gc removed %d artifacts; want the %d nodes only the changed spec reached", removed, extra-1)
	}
	s, err := runTasks(t, context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Runner.Ran()) != 0 {
		t.Fatalf("after gc the original study recomputed %d nodes", len(s.Runner.Ran()))
	}
}

// The DOT graph has one node per plan node, labelled "stage⏎label" with a Graphviz line
// break (a backslash-n inside the quoted string, not an escaped backslash), and one edge
// per input.
func TestDAGDot(t *testing.T) {
	cfg := smokeConfig(t, "gmm-id")
	cfg.Format = "dot"
	var out bytes.Buffer
	cfg.Stdout = &out
	s, err := runTasks(t, context.Background(), cfg, "dag")
	if err != nil {
		t.Fatal(err)
	}
	dot := out.String()
	if !strings.HasPrefix(dot, "digraph compdiff {") || !strings.HasSuffix(strings.TrimSpace(dot), "}") {
		t.Fatalf("not a digraph:\n%.200s", dot)
	}
	edges := 0
	for _, n := range s.Plan.Nodes {
		want := `"` + string(n.Key) + `" [label="` + n.Stage + `\n` + n.Label + `"];`
		if !strings.Contains(dot, want) {
			t.Fatalf("node line %s missing", want)
		}
		edges += len(n.Inputs)
	}
	if got := strings.Count(dot, " -> "); got != edges {
		t.Errorf("%d edges, want %d", got, edges)
	}
	if got := dotEscape(`a "b" \c`); got != `a \"b\" \\c` {
		t.Errorf("dotEscape: %s", got)
	}
}

// checkMethodRows: results.csv holds every sampler of the profile and every CoInD λ as cells
// with their method, lambda and network evaluations, and FKC's evaluations grow exactly
// with K (K particles per output sample, each evaluated at every step).
func checkMethodRows(t *testing.T, path string, prof *spec.Profile) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != "profile,setting,model,lambda,N,method,K,run,nfe,metric,value" {
		t.Fatalf("results.csv header %s", got)
	}
	methods, lambdas := map[string]int{}, map[string]int{}
	perK1 := map[string]float64{} // setting, model, λ, N, run → NFE of FKC at K = 1
	type fkcRow struct {
		cell string
		k    int
		nfe  float64
	}
	var fkc []fkcRow
	for _, r := range recs[1:] {
		model, lambda, method := r[2], r[3], r[5]
		k, _ := strconv.Atoi(r[6])
		nfe, err := strconv.ParseFloat(r[8], 64)
		if err != nil || !(nfe > 0) {
			t.Fatalf("row %v: nfe %q is not a positive number", r, r[8])
		}
		methods[method]++
		if model == "coind" {
			lambdas[lambda]++
		} else if lambda != "" {
			t.Errorf("row %v: a lambda on a %s model", r, model)
		}
		if method == "fkc" {
			id := strings.Join([]string{r[1], model, lambda, r[4], r[7]}, " ")
			if k == 1 {
				perK1[id] = nfe
			}
			fkc = append(fkc, fkcRow{id, k, nfe})
		}
	}
	for _, r := range fkc {
		if one, ok := perK1[r.cell]; !ok || math.Abs(r.nfe-float64(r.k)*one) > 1e-9*r.nfe {
			t.Errorf("%s K=%d: nfe %g, want K × %g (K = 1)", r.cell, r.k, r.nfe, one)
		}
	}
	for _, m := range append([]string{"fkc"}, prof.Methods...) {
		if methods[m] == 0 {
			t.Errorf("results.csv has no %s rows", m)
		}
	}
	for _, l := range prof.CoInDLambdas {
		if lambdas[strconv.FormatFloat(l, 'g', -1, 64)] == 0 {
			t.Errorf("results.csv has no coind λ=%g rows (%v)", l, lambdas)
		}
	}
}
