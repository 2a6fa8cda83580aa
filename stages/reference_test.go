package stages

import (
	"math"
	"testing"

	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/sampler"
	"github.com/compdiff/compdiff/core/score"
)

// The closed-form Euler law must match what the sampler actually draws (same grid, same
// composed score): per coordinate, the sample mean within 4 standard errors and the sample
// variance within 4·sqrt(2/(n−1)) relative.
func TestEulerLawMatchesSampler(t *testing.T) {
	gs := []*dist.Gaussian{{Mean: []float64{1, 0}, Var: []float64{10, 1}}, {Mean: []float64{0, -1}, Var: []float64{1, 10}}, {Mean: []float64{0, 0}, Var: []float64{20, 20}}}
	w := []float64{1, 1, -1}
	const n, steps = 20000, 20
	law := eulerLaw(gs, w, steps)
	ds := []dist.Dist{gs[0], gs[1], gs[2]}
	x := sampler.NaiveSDE(score.Analytic{Dists: ds}, w, n, steps, rng.New(1, "euler-law-test"))
	for j := 0; j < 2; j++ {
		m := 0.0
		for i := 0; i < n; i++ {
			m += x[i*2+j] / n
		}
		v := sampleVar(x, 2, j)
		if math.Abs(m-law.Mean[j]) > 4*math.Sqrt(law.Var[j]/n) {
			t.Errorf("x%d: sample mean %.4f, closed form %.4f", j, m, law.Mean[j])
		}
		if math.Abs(v-law.Var[j]) > 4*math.Sqrt(2.0/(n-1))*law.Var[j] {
			t.Errorf("x%d: sample variance %.4f, closed form %.4f", j, v, law.Var[j])
		}
	}
}

// On gauss-fc-id the naive composed SDE is exact up to Euler error (Theorem 3: g ≡ 0), so
// its law equals Euler with the target's own score; on gauss-nfc-id it is worse by the
// composition error the paper calls poor (≈ 0.056·scale at 500 steps).
func TestReferenceBiases(t *testing.T) {
	src := func(b float64) []*dist.Gaussian {
		return []*dist.Gaussian{{Mean: []float64{0, 0}, Var: []float64{10, 1}}, {Mean: []float64{0, 0}, Var: []float64{1, 10}}, {Mean: []float64{0, 0}, Var: []float64{b, b}}}
	}
	w := []float64{1, 1, -1}
	for _, tc := range []struct {
		base, lo, hi float64
	}{{10, 0, 1e-9}, {20, 0.05, 0.06}} {
		gs := src(tc.base)
		target, _ := dist.ComposeGaussians(gs, w)
		euler := gaussSW2(eulerLaw([]*dist.Gaussian{target}, []float64{1}, 500), target)
		naive := gaussSW2(eulerLaw(gs, w, 500), target)
		excess := (naive - euler) / math.Sqrt(target.Var[0])
		if excess < tc.lo || excess > tc.hi {
			t.Errorf("base %v: naive SW2 %.4g, Euler %.4g: excess %.4g·scale, want in [%g, %g]", tc.base, naive, euler, excess, tc.lo, tc.hi)
		}
	}
}
