package dist

import (
	"fmt"
	"math"
)

// GridMoments returns the mean and per-coordinate variance of the normalised density
// ∝ exp(logDensity) by midpoint quadrature on an n^d grid over [lo, hi]^d. It is an
// independent check of closed forms (Theorem 1) for d ≤ 3.
func GridMoments(logDensity func(x []float64) float64, d int, lo, hi float64, n int) (mean, variance []float64, err error) {
	if d < 1 || d > 3 {
		return nil, nil, fmt.Errorf("grid quadrature supports 1 ≤ d ≤ 3, not %d", d)
	}
	h := (hi - lo) / float64(n)
	total := 1
	for j := 0; j < d; j++ {
		total *= n
	}
	lp := make([]float64, total)
	x := make([]float64, d)
	mx := math.Inf(-1)
	for idx := range lp {
		point(idx, n, lo, h, x)
		lp[idx] = logDensity(x)
		mx = math.Max(mx, lp[idx])
	}
	z := 0.0
	s1 := make([]float64, d)
	s2 := make([]float64, d)
	for idx, l := range lp {
		w := math.Exp(l - mx)
		point(idx, n, lo, h, x)
		z += w
		for j := range x {
			s1[j] += w * x[j]
			s2[j] += w * x[j] * x[j]
		}
	}
	mean = make([]float64, d)
	variance = make([]float64, d)
	for j := 0; j < d; j++ {
		mean[j] = s1[j] / z
		variance[j] = s2[j]/z - mean[j]*mean[j]
	}
	return mean, variance, nil
}

func point(idx, n int, lo, h float64, x []float64) {
	for j := range x {
		x[j] = lo + (float64(idx%n)+0.5)*h
		idx /= n
	}
}
