package truth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/resample"
)

// Importance draws n samples of Π pos · Π neg^{negW} (negW < 0 for denominators such as
// P0): it proposes oversample·n points from the exact product of the pos mixtures
// (ProductGMM), weights them by Σ_b negW_b·log p_b(x), and reduces them to n by systematic
// resampling. It returns the samples (rows shuffled, so duplicates are not adjacent) and
// the effective sample size of the oversample·n weights; an ESS well below n means the
// samples hold many duplicates.
func Importance(pos []*dist.GMM, neg []dist.Dist, negW []float64, n, oversample int, r *rand.Rand) (x []float64, ess float64, err error) {
	if n < 1 || oversample < 1 {
		return nil, 0, fmt.Errorf("importance sampling: n = %d, oversample = %d; both must be ≥ 1", n, oversample)
	}
	if len(neg) != len(negW) {
		return nil, 0, fmt.Errorf("importance sampling: %d weighted sources but %d weights; give one weight per source", len(neg), len(negW))
	}
	q, err := ProductGMM(pos)
	if err != nil {
		return nil, 0, fmt.Errorf("importance sampling: proposal: %w", err)
	}
	d := q.Dim()
	for b, p := range neg {
		if p.Dim() != d {
			return nil, 0, fmt.Errorf("importance sampling: weighted source %d has dimension %d, the proposal %d", b, p.Dim(), d)
		}
	}
	total := n * oversample
	prop := q.Sample(r, total)
	logw := logWeights(dist.Composed{Dists: neg, W: negW}, prop, d)
	finite := false
	for i, l := range logw {
		if math.IsNaN(l) || math.IsInf(l, 1) {
			return nil, 0, fmt.Errorf("importance sampling: log-weight of proposal %d at %v is %v; the weighted sources must have finite log-densities where the proposal has mass", i, prop[i*d:(i+1)*d], l)
		}
		finite = finite || !math.IsInf(l, -1)
	}
	if !finite {
		return nil, 0, fmt.Errorf("importance sampling: every proposal has weight zero; the target has no mass where the product of the positive sources lives")
	}
	ess = resample.ESS(logw)
	idx := resample.Systematic(logw, n, r)
	x = make([]float64, n*d)
	for j, i := range idx {
		copy(x[j*d:(j+1)*d], prop[i*d:(i+1)*d])
	}
	r.Shuffle(n, func(a, b int) {
		for k := 0; k < d; k++ {
			x[a*d+k], x[b*d+k] = x[b*d+k], x[a*d+k]
		}
	})
	return x, ess, nil
}

// logWeights evaluates c.LogDensity on every row, split over two goroutines; each row's
// value does not depend on the split, so the result is deterministic.
func logWeights(c dist.Composed, x []float64, d int) []float64 {
	m := len(x) / d
	out := make([]float64, m)
	if len(c.Dists) == 0 {
		return out
	}
	const workers = 2
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*m/workers, (w+1)*m/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				out[i] = c.LogDensity(x[i*d : (i+1)*d])
			}
		}()
	}
	wg.Wait()
	return out
}

// ClosedForm draws n samples of a Gaussian target (the Gaussian settings' ground truth).
func ClosedForm(g *dist.Gaussian, n int, r *rand.Rand) []float64 {
	return g.Sample(r, n)
}
