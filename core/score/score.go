// Package score defines how samplers see score models: a Field evaluates the scores of all
// sources of a composition at one time for a batch of points. Analytic scores and learned
// networks implement the same interface, so samplers never know which one they run.
package score

import (
	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/dist"
)

// Field evaluates ∇log p_s^a(x) for every source a at denoising time s.
type Field interface {
	Dim() int
	Sources() int
	// Scores writes the score of source a at row i into out[a][i*d : (i+1)*d] for the
	// n = len(x)/d points of x (row-major). Implementations may run in parallel but must
	// be deterministic.
	Scores(s float64, x []float64, out [][]float64)
}

// Analytic is the exact noised score of known source distributions.
type Analytic struct {
	Dists []dist.Dist
}

func (f Analytic) Dim() int     { return f.Dists[0].Dim() }
func (f Analytic) Sources() int { return len(f.Dists) }

func (f Analytic) Scores(s float64, x []float64, out [][]float64) {
	a, sg := diffusion.Alpha(s), diffusion.Sigma(s)
	d := f.Dim()
	n := len(x) / d
	for k, p := range f.Dists {
		o := out[k]
		for i := 0; i < n; i++ {
			p.NoisedScore(a, sg, x[i*d:(i+1)*d], o[i*d:(i+1)*d])
		}
	}
}
