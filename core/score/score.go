// Package score defines how samplers see score models: a Field evaluates the scores of all
// sources of a composition at one time for a batch of points. Analytic scores and learned
// networks implement the same interface, so samplers never know which one they run.
package score

import (
	"runtime"
	"sync"

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

// parallelRows is the batch size above which rows are split across cores; each row is
// computed independently, so the result does not depend on the split.
const parallelRows = 2048

func (f Analytic) Scores(s float64, x []float64, out [][]float64) {
	a, sg := diffusion.Alpha(s), diffusion.Sigma(s)
	d := f.Dim()
	n := len(x) / d
	rows := func(i0, i1 int) {
		for k, p := range f.Dists {
			o := out[k]
			for i := i0; i < i1; i++ {
				p.NoisedScore(a, sg, x[i*d:(i+1)*d], o[i*d:(i+1)*d])
			}
		}
	}
	workers := runtime.GOMAXPROCS(0)
	if n < parallelRows || workers == 1 {
		rows(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for i0 := 0; i0 < n; i0 += chunk {
		wg.Add(1)
		go func(i0, i1 int) {
			defer wg.Done()
			rows(i0, i1)
		}(i0, min(i0+chunk, n))
	}
	wg.Wait()
}
