// Package diffusion holds the variance-preserving (VP) SDE in "denoising time":
// s ∈ [0,1], s = 0 pure noise, s = 1 data; τ = 1 − s is the forward (noising) time.
package diffusion

import "math"

const (
	BetaMin = 0.1
	BetaMax = 20.0
	// SMin and SMax clamp the sampler grid away from the singular ends.
	SMin = 1e-5
	SMax = 1 - 1e-5
)

// Beta is β(τ) = βmin + τ(βmax − βmin) at denoising time s.
func Beta(s float64) float64 { return BetaMin + (1-s)*(BetaMax-BetaMin) }

// Alpha is exp(−½(βmin τ + ½(βmax−βmin) τ²)).
func Alpha(s float64) float64 {
	t := 1 - s
	return math.Exp(-0.5 * (BetaMin*t + 0.5*(BetaMax-BetaMin)*t*t))
}

// Sigma is sqrt(max(1 − α², 1e−8)).
func Sigma(s float64) float64 {
	a := Alpha(s)
	return math.Sqrt(math.Max(1-a*a, 1e-8))
}

// Grid returns the sampler's time points s_i = clamp(i/steps, SMin, SMax), i = 0..steps.
func Grid(steps int) []float64 {
	g := make([]float64, steps+1)
	for i := range g {
		g[i] = math.Min(math.Max(float64(i)/float64(steps), SMin), SMax)
	}
	return g
}
