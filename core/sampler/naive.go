// Package sampler draws from a weighted composition Π_a p_a^{w_a} of diffusion models
// given their score field: the naive reverse SDE and probability-flow ODE with the summed
// score (SPEC §4) and the Feynman–Kac corrector (SPEC §5).
//
// Time runs in denoising time s on diffusion.Grid(steps) with constant step Δ = 1/steps;
// every sampler starts from x ~ N(0, I), drawn row-major from the caller's stream.
package sampler

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/score"
)

// NaiveSDE runs Euler–Maruyama on the reverse VP SDE with the naive composed score
// Ŝ = Σ_a w_a S_a: x ← x + (β/2·x + β·Ŝ)Δ + sqrt(βΔ)·ξ, with Ŝ and β at s_i. It returns n
// samples (row-major n×d). It panics on invalid arguments (programming errors).
func NaiveSDE(f score.Field, w []float64, n, steps int, r *rand.Rand) []float64 {
	return naive(f, w, n, steps, r, true)
}

// NaiveODE runs Euler on the probability-flow ODE with the naive composed score:
// x ← x + (β/2·x + β/2·Ŝ)Δ, no noise after the initial draw (Theorem 2's "naive ODE").
func NaiveODE(f score.Field, w []float64, n, steps int, r *rand.Rand) []float64 {
	return naive(f, w, n, steps, r, false)
}

func naive(f score.Field, w []float64, n, steps int, r *rand.Rand, sde bool) []float64 {
	if err := checkArgs(f, w, n, steps); err != nil {
		panic(err)
	}
	d := f.Dim()
	x := make([]float64, n*d)
	rng.Normals(r, x)
	scores := newScores(f.Sources(), n*d)
	grid := diffusion.Grid(steps)
	dt := 1 / float64(steps)
	var noise func() float64
	if sde {
		noise = r.NormFloat64
	}
	for i := 0; i < steps; i++ {
		f.Scores(grid[i], x, scores)
		step(x, scores, w, diffusion.Beta(grid[i]), dt, noise)
	}
	return x
}

// step advances every coordinate of x by one Euler–Maruyama step, with noise drawing the
// standard normals in coordinate order, or one Euler step of the ODE when noise is nil.
// FKC calls it too, so FKC with K = 1 performs exactly the naive SDE's arithmetic and
// draws the same normals in the same order.
func step(x []float64, scores [][]float64, w []float64, beta, dt float64, noise func() float64) {
	scale := math.Sqrt(beta * dt)
	c := beta // weight of the score in the drift: β (SDE) or β/2 (ODE)
	if noise == nil {
		c = beta / 2
	}
	for j := range x {
		s := 0.0
		for a, wa := range w {
			s += wa * scores[a][j]
		}
		x[j] += (0.5*beta*x[j] + c*s) * dt
		if noise != nil {
			x[j] += scale * noise()
		}
	}
}

func checkArgs(f score.Field, w []float64, n, steps int) error {
	switch {
	case f.Dim() < 1:
		return fmt.Errorf("sampler: the score field has dimension %d; it must be ≥ 1", f.Dim())
	case len(w) != f.Sources():
		return fmt.Errorf("sampler: %d composition weights for a field with %d sources; give one weight per source", len(w), f.Sources())
	case n < 1:
		return fmt.Errorf("sampler: asked for %d samples; ask for at least 1", n)
	case steps < 1:
		return fmt.Errorf("sampler: %d steps; use at least 1 (the paper uses 500)", steps)
	}
	return nil
}

func newScores(sources, size int) [][]float64 {
	out := make([][]float64, sources)
	for a := range out {
		out[a] = make([]float64, size)
	}
	return out
}
