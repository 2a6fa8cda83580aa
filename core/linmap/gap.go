package linmap

import (
	"gonum.org/v1/gonum/mat"
)

// Distance is a pair of Gaussian distances from a sampler's output law to the composition.
type Distance struct {
	W2 float64 // 2-Wasserstein distance
	KL float64 // KL(output ‖ composition)
}

// Gaps are the closed-form gaps of the naive samplers, with exact scores, to the
// composition A♯C[p] of concepts seen through A.
type Gaps struct {
	ODE, SDE           Distance // continuous dynamics (the samplers' limit as steps → ∞)
	ODEEuler, SDEEuler Distance // the Euler schemes of core/sampler with the given steps
	// MinPrecision is the least eigenvalue of Λ(s) (Flow.MinPrecision): ≤ 0 means FKC's
	// intermediate targets are improper.
	MinPrecision float64
}

// rk4Steps is the RK4 resolution of the continuous dynamics: the step-halving difference
// of the output covariance is below 1e−9 (relative) for the study's maps (TestContinuous).
const rk4Steps = 2000

// Measure computes the gaps for concepts c seen through A, with Euler schemes of steps.
func Measure(c Concepts, A mat.Matrix, steps int) (Gaps, error) {
	covs, err := c.Covs(A)
	if err != nil {
		return Gaps{}, err
	}
	target, err := c.Target(A)
	if err != nil {
		return Gaps{}, err
	}
	f, err := NewFlow(covs, c.Weights())
	if err != nil {
		return Gaps{}, err
	}
	_, odeE := f.ODEEuler(steps)
	var g Gaps
	zero := make([]float64, target.SymmetricDim())
	for _, p := range []struct {
		out *Distance
		cov *mat.SymDense
	}{{&g.ODE, f.ODE(rk4Steps)}, {&g.SDE, f.SDE(rk4Steps)}, {&g.ODEEuler, odeE}, {&g.SDEEuler, f.SDEEuler(steps)}} {
		if p.out.W2, err = W2(zero, p.cov, zero, target); err != nil {
			return Gaps{}, err
		}
		if p.out.KL, err = KL(zero, p.cov, zero, target); err != nil {
			return Gaps{}, err
		}
	}
	g.MinPrecision, _ = f.MinPrecision(1000)
	return g, nil
}
