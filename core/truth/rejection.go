package truth

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/compdiff/compdiff/core/dist"
)

// Rejection gives up when, after minRejectionTries proposals, fewer than a fraction
// minAcceptRate were accepted: the target is then far from the proposal and importance
// sampling is the better tool.
const (
	minAcceptRate     = 1e-4
	minRejectionTries = 1_000_000
)

// Rejection draws n samples of Pa1·Pa2/P0 by proposing from Pa1 and accepting with
// probability Pa2(x)/(M·P0(x)). When Pa2 and P0 share their components (same means, same
// std) the ratio is Σ_k wa2_k N_k / Σ_k w0_k N_k ≤ max_k wa2_k/w0_k, so
// M = safety·max_k wa2_k/w0_k (safety ≥ 1) makes the sampler exact. It returns the
// samples and the acceptance rate (accepted / proposed).
func Rejection(a1, a2, p0 *dist.GMM, n int, safety float64, r *rand.Rand) (x []float64, acceptRate float64, err error) {
	if n < 1 {
		return nil, 0, fmt.Errorf("rejection sampling: asked for %d samples; ask for at least 1", n)
	}
	if !(safety >= 1) || math.IsInf(safety, 0) {
		return nil, 0, fmt.Errorf("rejection sampling: safety factor %v; it must be a finite number ≥ 1", safety)
	}
	d := a1.Dim()
	if a2.Dim() != d || p0.Dim() != d {
		return nil, 0, fmt.Errorf("rejection sampling: dimensions differ (Pa1 %d, Pa2 %d, P0 %d)", d, a2.Dim(), p0.Dim())
	}
	if err := sharedComponents(a2, p0); err != nil {
		return nil, 0, err
	}
	bound := 0.0
	for k, w2 := range a2.Weights {
		if w2 == 0 {
			continue
		}
		if p0.Weights[k] == 0 {
			return nil, 0, fmt.Errorf("rejection sampling: component %d has weight %g in Pa2 but 0 in P0, so Pa2/P0 is unbounded and the target is not integrable there; give P0 positive weight on every component Pa2 uses", k, w2)
		}
		bound = math.Max(bound, w2/p0.Weights[k])
	}
	logM := math.Log(safety * bound)

	x = make([]float64, 0, n*d)
	accepted, tries := 0, 0
	batch := min(max(2*n, 1024), 1<<16)
	for accepted < n {
		prop := a1.Sample(r, batch)
		for i := 0; i < batch && accepted < n; i++ {
			xi := prop[i*d : (i+1)*d]
			tries++
			if r.Float64() < math.Exp(a2.LogProb(xi)-p0.LogProb(xi)-logM) {
				x = append(x, xi...)
				accepted++
			}
		}
		if tries >= minRejectionTries && float64(accepted) < minAcceptRate*float64(tries) {
			return nil, 0, fmt.Errorf("rejection sampling: only %d of %d proposals accepted (rate below %g); Pa1 is a poor proposal for this target, use importance sampling", accepted, tries, minAcceptRate)
		}
	}
	return x, float64(accepted) / float64(tries), nil
}

// sharedComponents checks that two mixtures have the same means and std, differing only in
// weights (the case in which the rejection bound is exact).
func sharedComponents(a2, p0 *dist.GMM) error {
	const hint = "rejection sampling needs Pa2 and P0 to share components (same means and std, only weights differ); use importance sampling (truth.Importance) for this setting"
	if len(a2.Means) != len(p0.Means) {
		return fmt.Errorf("rejection sampling: Pa2 has %d components and P0 %d; %s", len(a2.Means), len(p0.Means), hint)
	}
	if !nearlyEqual(a2.Std, p0.Std) {
		return fmt.Errorf("rejection sampling: Pa2 has std %g and P0 %g; %s", a2.Std, p0.Std, hint)
	}
	for k := range a2.Means {
		for j := range a2.Means[k] {
			if !nearlyEqual(a2.Means[k][j], p0.Means[k][j]) {
				return fmt.Errorf("rejection sampling: component %d has mean %v in Pa2 but %v in P0; %s", k, a2.Means[k], p0.Means[k], hint)
			}
		}
	}
	return nil
}

// nearlyEqual compares configuration numbers that should be equal up to float rounding.
func nearlyEqual(a, b float64) bool {
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}
