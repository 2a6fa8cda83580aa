package sampler

import (
	"math"
	"testing"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/score"
)

// baseW are the base-composition weights on (a1, a2, 0).
var baseW = []float64{1, 1, -1}

// gaussSetting is a SPEC §2 Gaussian setting: Pa1 = N(0, diag(10,1)), Pa2 = N(0,
// diag(1,10)), P0 = N(0, base·I).
func gaussSetting(t testing.TB, base float64) []*dist.Gaussian {
	t.Helper()
	var gs []*dist.Gaussian
	for _, v := range [][]float64{{10, 1}, {1, 10}, {base, base}} {
		g, err := dist.NewGaussian([]float64{0, 0}, v)
		if err != nil {
			t.Fatal(err)
		}
		gs = append(gs, g)
	}
	return gs
}

func analytic(gs []*dist.Gaussian) score.Analytic {
	f := score.Analytic{}
	for _, g := range gs {
		f.Dists = append(f.Dists, g)
	}
	return f
}

// discreteVariance is the exact per-coordinate output variance of the samplers on
// zero-mean diagonal Gaussian sources, where every step is the linear map
// x ← m_i·x (+ sqrt(βΔ)ξ): m_i = 1 + (β/2 − c·Σ_a w_a/V_a(s_i))Δ with V_a = α²Σ_a + σ²
// and c = β (SDE) or β/2 (ODE). It is computed without the sampler code.
func discreteVariance(gs []*dist.Gaussian, w []float64, coord, steps int, sde bool) float64 {
	v := 1.0
	dt := 1 / float64(steps)
	for i := 0; i < steps; i++ {
		s := math.Min(math.Max(float64(i)*dt, diffusion.SMin), diffusion.SMax)
		a, sg := diffusion.Alpha(s), diffusion.Sigma(s)
		b := diffusion.Beta(s)
		j := 0.0
		for k, g := range gs {
			j += w[k] / (a*a*g.Var[coord] + sg*sg)
		}
		c := b / 2
		if sde {
			c = b
		}
		m := 1 + (b/2-c*j)*dt
		v = m * m * v
		if sde {
			v += b * dt
		}
	}
	return v
}

// sampleCov returns the 2×2 sample covariance about the known mean 0.
func sampleCov(x []float64) (c [2][2]float64) {
	n := float64(len(x) / 2)
	for i := 0; i < len(x); i += 2 {
		c[0][0] += x[i] * x[i] / n
		c[0][1] += x[i] * x[i+1] / n
		c[1][1] += x[i+1] * x[i+1] / n
	}
	c[1][0] = c[0][1]
	return c
}
