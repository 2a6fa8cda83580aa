package plan

import (
	"github.com/compdiff/compdiff/pipeline/spec"
	"math"
	"testing"
)

// Products that overflow 64 bits saturate rather than wrap to a small number.
func TestEstimateSizeSaturates(t *testing.T) {
	if got := sat(math.MaxUint32).mul(math.MaxUint32, 4); got != math.MaxUint64 {
		t.Fatalf("overflowing product = %d, want MaxUint64", got)
	}
	if got := sat(math.MaxUint64 - 1).add(5); got != math.MaxUint64 {
		t.Fatalf("overflowing sum = %d", got)
	}
	prof := &spec.Profile{Runs: math.MaxInt, Samples: math.MaxInt, TruthN: 2, Steps: 1, Ks: []int{math.MaxInt}, Ns: []int{math.MaxInt},
		ModelKinds: []string{"separate"}, Train: spec.TrainProfile{Width: math.MaxInt, Depth: math.MaxInt, Batch: 1}}
	sp, _ := spec.Load("")
	est := EstimateSize(prof, sp.Settings)
	if est.Nodes != math.MaxUint64 || est.NodeBytes != math.MaxUint64 || est.PlanBytes != math.MaxUint64 {
		t.Fatalf("estimate of a hostile profile wrapped: %+v", est)
	}
	if err := est.Check(DefaultSizeLimits(), 2); err == nil {
		t.Fatal("a saturated estimate passed the check")
	}
}
