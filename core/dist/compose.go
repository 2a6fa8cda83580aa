package dist

import (
	"fmt"
	"math"
)

// ComposeGaussians returns the closed-form composition Π_a N(μa, Σa)^{w_a} of diagonal
// Gaussians: precision Λw = Σ_a w_a Λa, natural mean ηw = Σ_a w_a Λa μa (Theorem 1 for
// zero means). It fails when Λw is not positive definite, i.e. the target is improper.
func ComposeGaussians(gs []*Gaussian, w []float64) (*Gaussian, error) {
	if len(gs) == 0 || len(gs) != len(w) {
		return nil, fmt.Errorf("composition: %d sources but %d weights; give one weight per source", len(gs), len(w))
	}
	d := gs[0].Dim()
	prec := make([]float64, d)
	eta := make([]float64, d)
	for a, g := range gs {
		if g.Dim() != d {
			return nil, fmt.Errorf("composition: source %d has dimension %d, source 0 has %d", a, g.Dim(), d)
		}
		for j := 0; j < d; j++ {
			prec[j] += w[a] / g.Var[j]
			eta[j] += w[a] * g.Mean[j] / g.Var[j]
		}
	}
	mean := make([]float64, d)
	variance := make([]float64, d)
	for j := 0; j < d; j++ {
		if !(prec[j] > 1e-12) {
			return nil, &ImproperError{Coord: j, Eigen: prec[j]}
		}
		variance[j] = 1 / prec[j]
		mean[j] = eta[j] / prec[j]
	}
	return &Gaussian{Mean: mean, Var: variance}, nil
}

// ImproperError reports a composition whose precision matrix is not positive definite.
type ImproperError struct {
	Coord int
	Eigen float64
}

func (e *ImproperError) Error() string {
	return fmt.Sprintf("the composed precision Λw = Σ_a w_a Λa has eigenvalue %.4g ≤ 0 (coordinate %d), so the target is improper; give the negatively weighted sources (e.g. P0) a smaller precision (larger variance) or change the weights", e.Eigen, e.Coord)
}

// NaiveODELimit returns Π_a Σa^{w_a} (Theorem 2): the covariance the naive probability-flow
// ODE with exact scores produces for zero-mean Gaussians with commuting (here diagonal)
// covariances when Σ_a w_a = 1.
func NaiveODELimit(gs []*Gaussian, w []float64) []float64 {
	d := gs[0].Dim()
	out := make([]float64, d)
	for j := 0; j < d; j++ {
		l := 0.0
		for a, g := range gs {
			l += w[a] * math.Log(g.Var[j])
		}
		out[j] = math.Exp(l)
	}
	return out
}
