package metrics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
)

// MMD2 is the unbiased U-statistic estimate of the squared maximum mean discrepancy,
//
//	1/(n(n−1)) Σ_{i≠j} k(x_i,x_j) + 1/(m(m−1)) Σ_{i≠j} k(y_i,y_j) − 2/(nm) Σ_{i,j} k(x_i,y_j),
//
// with k(a,b) = exp(−γ|a−b|²), γ = 1/(2·med²) and med the median of the n·m cross
// distances |x_i − y_j| (for an even count the mean of the two middle distances, as
// numpy.median). It can be slightly negative. Both samples need at least 2 rows; it
// returns NaN if a sample holds NaN.
func MMD2(x, y []float64, d int) float64 {
	n, m := rows(x, d, "x"), rows(y, d, "y")
	if n < 2 || m < 2 {
		panic(fmt.Sprintf("metrics: MMD2 needs at least 2 rows per sample, got %d and %d", n, m))
	}
	if hasNaN(x) || hasNaN(y) {
		return math.NaN()
	}
	gamma := 1 / (2 * medianCrossSq(x, y, d))
	kxx := triSum(x, d, gamma)
	kyy := triSum(y, d, gamma)
	kxy := crossSum(x, y, d, gamma)
	fn, fm := float64(n), float64(m)
	return 2*kxx/(fn*(fn-1)) + 2*kyy/(fm*(fm-1)) - 2*kxy/(fn*fm)
}

// kernel is exp(−γ·d2); with γ = +Inf (a zero median) it is the indicator of d2 = 0
// rather than exp(−Inf·0) = NaN.
func kernel(gamma, d2 float64) float64 {
	if d2 == 0 {
		return 1
	}
	return math.Exp(-gamma * d2)
}

func sqDist(a, b []float64) float64 {
	s := 0.0
	for j := range a {
		t := a[j] - b[j]
		s += t * t
	}
	return s
}

// parallelRows runs body(lo, hi) for `workers` contiguous row ranges split at cuts and
// returns the per-range results in range order (the fixed reduction order).
func parallelRows(cuts [workers + 1]int, body func(w, lo, hi int) float64) float64 {
	var part [workers]float64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			part[w] = body(w, cuts[w], cuts[w+1])
		}()
	}
	wg.Wait()
	s := 0.0
	for _, p := range part {
		s += p
	}
	return s
}

func evenCuts(n int) (c [workers + 1]int) {
	for w := range c {
		c[w] = w * n / workers
	}
	return c
}

// triCuts splits rows 0..n−1 so that each range holds about the same number of pairs
// i < j (row i holds n−1−i of them).
func triCuts(n int) (c [workers + 1]int) {
	total := float64(n) * float64(n-1) / 2
	c[workers] = n
	row, acc := 0, 0.0
	for w := 1; w < workers; w++ {
		for row < n && acc < total*float64(w)/workers {
			acc += float64(n - 1 - row)
			row++
		}
		c[w] = row
	}
	return c
}

// triSum is Σ_{i<j} k(x_i, x_j).
func triSum(x []float64, d int, gamma float64) float64 {
	n := len(x) / d
	lanes := expLanes()
	return parallelRows(triCuts(n), func(_, lo, hi int) float64 {
		buf := make([]float64, n)
		s := 0.0
		for i := lo; i < hi; i++ {
			s += kernelRow(x[i*d:(i+1)*d], x[(i+1)*d:], d, gamma, buf, lanes)
		}
		return s
	})
}

// crossSum is Σ_{i,j} k(x_i, y_j).
func crossSum(x, y []float64, d int, gamma float64) float64 {
	m := len(y) / d
	lanes := expLanes()
	return parallelRows(evenCuts(len(x)/d), func(_, lo, hi int) float64 {
		buf := make([]float64, m)
		s := 0.0
		for i := lo; i < hi; i++ {
			s += kernelRow(x[i*d:(i+1)*d], y, d, gamma, buf, lanes)
		}
		return s
	})
}

// kernelRow is Σ_j k(xi, y_j) over the rows of y, summed by expSum (buf holds the squared
// distances). A zero median (γ = +Inf) takes the scalar kernel, which defines k there.
func kernelRow(xi, y []float64, d int, gamma float64, buf []float64, lanes lanesFunc) float64 {
	m := len(y) / d
	if math.IsInf(gamma, 1) {
		s := 0.0
		for j := 0; j < m; j++ {
			s += kernel(gamma, sqDist(xi, y[j*d:(j+1)*d]))
		}
		return s
	}
	buf = buf[:m]
	if d == 2 { // the study's dimension: the same sums as sqDist, without its slicing
		x0, x1 := xi[0], xi[1]
		y = y[:2*m]
		for j := range buf {
			t0, t1 := x0-y[2*j], x1-y[2*j+1]
			buf[j] = t0*t0 + t1*t1
		}
	} else {
		for j := range buf {
			buf[j] = sqDist(xi, y[j*d:(j+1)*d])
		}
	}
	return expSum(buf, -gamma, lanes)
}

// radixBits is the width of the first selection digit: the top 20 bits of a non-negative
// float64 (sign, 11 exponent bits, 8 mantissa bits) split each octave into 256 buckets.
const radixBits = 20

// medianCrossSq returns med², med being the median of the n·m distances |x_i − y_j|. It
// is a radix selection on the bit patterns of the squared distances (monotone for
// non-negative floats): one pass histograms the top radixBits bits, a second collects the
// few values in the bucket(s) holding the middle rank(s), and a quickselect finishes. It
// needs O(2^radixBits) memory instead of the O(n·m) a sort would.
func medianCrossSq(x, y []float64, d int) float64 {
	n, m := len(x)/d, len(y)/d
	total := n * m
	if total >= math.MaxUint32 {
		panic(fmt.Sprintf("metrics: %d×%d cross pairs are too many for MMD2", n, m))
	}
	rankLo, rankHi := (total-1)/2, total/2
	if total <= smallMedian {
		vals := make([]float64, 0, total)
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				vals = append(vals, sqDist(x[i*d:(i+1)*d], y[j*d:(j+1)*d]))
			}
		}
		return middle(vals, rankLo, rankHi)
	}
	cuts := evenCuts(n)
	var hist [workers][]uint32
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := make([]uint32, 1<<radixBits)
			for i := cuts[w]; i < cuts[w+1]; i++ {
				xi := x[i*d : (i+1)*d]
				for j := 0; j < m; j++ {
					h[math.Float64bits(sqDist(xi, y[j*d:(j+1)*d]))>>(64-radixBits)]++
				}
			}
			hist[w] = h
		}()
	}
	wg.Wait()
	count := hist[0]
	for w := 1; w < workers; w++ {
		for k, c := range hist[w] {
			count[k] += c
		}
	}
	// Buckets bLo ≤ bHi hold the two middle ranks; below counts the values before bLo.
	below, bLo, bHi := 0, uint64(0), uint64(0)
	for k, cum, found := 0, 0, false; k < len(count); k++ {
		next := cum + int(count[k])
		if !found && next > rankLo {
			bLo, below, found = uint64(k), cum, true
		}
		if next > rankHi {
			bHi = uint64(k)
			break
		}
		cum = next
	}
	var parts [workers][]float64
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := cuts[w]; i < cuts[w+1]; i++ {
				xi := x[i*d : (i+1)*d]
				for j := 0; j < m; j++ {
					d2 := sqDist(xi, y[j*d:(j+1)*d])
					if b := math.Float64bits(d2) >> (64 - radixBits); b >= bLo && b <= bHi {
						parts[w] = append(parts[w], d2)
					}
				}
			}
		}()
	}
	wg.Wait()
	var vals []float64
	for _, p := range parts {
		vals = append(vals, p...)
	}
	return middle(vals, rankLo-below, rankHi-below)
}

// smallMedian is the pair count up to which the median is selected directly.
const smallMedian = 1 << 16

// middle returns the square of the mean of the square roots of the values of ranks lo
// and hi = lo or lo+1 in vals (reordering vals).
func middle(vals []float64, rankLo, rankHi int) float64 {
	lo := quickselect(vals, rankLo)
	hi := lo
	if rankHi != rankLo {
		// After selection everything right of rankLo is ≥ lo; the next rank is their min.
		hi = math.Inf(1)
		for _, v := range vals[rankLo+1:] {
			hi = math.Min(hi, v)
		}
	}
	med := (math.Sqrt(lo) + math.Sqrt(hi)) / 2
	return med * med
}

// quickselect partially orders a so that a[k] is its k-th smallest value (0-based), with
// a[:k] ≤ a[k] ≤ a[k+1:], and returns a[k]. Pivots come from a fixed-seed generator, so
// the result and the final order are deterministic.
func quickselect(a []float64, k int) float64 {
	r := rand.New(rand.NewPCG(1, 2))
	lo, hi := 0, len(a)-1
	for lo < hi {
		p := a[lo+r.IntN(hi-lo+1)]
		// Three-way partition: [lo,lt) < p, [lt,gt] == p, (gt,hi] > p; handles ties.
		lt, i, gt := lo, lo, hi
		for i <= gt {
			switch {
			case a[i] < p:
				a[lt], a[i] = a[i], a[lt]
				lt++
				i++
			case a[i] > p:
				a[i], a[gt] = a[gt], a[i]
				gt--
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt - 1
		case k > gt:
			lo = gt + 1
		default:
			return a[k]
		}
	}
	return a[k]
}
