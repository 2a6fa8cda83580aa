package superdiff

import (
	"math"
	"testing"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/score"
)

func gauss(t testing.TB, mean, variance []float64) *dist.Gaussian {
	t.Helper()
	g, err := dist.NewGaussian(mean, variance)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// noisedLogProb is the closed-form log-density of α·X + σ·ε for X ~ g at time s.
func noisedLogProb(t testing.TB, g *dist.Gaussian, s float64, x []float64) float64 {
	a, sg := diffusion.Alpha(s), diffusion.Sigma(s)
	m := make([]float64, len(g.Mean))
	v := make([]float64, len(g.Var))
	for j := range m {
		m[j] = a * g.Mean[j]
		v[j] = a*a*g.Var[j] + sg*sg
	}
	return gauss(t, m, v).LogProb(x)
}

// estimatorError runs the single-model superposition (the plain reverse SDE) and returns
// the mean and RMS over paths of (estimated − exact) change of log q from the start to the
// end of the path. The estimator starts at log N(x0; 0, I); the exact change starts at the
// noised density at s_0, so only the integration error remains.
func estimatorError(t *testing.T, g *dist.Gaussian, n, steps int) (mean, rms float64) {
	f := score.Analytic{Dists: []dist.Dist{g}}
	x, st, err := Sample(f, n, Config{Op: Or, Steps: steps}, rng.New(7, "estimator"))
	if err != nil {
		t.Fatal(err)
	}
	x0 := make([]float64, n*2)
	rng.Normals(rng.New(7, "estimator"), x0) // Sample's first draws
	grid := diffusion.Grid(steps)
	for i := 0; i < n; i++ {
		start := x0[i*2 : i*2+2]
		est := st.LogQ[0][i] - stdNormalLogProb(start)
		exact := noisedLogProb(t, g, grid[steps], x[i*2:i*2+2]) - noisedLogProb(t, g, grid[0], start)
		e := est - exact
		mean += e
		rms += e * e
	}
	return mean / float64(n), math.Sqrt(rms / float64(n))
}

// Theorem 1's estimator is exact in continuous time; its left-point discretisation has a
// zero-mean error per step of variance O(Δ²) (the mismatch between ½ΔxᵀHΔx and its Itô
// mean), so the path error has RMS O(sqrt Δ): four times the steps must halve it.
func TestLogDensityEstimatorMatchesClosedForm(t *testing.T) {
	g := gauss(t, []float64{1, -0.5}, []float64{2, 0.5})
	const n = 2000
	m1, r1 := estimatorError(t, g, n, 200)
	m4, r4 := estimatorError(t, g, n, 800)
	t.Logf("200 steps: mean error %.4f, RMS %.4f; 800 steps: mean %.4f, RMS %.4f (ratio %.2f, sqrt rate predicts 2)", m1, r1, m4, r4, r1/r4)
	if ratio := r1 / r4; ratio < 1.6 || ratio > 2.5 {
		t.Errorf("RMS error ratio 200→800 steps = %.2f; a consistent O(sqrt Δ) estimator gives 2", ratio)
	}
	// The mean error is an O(Δ) bias plus the sampling noise of a mean (RMS/sqrt n): with
	// four times the steps it must at least halve, up to four standard errors.
	if math.Abs(m4) > 0.5*math.Abs(m1)+4*r4/math.Sqrt(n) {
		t.Errorf("mean error %.4f at 800 steps against %.4f at 200; the bias does not shrink with Δ", m4, m1)
	}
}

func TestLogDensityIncrementStationaryPoint(t *testing.T) {
	// At x = 0 with S = 0 and dx = 0 only the divergence term remains: −β·d/2·Δ.
	got := LogDensityIncrement([]float64{0, 0, 0}, []float64{0, 0, 0}, []float64{0, 0, 0}, 4, 0.01)
	if want := -4 * 3.0 / 2 * 0.01; math.Abs(got-want) > 1e-15 {
		t.Fatalf("increment %v, want %v", got, want)
	}
}
