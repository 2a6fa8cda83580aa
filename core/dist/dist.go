// Package dist holds the source distributions of a composition task: diagonal Gaussians
// and isotropic Gaussian mixtures, with densities, sampling and the closed-form score of
// their noised versions α·X + σ·ε.
package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Dist is a distribution over R^d. Samples are row-major n×d slices.
type Dist interface {
	Dim() int
	LogProb(x []float64) float64
	Sample(r *rand.Rand, n int) []float64
	// NoisedScore writes ∇log p_{α,σ}(x) into out, where p_{α,σ} is the law of α·X + σ·ε.
	NoisedScore(alpha, sigma float64, x, out []float64)
	// Describe is a canonical, human-readable description (used in keys and reports).
	Describe() string
}

const log2Pi = 1.8378770664093453 // log(2π)

// Gaussian is N(Mean, diag(Var)).
type Gaussian struct {
	Mean []float64
	Var  []float64
}

// NewGaussian validates and returns a diagonal Gaussian.
func NewGaussian(mean, variance []float64) (*Gaussian, error) {
	if len(mean) == 0 || len(mean) != len(variance) {
		return nil, fmt.Errorf("gaussian: mean has %d entries and variance %d; both must have d ≥ 1 entries", len(mean), len(variance))
	}
	for j, v := range variance {
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("gaussian: variance[%d] = %v; every variance must be a positive finite number", j, v)
		}
	}
	return &Gaussian{Mean: append([]float64(nil), mean...), Var: append([]float64(nil), variance...)}, nil
}

func (g *Gaussian) Dim() int { return len(g.Mean) }

func (g *Gaussian) LogProb(x []float64) float64 {
	lp := 0.0
	for j, m := range g.Mean {
		d := x[j] - m
		lp += -0.5*(log2Pi+math.Log(g.Var[j])) - 0.5*d*d/g.Var[j]
	}
	return lp
}

func (g *Gaussian) Sample(r *rand.Rand, n int) []float64 {
	d := g.Dim()
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			x[i*d+j] = g.Mean[j] + math.Sqrt(g.Var[j])*r.NormFloat64()
		}
	}
	return x
}

// NoisedScore: α·X + σ·ε ~ N(αμ, α²Σ + σ²I), score −(x − αμ)/(α²Σ + σ²).
func (g *Gaussian) NoisedScore(alpha, sigma float64, x, out []float64) {
	for j, m := range g.Mean {
		out[j] = -(x[j] - alpha*m) / (alpha*alpha*g.Var[j] + sigma*sigma)
	}
}

func (g *Gaussian) Describe() string {
	return fmt.Sprintf("N(mean=%v, var=%v)", fmtVec(g.Mean), fmtVec(g.Var))
}

// GMM is an isotropic Gaussian mixture Σ_k W_k N(Means_k, Std² I).
type GMM struct {
	Means   [][]float64
	Weights []float64 // normalised to sum 1
	Std     float64
	logW    []float64
}

// NewGMM validates and returns a mixture; weights are normalised, zero weights are allowed
// (the component then carries no mass).
func NewGMM(means [][]float64, weights []float64, std float64) (*GMM, error) {
	if len(means) == 0 {
		return nil, fmt.Errorf("mixture: no components; list at least one mean")
	}
	if len(weights) != len(means) {
		return nil, fmt.Errorf("mixture: %d means but %d weights; give one weight per component", len(means), len(weights))
	}
	if !(std > 0) || math.IsInf(std, 0) {
		return nil, fmt.Errorf("mixture: std = %v; it must be a positive finite number", std)
	}
	d := len(means[0])
	if d == 0 {
		return nil, fmt.Errorf("mixture: component 0 has an empty mean; the dimension must be ≥ 1")
	}
	total := 0.0
	for k, m := range means {
		if len(m) != d {
			return nil, fmt.Errorf("mixture: component %d has dimension %d, component 0 has %d; all means need the same dimension", k, len(m), d)
		}
		if weights[k] < 0 || math.IsNaN(weights[k]) || math.IsInf(weights[k], 0) {
			return nil, fmt.Errorf("mixture: weight[%d] = %v; weights must be finite and ≥ 0", k, weights[k])
		}
		total += weights[k]
	}
	if !(total > 0) {
		return nil, fmt.Errorf("mixture: all weights are zero; give at least one positive weight")
	}
	g := &GMM{Std: std, Weights: make([]float64, len(weights)), logW: make([]float64, len(weights))}
	for k := range means {
		g.Means = append(g.Means, append([]float64(nil), means[k]...))
		g.Weights[k] = weights[k] / total
		g.logW[k] = math.Log(g.Weights[k])
	}
	return g, nil
}

func (g *GMM) Dim() int { return len(g.Means[0]) }

// componentLogs writes log(W_k) + log N(x; a·μ_k, v·I) into lk and returns their log-sum-exp.
func (g *GMM) componentLogs(a, v float64, x, lk []float64) float64 {
	d := g.Dim()
	norm := -0.5 * float64(d) * (log2Pi + math.Log(v))
	mx := math.Inf(-1)
	for k, m := range g.Means {
		if g.Weights[k] == 0 {
			lk[k] = math.Inf(-1)
			continue
		}
		s := 0.0
		for j := range x {
			t := x[j] - a*m[j]
			s += t * t
		}
		lk[k] = g.logW[k] + norm - 0.5*s/v
		if lk[k] > mx {
			mx = lk[k]
		}
	}
	sum := 0.0
	for _, l := range lk {
		sum += math.Exp(l - mx)
	}
	return mx + math.Log(sum)
}

func (g *GMM) LogProb(x []float64) float64 {
	var buf [16]float64
	return g.componentLogs(1, g.Std*g.Std, x, scratch(buf[:], len(g.Means)))
}

func (g *GMM) Sample(r *rand.Rand, n int) []float64 {
	d := g.Dim()
	x := make([]float64, n*d)
	cdf := make([]float64, len(g.Weights))
	c := 0.0
	for k, w := range g.Weights {
		c += w
		cdf[k] = c
	}
	for i := 0; i < n; i++ {
		u := r.Float64() * c
		k := 0
		for k < len(cdf)-1 && u >= cdf[k] {
			k++
		}
		for j := 0; j < d; j++ {
			x[i*d+j] = g.Means[k][j] + g.Std*r.NormFloat64()
		}
	}
	return x
}

// NoisedScore: responsibilities r_k ∝ W_k N(x; αμ_k, (α²s²+σ²)I), score Σ r_k(αμ_k − x)/(α²s²+σ²).
func (g *GMM) NoisedScore(alpha, sigma float64, x, out []float64) {
	var buf [16]float64
	lk := scratch(buf[:], len(g.Means))
	v := alpha*alpha*g.Std*g.Std + sigma*sigma
	lse := g.componentLogs(alpha, v, x, lk)
	for j := range out {
		out[j] = 0
	}
	for k, m := range g.Means {
		rk := math.Exp(lk[k] - lse)
		if rk == 0 {
			continue
		}
		for j := range out {
			out[j] += rk * (alpha*m[j] - x[j])
		}
	}
	for j := range out {
		out[j] /= v
	}
}

func (g *GMM) Describe() string {
	s := fmt.Sprintf("GMM(std=%g; ", g.Std)
	for k, m := range g.Means {
		if k > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%.6g@%s", g.Weights[k], fmtVec(m))
	}
	return s + ")"
}

// scratch returns buf[:n] when it fits (no allocation on the hot path), else a new slice.
func scratch(buf []float64, n int) []float64 {
	if n <= len(buf) {
		return buf[:n]
	}
	return make([]float64, n)
}

func fmtVec(v []float64) string {
	s := "("
	for i, x := range v {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprintf("%g", x)
	}
	return s + ")"
}
