package metrics

import (
	"math"
	"sort"
)

// EscapeFactor sets how far beyond the target a sample must land to count as escaped: more
// than EscapeFactor times the radius (around the target's mean) that holds 99% of the target.
// For a Gaussian target that radius is r99 = σ·sqrt(χ²_d(0.99)) and a true sample lies beyond
// 4·r99 with probability P(χ²_d > 16·χ²_d(0.99)): below 1e−30 for d = 2 and smaller still as
// d grows, so a true sample never escapes in practice, while a runaway trajectory (a learned
// score extrapolating far from its data) does.
const EscapeFactor = 4

// EscapeRadius is EscapeFactor times the 0.99-quantile of the distance of the reference
// sample y (m×d, the ground truth) to its mean, and that mean.
func EscapeRadius(y []float64, d int) (radius float64, mean []float64) {
	m := len(y) / d
	mean = make([]float64, d)
	for i := 0; i < m; i++ {
		for j := 0; j < d; j++ {
			mean[j] += y[i*d+j] / float64(m)
		}
	}
	dist := make([]float64, m)
	for i := 0; i < m; i++ {
		dist[i] = distance(y[i*d:(i+1)*d], mean)
	}
	sort.Float64s(dist)
	q := dist[min(m-1, int(math.Ceil(0.99*float64(m)))-1)]
	return EscapeFactor * q, mean
}

// Escaped is the share of the samples x (n×d) farther than EscapeRadius(y) from y's mean;
// a non-finite sample counts as escaped.
func Escaped(x, y []float64, d int) float64 {
	r, mean := EscapeRadius(y, d)
	n := len(x) / d
	out := 0
	for i := 0; i < n; i++ {
		if e := distance(x[i*d:(i+1)*d], mean); !(e <= r) {
			out++
		}
	}
	return float64(out) / float64(n)
}

func distance(a, b []float64) float64 {
	s := 0.0
	for j := range a {
		v := a[j] - b[j]
		s += v * v
	}
	return math.Sqrt(s)
}
