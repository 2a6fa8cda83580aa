// Package truth draws ground-truth samples of a composed target (SPEC §3): the closed form
// for Gaussians, rejection sampling when the denominator shares its components with a
// numerator source, importance sampling from the exact product of the numerator mixtures
// otherwise.
package truth

import (
	"fmt"
	"math"

	"github.com/compdiff/compdiff/core/dist"
)

// maxProductComponents bounds the size of a product mixture; beyond it the proposal is
// too expensive to evaluate and the setting is probably a mistake.
const maxProductComponents = 1 << 20

const log2Pi = 1.8378770664093453 // log(2π)

// ProductGMM returns the exact normalised product Π_i g_i(x) / Z of isotropic mixtures.
// Component (j, k, …) is a Gaussian with variance v = 1/Σ_i 1/s_i², mean v·Σ_i μ_i/s_i²,
// and weight ∝ Π_i w_i · c, where c = ∫ Π_i N(x; μ_i, s_i² I) dx is obtained by folding the
// pairwise identity N(x; m, a)·N(x; μ, b) = N(m; μ, a+b)·N(x; (b·m + a·μ)/(a+b), ab/(a+b)).
// Zero-weight components are dropped.
func ProductGMM(gs []*dist.GMM) (*dist.GMM, error) {
	if len(gs) == 0 {
		return nil, fmt.Errorf("product of mixtures: no mixtures given")
	}
	d := gs[0].Dim()
	total := 1
	prec := 0.0
	for i, g := range gs {
		if g.Dim() != d {
			return nil, fmt.Errorf("product of mixtures: mixture %d has dimension %d, mixture 0 has %d", i, g.Dim(), d)
		}
		total *= len(g.Means)
		if total > maxProductComponents {
			return nil, fmt.Errorf("product of mixtures: more than %d components; reduce the number or size of the mixtures", maxProductComponents)
		}
		prec += 1 / (g.Std * g.Std)
	}
	v := 1 / prec

	var means [][]float64
	var logw []float64
	choice := make([]int, len(gs)) // mixed-radix counter over component tuples
	m := make([]float64, d)
	for {
		if lw, ok := foldComponents(gs, choice, m); ok {
			means = append(means, append([]float64(nil), m...))
			logw = append(logw, lw)
		}
		i := 0
		for ; i < len(gs); i++ {
			choice[i]++
			if choice[i] < len(gs[i].Means) {
				break
			}
			choice[i] = 0
		}
		if i == len(gs) {
			break
		}
	}
	mx := math.Inf(-1)
	for _, l := range logw {
		mx = math.Max(mx, l)
	}
	if len(logw) == 0 || math.IsInf(mx, -1) {
		return nil, fmt.Errorf("product of mixtures: every component of the product has zero weight")
	}
	w := make([]float64, len(logw))
	for k, l := range logw {
		w[k] = math.Exp(l - mx)
	}
	return dist.NewGMM(means, w, math.Sqrt(v))
}

// foldComponents writes the mean of the product of the chosen components into m and
// returns its log-weight Σ log w_i + log c; ok is false when a chosen weight is zero.
func foldComponents(gs []*dist.GMM, choice []int, m []float64) (lw float64, ok bool) {
	d := len(m)
	a := 0.0 // running variance
	for i, g := range gs {
		wi := g.Weights[choice[i]]
		if wi == 0 {
			return 0, false
		}
		lw += math.Log(wi)
		mu := g.Means[choice[i]]
		b := g.Std * g.Std
		if i == 0 {
			copy(m, mu)
			a = b
			continue
		}
		sum := a + b
		sq := 0.0
		for j := 0; j < d; j++ {
			t := m[j] - mu[j]
			sq += t * t
		}
		lw += -0.5*float64(d)*(log2Pi+math.Log(sum)) - 0.5*sq/sum
		for j := 0; j < d; j++ {
			m[j] = (b*m[j] + a*mu[j]) / sum
		}
		a = a * b / sum
	}
	return lw, true
}
