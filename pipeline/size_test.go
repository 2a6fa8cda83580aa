package pipeline

import (
	"math"
	"runtime"
	"strings"
	"testing"
)

// The estimate counts at least the nodes NewPlan builds (sharing only removes some) and at
// least the memory the plan takes, for every built-in profile.
func TestEstimateSizeBoundsPlan(t *testing.T) {
	sp, err := LoadSpec("")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"smoke", "default", "paper"} {
		prof := sp.Profiles[name]
		est := EstimateSize(prof, sp.Settings)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		plan := NewPlan(prof, sp.Settings, "test", sp.Profiles)
		runtime.GC()
		runtime.ReadMemStats(&after)
		live := after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
		got := uint64(len(plan.Nodes))
		if est.Nodes < got || float64(est.Nodes) > 1.5*float64(got) {
			t.Errorf("%s: estimated %d nodes, plan has %d (want estimate in [plan, 1.5·plan])", name, est.Nodes, got)
		}
		if est.PlanBytes < live {
			t.Errorf("%s: estimated %d bytes for the plan, it holds %d", name, est.PlanBytes, live)
		}
		if err := est.Check(DefaultSizeLimits(), 2); err != nil {
			t.Errorf("%s: a built-in profile is refused: %v", name, err)
		}
		runtime.KeepAlive(plan)
		t.Logf("%s: %v (plan has %d nodes, %d bytes live)", name, est, got, live)
	}
}

// A profile whose plan would not fit is refused by the size check before anything is
// allocated, naming the figures and the flag that overrides it.
func TestHugePlanRefused(t *testing.T) {
	p := writeSpec(t, "profiles:\n  big: {base: paper, runs: 10000, samples: 100000, ks: [1, 1000000]}\n")
	s := NewSession(Config{Profile: "big", Spec: p, Cache: t.TempDir(), Out: t.TempDir(), Jobs: 2})
	err := s.Setup()
	if err == nil || !strings.Contains(err.Error(), "too large") || !strings.Contains(err.Error(), "-allow-large") ||
		!strings.Contains(err.Error(), "nodes") || !strings.Contains(err.Error(), "running nodes") {
		t.Fatalf("want a refusal naming nodes, memory and -allow-large; got %v", err)
	}
	if s.Plan != nil {
		t.Fatal("a plan was built despite the refusal")
	}
}

// Products that overflow 64 bits saturate rather than wrap to a small number.
func TestEstimateSizeSaturates(t *testing.T) {
	if got := sat(math.MaxUint32).mul(math.MaxUint32, 4); got != math.MaxUint64 {
		t.Fatalf("overflowing product = %d, want MaxUint64", got)
	}
	if got := sat(math.MaxUint64 - 1).add(5); got != math.MaxUint64 {
		t.Fatalf("overflowing sum = %d", got)
	}
	prof := &Profile{Runs: math.MaxInt, Samples: math.MaxInt, TruthN: 2, Steps: 1, Ks: []int{math.MaxInt}, Ns: []int{math.MaxInt},
		ModelKinds: []string{"separate"}, Train: TrainProfile{Width: math.MaxInt, Depth: math.MaxInt, Batch: 1}}
	sp, _ := LoadSpec("")
	est := EstimateSize(prof, sp.Settings)
	if est.Nodes != math.MaxUint64 || est.NodeBytes != math.MaxUint64 || est.PlanBytes != math.MaxUint64 {
		t.Fatalf("estimate of a hostile profile wrapped: %+v", est)
	}
	if err := est.Check(DefaultSizeLimits(), 2); err == nil {
		t.Fatal("a saturated estimate passed the check")
	}
}

// A plan refused for the memory of its largest node (here FKC with 10⁸ samples × K = 1000)
// is named as such, and -allow-large lets it through: the plan itself is small.
func TestAllowLarge(t *testing.T) {
	p := writeSpec(t, "profiles:\n  wide: {base: smoke, runs: 1, samples: 10000000, truth_samples: 300, ks: [1000]}\n")
	cfg := Config{Profile: "wide", Spec: p, Only: "gauss-fc-id", Cache: t.TempDir(), Out: t.TempDir(), Jobs: 2}
	err := NewSession(cfg).Setup()
	if err == nil || !strings.Contains(err.Error(), "gauss-fc-id sample N=10000000 K=1000") {
		t.Fatalf("want a refusal naming the largest node; got %v", err)
	}
	cfg.AllowLarge = true
	s := NewSession(cfg)
	if err := s.Setup(); err != nil {
		t.Fatalf("-allow-large: %v", err)
	}
	if s.Plan == nil || uint64(len(s.Plan.Nodes)) > s.Size.Nodes {
		t.Fatalf("plan of %v nodes, estimate %d", s.Plan, s.Size.Nodes)
	}
}
