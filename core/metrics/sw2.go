// Package metrics compares two samples (row-major n×d): sliced Wasserstein-2 and the
// unbiased MMD² with a median-heuristic Gaussian kernel (SPEC §7). Both split their
// O(n·m) work over a fixed number of goroutines and reduce in a fixed order, so results
// are deterministic and do not depend on GOMAXPROCS.
package metrics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
)

// workers is fixed, not runtime.NumCPU, so that the reduction order (and hence every bit
// of the result) is the same on every machine.
const workers = 2

// SW2 is the sliced Wasserstein-2 distance sqrt(mean over directions θ of W2²(θ·x, θ·y)),
// with `projections` directions drawn as normalised Gaussian vectors from r. For samples
// of equal size W2² is the mean squared difference of the sorted projections; for
// different sizes it is the exact ∫₀¹ (F⁻¹(u) − G⁻¹(u))² du of the two empirical quantile
// functions (which reduces to the former when sizes agree). It returns NaN if a sample
// holds NaN and panics on malformed input.
func SW2(x, y []float64, d, projections int, r *rand.Rand) float64 {
	n, m := rows(x, d, "x"), rows(y, d, "y")
	if projections < 1 {
		panic(fmt.Sprintf("metrics: SW2 needs at least one projection, got %d", projections))
	}
	if hasNaN(x) || hasNaN(y) {
		return math.NaN()
	}
	dirs := make([]float64, projections*d)
	for p := 0; p < projections; p++ {
		u := dirs[p*d : (p+1)*d]
		for norm := 0.0; norm == 0; {
			for j := range u {
				u[j] = r.NormFloat64()
				norm += u[j] * u[j]
			}
			if norm > 0 {
				norm = math.Sqrt(norm)
				for j := range u {
					u[j] /= norm
				}
			}
		}
	}
	w2 := make([]float64, projections)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			px, py := make([]float64, n), make([]float64, m)
			buf := make([]uint64, 2*max(n, m))
			for p := w; p < projections; p += workers {
				u := dirs[p*d : (p+1)*d]
				project(px, x, u)
				project(py, y, u)
				sortFloats(px, buf)
				sortFloats(py, buf)
				w2[p] = w2SqSorted(px, py)
			}
		}()
	}
	wg.Wait()
	s := 0.0
	for _, v := range w2 {
		s += v
	}
	return math.Sqrt(s / float64(projections))
}

func project(dst, x, u []float64) {
	d := len(u)
	for i := range dst {
		s := 0.0
		for j, uj := range u {
			s += x[i*d+j] * uj
		}
		dst[i] = s
	}
}

// w2SqSorted is W2² between the empirical distributions of two sorted 1-D samples: the
// quantile functions are step functions with jumps at i/n and j/m; walking the merged
// breakpoints (in integer units of 1/(n·m)) integrates their squared difference exactly.
func w2SqSorted(a, b []float64) float64 {
	n, m := len(a), len(b)
	if n == m {
		s := 0.0
		for i := range a {
			t := a[i] - b[i]
			s += t * t
		}
		return s / float64(n)
	}
	s := 0.0
	i, j, pos := 0, 0, 0
	for i < n && j < m {
		ea, eb := (i+1)*m, (j+1)*n
		next := min(ea, eb)
		t := a[i] - b[j]
		s += float64(next-pos) * t * t
		pos = next
		if ea == next {
			i++
		}
		if eb == next {
			j++
		}
	}
	return s / (float64(n) * float64(m))
}

func rows(x []float64, d int, name string) int {
	if d < 1 {
		panic(fmt.Sprintf("metrics: dimension %d; it must be ≥ 1", d))
	}
	if len(x) == 0 || len(x)%d != 0 {
		panic(fmt.Sprintf("metrics: sample %s has %d values, not a non-empty multiple of d = %d", name, len(x), d))
	}
	return len(x) / d
}

func hasNaN(x []float64) bool {
	for _, v := range x {
		if v != v {
			return true
		}
	}
	return false
}
