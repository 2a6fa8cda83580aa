package pipeline

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/stages"
)

func TestMethodsBadInput(t *testing.T) {
	for _, c := range []struct{ name, spec, want string }{
		{"unknown profile method", "profiles:\n  smoke: {methods: [ode, langevin]}\n", `"langevin"`},
		{"unknown setting method", `settings:
  - id: gauss-m
    family: gaussian
    methods: [superdiff-xor]
    sources:
      - {name: a1, weight: 1, mean: [0, 0], var: [10, 1]}
      - {name: a2, weight: 1, mean: [0, 0], var: [1, 10]}
      - {name: "0", weight: -1, mean: [0, 0], var: [10, 10]}
`, `"superdiff-xor"`},
		{"coind N outside ns", "profiles:\n  smoke: {coind_ns: [1000]}\n", "not in ns"},
		{"methods N outside ns", "profiles:\n  smoke: {methods_ns: [5]}\n", "not in ns"},
		{"negative λ", "profiles:\n  smoke: {coind_lambdas: [-1]}\n", "penalty weight"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := smokeConfig(t, "")
			cfg.Spec = writeSpec(t, c.spec)
			if err := NewSession(cfg).Setup(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v; want one mentioning %s", err, c.want)
			}
		})
	}
}

// The method axis: every extra sampler of the profile runs once per run on the exact scores
// and on the first model kind at each N
// (a setting's own list replaces the profile's), and CoInD models appear only for
// compositions p_a·p_b/p_0 and the pool sizes of coind_ns.
func TestPlanMethodAxis(t *testing.T) {
	spec, err := LoadSpec(writeSpec(t, `settings:
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
`))
	if err != nil {
		t.Fatal(err)
	}
	prof, err := spec.Profile("smoke")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"gauss-fc-id", "gauss-own", "gauss-two"} {
		settings, err := spec.Select(id)
		if err != nil {
			t.Fatal(err)
		}
		plan := NewPlan(prof, settings, "test", spec.Profiles)
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
