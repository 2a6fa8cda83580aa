package plan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/pipeline/spec"
	"github.com/compdiff/compdiff/stages"
)

func loadSpec(t *testing.T, body string) *spec.Spec {
	t.Helper()
	file := ""
	if body != "" {
		file = filepath.Join(t.TempDir(), "spec.yaml")
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sp, err := spec.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

// Shared separate experts: the Gaussian settings share Pa1 and Pa2, so their experts are
// trained once per (N, run) and appear in several settings.
func TestSeparateExpertsShared(t *testing.T) {
	sp := loadSpec(t, "")
	sel, _ := sp.Select("gauss-fc-id,gauss-nfc-id,gauss-fc-ood,gauss-nfc-ood")
	prof, _ := sp.Profile("smoke")
	p := New(prof, sel, "", sp.Profiles)
	shared := 0
	for _, n := range p.Stage("train") {
		if len(n.Settings) == 4 {
			shared++
		}
	}
	// Per run and N: the a1 and a2 experts are shared by all four settings.
	if want := 2 * prof.Runs * len(prof.Ns); shared != want {
		t.Fatalf("%d experts shared by all four Gaussian settings, want %d", shared, want)
	}
}

// The method axis: every extra sampler of the profile runs once per run on the exact scores
// and on the first model kind at each N
// (a setting's own list replaces the profile's), and CoInD models appear only for
// compositions p_a·p_b/p_0 and the pool sizes of coind_ns.
func TestPlanMethodAxis(t *testing.T) {
	sp := loadSpec(t, `settings:
  - id: gauss-own
    family: gaussian
    methods: [superdiff-and]
    sources:
      - {name: a1, weight: 1, mean: [0, 0], var: [10, 1]}
      - {name: a2, weight: 1, mean: [0, 0], var: [1, 10]}
      - {name: "0", weight: -1, mean: [0, 0], var: [10, 10]}
  - id: gauss-two
    family: gaussian
    sources:
      - {name: a1, weight: 1, mean: [0, 0], var: [10, 1]}
      - {name: a2, weight: 1, mean: [0, 0], var: [1, 10]}
`)
	prof, err := sp.Profile("smoke")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"gauss-fc-id", "gauss-own", "gauss-two"} {
		settings, err := sp.Select(id)
		if err != nil {
			t.Fatal(err)
		}
		plan := New(prof, settings, "test", sp.Profiles)
		methods := map[string]int{}
		coind := 0
		for _, n := range plan.Stage("sample") {
			var p stages.SampleParams
			if err := json.Unmarshal(n.Params, &p); err != nil {
				t.Fatal(err)
			}
			methods[p.Method]++
			if p.Scores == stages.ScoresCoInD {
				coind++
			}
		}
		// Columns: the exact scores and the first model kind at every N (smoke sets no
		// methods_ns).
		cols := prof.Runs * (1 + len(prof.Ns))
		want := prof.Methods
		if id == "gauss-own" {
			want = []string{stages.MethodSuperAnd}
		}
		methods[stages.MethodODE]-- // the Theorem 2 ODE node of every Gaussian setting
		for _, m := range want {
			if methods[m] != cols {
				t.Errorf("%s: %d %s sample nodes, want one per score model and run (%d)", id, methods[m], m, cols)
			}
		}
		if id == "gauss-own" && methods[stages.MethodODE] > 0 {
			t.Errorf("gauss-own lists only superdiff-and but has %d ode nodes", methods[stages.MethodODE])
		}
		wantCoInD := prof.Runs * len(prof.CoInDLambdas) * len(prof.CoInDNs) * len(prof.Ks) // naive and FKC at every K
		if id == "gauss-two" {
			wantCoInD = 0 // a1·a2 has no base: not CoInD's composition
		}
		if coind != wantCoInD {
			t.Errorf("%s: %d CoInD sample nodes, want %d", id, coind, wantCoInD)
		}
	}
}

// A setting's measurement travels into its metrics nodes' params (and so their keys); a
// setting without one leaves the params as they were.
func TestMetricsCarryMeasure(t *testing.T) {
	sp := loadSpec(t, "")
	prof, _ := sp.Profile("smoke")
	sel, _ := sp.Select("gauss-fc-id")
	plain := New(prof, sel, "", sp.Profiles)
	measured := *sel[0]
	measured.Measure = &cell.Measure{Family: "gaussian", Params: json.RawMessage(`{"k":2}`)}
	p := New(prof, []*spec.Setting{&measured}, "", sp.Profiles)
	before, after := plain.Stage("metrics"), p.Stage("metrics")
	if len(before) == 0 || len(before) != len(after) {
		t.Fatalf("%d and %d metrics nodes", len(before), len(after))
	}
	for i, n := range after {
		var mp stages.MetricsParams
		if err := json.Unmarshal(n.Params, &mp); err != nil || mp.Measure == nil || string(mp.Measure.Params) != `{"k":2}` {
			t.Fatalf("metrics node %s: params %s (%v)", n.Label, n.Params, err)
		}
		if n.Key == before[i].Key {
			t.Errorf("metrics node %s keeps its key with a measurement", n.Label)
		}
		var old map[string]any
		json.Unmarshal(before[i].Params, &old)
		if _, ok := old["measure"]; ok {
			t.Errorf("a setting without a measurement writes one: %s", before[i].Params)
		}
	}
}

// A family's planner replaces the composition study for its settings; it may reuse Compose
// and add nodes of its own, which the report then reads.
func TestRegisteredPlanner(t *testing.T) {
	var seen []string
	RegisterPlanner("planner-test", func(b *Builder, s *cell.Setting) stages.ReportSetting {
		seen = append(seen, s.ID)
		g := *s
		g.Family = "gaussian"
		rs := Compose(b, &g)
		extra := b.Add("dataset", stages.DatasetParams{Source: s.Sources[0].Spec, N: 7, Seed: uint64(b.RunsOf(s.ID))}, nil, s.ID, "extra")
		rs.TrueSources = append(rs.TrueSources, b.Use(extra))
		return rs
	})
	sp := loadSpec(t, "")
	prof, _ := sp.Profile("smoke")
	sel, _ := sp.Select("gauss-fc-id")
	mine := *sel[0]
	mine.Family = "planner-test"
	base := New(prof, sel, "", sp.Profiles)
	p := New(prof, []*spec.Setting{&mine}, "", sp.Profiles)
	if len(seen) != 1 || seen[0] != "gauss-fc-id" {
		t.Fatalf("planner called for %v", seen)
	}
	if len(p.Nodes) != len(base.Nodes)+1 {
		t.Fatalf("%d nodes; want the composition study's %d and one more", len(p.Nodes), len(base.Nodes))
	}
	extra := p.Nodes[len(p.Nodes)-2] // the report comes last
	if extra.Label != "extra" || p.Report.Inputs["dataset/"+string(extra.Key)] != extra {
		t.Fatalf("the planner's own node %q is not an input of the report", extra.Label)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("registering a planner twice did not panic")
		}
	}()
	RegisterPlanner("planner-test", Compose)
}
