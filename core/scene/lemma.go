package scene

import (
	"fmt"
	"math"
)

// MeanDifferenceCosines is the k×k matrix of cos∠(μ_i − μ_b, μ_j − μ_b) for the means μ_i of
// the conditionals and μ_b of the background. Lemma 8.1 (seed 002): Factorized Conditionals
// give μ_i − μ_b supported on the block M_i, so the off-diagonal entries are 0; orthogonality
// is necessary, not sufficient (Coupled is a counterexample).
func MeanDifferenceCosines(means [][]float64, mb []float64) ([][]float64, error) {
	k := len(means)
	diff := make([][]float64, k)
	for i, m := range means {
		if len(m) != len(mb) {
			return nil, fmt.Errorf("mean-difference cosines: mean %d has dimension %d, the background's %d", i+1, len(m), len(mb))
		}
		diff[i] = sub(m, mb)
		if norm(diff[i]) == 0 {
			return nil, fmt.Errorf("mean-difference cosines: conditional %d has the background's mean, so its cosines are undefined", i+1)
		}
	}
	out := make([][]float64, k)
	for i := range out {
		out[i] = make([]float64, k)
		for j := range out[i] {
			out[i][j] = dot(diff[i], diff[j]) / (norm(diff[i]) * norm(diff[j]))
		}
	}
	return out, nil
}

// Cosines is MeanDifferenceCosines for the laws of a composition.
func (cm Composition) Cosines() ([][]float64, error) {
	if err := cm.Validate(); err != nil {
		return nil, err
	}
	means := make([][]float64, len(cm.Conditionals))
	for i, l := range cm.Conditionals {
		means[i] = cm.Spec.Mean(l)
	}
	return MeanDifferenceCosines(means, cm.Spec.Mean(cm.Background))
}

// Coupled is the base law of Lemma 8.1's counterexample: a lone object at a uniform slot
// with probability α, else a full strip (every slot occupied), objects uniform, with
// α/S : (1−α) = (1−q) : q. Conditioned on slot i (At(i, Coupled(q))) it holds an object at
// i and, with probability q, objects in all the other slots, else nothing else: every
// other slot is occupied with probability q, as in Cluttered(q), so against that
// background the mean differences are (1−q)(ō − e) on slot i alone and mutually
// orthogonal. The conditionals are not factorized (the other slots are all-or-none), and
// for k ≥ 2 the composition's configurations shared by all conditionals are the full
// strips: C puts every slot occupied (Limit), where the projective reference (Intended)
// keeps the other slots occupied with probability q.
func Coupled(sp Spec, q float64) (Law, error) {
	if !(q > 0 && q < 1) {
		return Law{}, fmt.Errorf("coupled law: q = %v; it must lie in (0, 1)", q)
	}
	S := float64(sp.Slots)
	t := 1 / (S*(1-q) + q) // α/S = (1−q)·t, 1 − α = q·t
	T := float64(len(sp.Objects))
	l := newLaw(sp)
	cfg := make([]int, sp.Slots)
	for c := range l.P {
		switch count(l.Config(c, cfg)) {
		case 1:
			l.P[c] = (1 - q) * t / T
		case sp.Slots:
			l.P[c] = q * t / math.Pow(T, S)
		}
	}
	if sp.Slots == 1 { // one slot: the lone object and the full strip coincide
		return l.normalize("the coupled law")
	}
	return l, nil
}
