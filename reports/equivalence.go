package reports

import "math"

// TOSTP is the p-value of equivalence: the two one-sided t-tests (TOST) that the mean of the
// per-run values d lies within (−margin, +margin); equivalence holds at level α when
// TOSTP ≤ α. With fewer than two values it is 1.
func TOSTP(d []float64, margin float64) float64 {
	if len(d) < 2 {
		return 1
	}
	return math.Max(pAbove(d, -margin), pBelow(d, margin))
}

// Holm tells which of the p-values Holm's step-down procedure rejects at family-wise level
// alpha.
func Holm(ps []float64, alpha float64) []bool {
	hs := make([]*hyp, len(ps))
	for i, p := range ps {
		hs[i] = &hyp{P: p}
	}
	holm(hs, alpha)
	out := make([]bool, len(ps))
	for i, h := range hs {
		out[i] = h.Rejected
	}
	return out
}
