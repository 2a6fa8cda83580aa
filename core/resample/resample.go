// Package resample holds the resampling primitives of the particle methods: systematic
// resampling from unnormalised log-weights and the effective sample size.
package resample

import (
	"math"
	"math/rand/v2"
)

// Systematic draws n indices from softmax(logw) by systematic resampling: one uniform u,
// positions (u+j)/n, j = 0..n−1, mapped through the cumulative weights. Indices come out in
// ascending order. Weight conventions are those of Weights.
func Systematic(logw []float64, n int, r *rand.Rand) []int {
	idx := make([]int, n)
	SystematicInto(idx, logw, r.Float64(), make([]float64, len(logw)))
	return idx
}

// SystematicInto is Systematic without allocation, for hot loops: it fills idx using the
// given uniform u ∈ [0,1) and scratch (len(scratch) ≥ len(logw)) for the weights.
func SystematicInto(idx []int, logw []float64, u float64, scratch []float64) {
	if len(idx) == 0 {
		return
	}
	if len(logw) == 0 {
		panic("resample: no weights to resample from")
	}
	w := scratch[:len(logw)]
	SystematicFromWeights(idx, w, Weights(logw, w), u)
}

// SystematicFromWeights is systematic resampling from non-negative weights w with sum
// total > 0, as written by Weights; callers that also need the ESS compute them once.
func SystematicFromWeights(idx []int, w []float64, total, u float64) {
	if len(idx) == 0 {
		return
	}
	// The last index with positive weight: rounding can push the final position to the
	// total, and it must not land on a zero-weight particle.
	last := len(w) - 1
	for last > 0 && w[last] == 0 {
		last--
	}
	n := len(idx)
	step := total / float64(n)
	k, c := 0, w[0]
	for j := range idx {
		// Positions are recomputed from j rather than accumulated, so they do not drift.
		pos := (u + float64(j)) * step
		for pos >= c && k < last {
			k++
			c += w[k]
		}
		idx[j] = k
	}
}

// Weights writes exp(logw − max logw) into w and returns their sum. NaN log-weights count
// as −Inf (weight 0); if every weight is 0 they are all set to 1 (nothing distinguishes the
// particles); if some are +Inf those share the mass equally.
func Weights(logw, w []float64) float64 {
	mx := math.Inf(-1)
	for _, l := range logw {
		if l > mx { // false for NaN
			mx = l
		}
	}
	total := 0.0
	switch {
	case math.IsInf(mx, -1):
		for k := range logw {
			w[k] = 1
		}
		return float64(len(logw))
	case math.IsInf(mx, 1):
		for k, l := range logw {
			w[k] = 0
			if math.IsInf(l, 1) {
				w[k] = 1
				total++
			}
		}
		return total
	}
	for k, l := range logw {
		if math.IsNaN(l) {
			w[k] = 0
			continue
		}
		w[k] = math.Exp(l - mx)
		total += w[k]
	}
	return total
}

// ESS is the effective sample size (Σw)²/Σw² of softmax(logw), between 1 and len(logw)
// (0 for no weights).
func ESS(logw []float64) float64 {
	if len(logw) == 0 {
		return 0
	}
	var buf [64]float64
	w := buf[:0]
	if len(logw) <= len(buf) {
		w = buf[:len(logw)]
	} else {
		w = make([]float64, len(logw))
	}
	return essInto(logw, w)
}

// ESSInto is ESS with caller-provided scratch (len(scratch) ≥ len(logw)), for hot loops.
func ESSInto(logw, scratch []float64) float64 {
	if len(logw) == 0 {
		return 0
	}
	return essInto(logw, scratch[:len(logw)])
}

func essInto(logw, w []float64) float64 {
	return ESSFromWeights(w, Weights(logw, w))
}

// ESSFromWeights is (Σw)²/Σw² for weights w with sum total, as written by Weights.
func ESSFromWeights(w []float64, total float64) float64 {
	sq := 0.0
	for _, x := range w {
		sq += x * x
	}
	return total * total / sq
}
