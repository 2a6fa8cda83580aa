package reports

import (
	"math"
	"math/rand/v2"
	"testing"
)

// continuations simulates open parts of a study and their continuation as -decide would run
// it: each part's true effect Δ is drawn uniformly on [0, 1.5] standard deviations (a study's
// open parts vary), its first 5 runs are tested at the first look, an open part gets the runs
// the power analysis asks for at the given sample factor, and that look is tested at its share
// of α. It returns the share of the continued parts that the look decided.
//
// The check is over a study's parts, not at one fixed effect: the runs are planned from 5
// runs, so at a fixed effect whose 80% power lies beyond the 30 planned runs the plan says
// "feasible" mostly when the first runs overestimated it (at 0.5 sd only 46% of such
// continuations decide), while over a study's spread of effects the predictive power is
// calibrated.
func continuations(t *testing.T, factor int, net, samp float64, seed uint64) float64 {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed+1))
	const runs0, maxRuns, parts = 5, MaxLookRuns, 2000
	sd, sdf := math.Sqrt(net+samp), math.Sqrt(net+samp/float64(factor))
	spent := Spending(Alpha, float64(runs0)/maxRuns)
	continued, decided := 0, 0
	for continued < parts {
		delta := 1.5 * sd * r.Float64()
		var d []float64
		for range runs0 {
			d = append(d, delta+sd*r.NormFloat64())
		}
		c := &Comparison{Desc: "x", D: append([]float64(nil), d...), Above: true, SamplingVar: samp}
		TestFamily([]*Comparison{c}, spent)
		if c.Outcome() != Undecided {
			continue // decided at the first look
		}
		v := Verdict{Outcome: Inconclusive, Parts: []VerdictPart{{Comparisons: []ComparisonResult{c.Result()}}}}
		var need *Need
		for _, n := range Needs(v, runs0, maxRuns) {
			if n.Factor == factor && !n.Contradict {
				need = &n
			}
		}
		if need == nil {
			continue // not decidable within the plan at this factor
		}
		continued++
		alpha := Spending(Alpha, float64(need.Runs)/maxRuns) - spent
		if factor > 1 { // every run measured again: the design restarts on the unspent α
			alpha = (Alpha - spent) / Alpha * Spending(Alpha, float64(need.Runs)/maxRuns)
			d = d[:0]
		}
		for len(d) < need.Runs {
			d = append(d, delta+sdf*r.NormFloat64())
		}
		look := &Comparison{Desc: "x", D: d, Above: true}
		TestFamily([]*Comparison{look}, alpha)
		if look.Outcome() == Yes {
			decided++
		}
	}
	return float64(decided) / parts
}

// The runs the power analysis asks for decide an open part in 70–90% of simulated
// continuations, at the current sample count and at five times the samples (where most of a
// per-run value's variance is sampling noise).
func TestPowerPrediction(t *testing.T) {
	for _, tc := range []struct {
		name      string
		factor    int
		net, samp float64
	}{
		{"current samples", 1, 1, 0},
		{"five times the samples", 5, 0.1, 0.9},
	} {
		rate := continuations(t, tc.factor, tc.net, tc.samp, 41)
		t.Logf("%s: the predicted runs decided %.1f%% of the continued open parts", tc.name, 100*rate)
		if rate < 0.70 || rate > 0.90 {
			t.Errorf("%s: predicted runs decide %.1f%%, want 70–90%%", tc.name, 100*rate)
		}
	}
}
