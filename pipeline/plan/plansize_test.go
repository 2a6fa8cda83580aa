package plan_test

import (
	"runtime"
	"testing"

	"github.com/compdiff/compdiff/pipeline/plan"
	"github.com/compdiff/compdiff/pipeline/spec"
	_ "github.com/compdiff/compdiff/pipeline/spec/studies" // every study's settings
)

// The estimate counts at least the nodes plan.New builds (sharing only removes some) and at
// least the memory the plan takes, for every built-in profile.
func TestEstimateSizeBoundsPlan(t *testing.T) {
	sp, err := spec.Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"smoke", "default", "paper"} {
		prof := sp.Profiles[name]
		est := plan.EstimateSize(prof, sp.Settings)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		p := plan.New(prof, sp.Settings, "test", sp.Profiles)
		runtime.GC()
		runtime.ReadMemStats(&after)
		live := after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
		got := uint64(len(p.Nodes))
		if est.Nodes < got || float64(est.Nodes) > 1.5*float64(got) {
			t.Errorf("%s: estimated %d nodes, plan has %d (want estimate in [plan, 1.5·plan])", name, est.Nodes, got)
		}
		if est.PlanBytes < live {
			t.Errorf("%s: estimated %d bytes for the plan, it holds %d", name, est.PlanBytes, live)
		}
		if err := est.Check(plan.DefaultSizeLimits(), 2); err != nil {
			t.Errorf("%s: a built-in profile is refused: %v", name, err)
		}
		runtime.KeepAlive(p)
		t.Logf("%s: %v (plan has %d nodes, %d bytes live)", name, est, got, live)
	}
}
