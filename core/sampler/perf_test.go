package sampler

import (
	"math"
	"math/rand/v2"
	"testing"
)

// linearField has scores −c_a·x and allocates nothing, so allocation counts below are
// the sampler's own.
type linearField struct{ c []float64 }

func (linearField) Dim() int       { return 2 }
func (f linearField) Sources() int { return len(f.c) }
func (f linearField) Scores(_ float64, x []float64, out [][]float64) {
	for a, c := range f.c {
		for i, v := range x {
			out[a][i] = -c * v
		}
	}
}

// The sampler's work per step must not allocate: a run with 10× the steps makes exactly
// as many allocations.
func TestFKCNoPerStepAllocations(t *testing.T) {
	f := linearField{c: []float64{1, 0.5, 0.8}}
	allocs := func(steps int) float64 {
		return testing.AllocsPerRun(3, func() {
			if _, _, err := FKC(f, baseW, 20, FKCConfig{K: 8, Steps: steps, GClip: 15}, rand.New(rand.NewPCG(1, 1))); err != nil {
				t.Fatal(err)
			}
		})
	}
	if a, b := allocs(10), allocs(100); a != b {
		t.Errorf("FKC makes %v allocations with 10 steps and %v with 100", a, b)
	}
}

// Sampler overhead per particle-step with a free score field (the real fields dominate).
func BenchmarkFKCOverhead(b *testing.B) {
	f := linearField{c: []float64{1, 0.5, 0.8}}
	for b.Loop() {
		FKC(f, baseW, 1000, FKCConfig{K: 64, Steps: 20, GClip: math.Inf(1)}, rand.New(rand.NewPCG(1, 1)))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000*64*20), "ns/particle-step")
}
