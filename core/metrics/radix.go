package metrics

import (
	"math"
	"slices"
	"unsafe"
)

// sortFloats sorts a (no NaNs) ascending, using buf (len ≥ 2·len(a)) as scratch. SW2 sorts
// 2·projections vectors of projected samples: continuous values that spread evenly over
// their range, which a bucket sort orders in two passes. Where they do not (outliers,
// infinities) it falls back to a radix sort. Comparison sorts spend most of their time on
// mispredicted branches here; neither of these does.
func sortFloats(a []float64, buf []uint64) {
	n := len(a)
	if n < 64 {
		insertionSort(a)
		return
	}
	if !bucketSort(a, buf) {
		radixSort(a, buf)
	}
}

// bucketSort spreads a over 2·len(a) equal-width buckets between its minimum and maximum and
// finishes with one insertion sort, which only has to reorder values within a bucket. The
// bucket index fl(fl(v−lo)·scale) never decreases as v grows (IEEE subtraction and
// multiplication by a positive number are monotone), so bucket order is value order and
// the result is exact. It returns false, leaving a as it was, when the values are all equal
// or not all finite, or are so unevenly spread that the insertion sort could cost more
// than a few passes (Σ count² > 8n; about 1.5n for evenly spread data).
func bucketSort(a []float64, buf []uint64) bool {
	n := len(a)
	lo, hi := a[0], a[0]
	for _, v := range a {
		// Comparisons, not min/max, whose NaN and ±0 rules cost a third of the sort; both
		// are absent or harmless here (the zero run is reordered below).
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	width := hi - lo
	if !(width > 0) || math.IsInf(width, 0) {
		return false // equal values (maybe ±0, which only the radix keys order) or not finite
	}
	// 2n buckets: the insertion sort's cost is its mispredicted inner loops, one per value
	// that lands in a bucket after a larger one, and twice the buckets halves those.
	nb := 2 * n
	scale := float64(nb) / width
	if math.IsInf(scale, 0) {
		return false // a subnormal range: 0·Inf would be NaN
	}
	bucket := func(v float64) int { return min(int((v-lo)*scale), nb-1) }
	// The counts are uint32s (n ≤ 2^32) in the second half of buf.
	tmp := buf[:n]
	count := unsafe.Slice((*uint32)(unsafe.Pointer(&buf[n])), nb)
	clear(count)
	for _, v := range a {
		count[bucket(v)]++
	}
	var sumSq uint64
	var pos uint32
	for b, c := range count {
		sumSq += uint64(c) * uint64(c)
		count[b], pos = pos, pos+c
	}
	if sumSq > 8*uint64(n) {
		return false
	}
	for _, v := range a {
		b := bucket(v)
		tmp[count[b]] = math.Float64bits(v)
		count[b]++
	}
	// Insertion sort while copying back: only values of one bucket are out of order.
	for i, k := range tmp {
		v := math.Float64frombits(k)
		j := i
		for ; j > 0 && a[j-1] > v; j-- {
			a[j] = a[j-1]
		}
		a[j] = v
	}
	if lo <= 0 && hi >= 0 {
		orderZeros(a)
	}
	return true
}

// orderZeros rewrites the run of zeros of a sorted slice as all −0 then all +0 — the radix
// keys' order, which a float comparison (−0 == +0) does not establish.
func orderZeros(a []float64) {
	i, _ := slices.BinarySearch(a, 0)
	neg := 0
	j := i
	for ; j < len(a) && a[j] == 0; j++ {
		if math.Signbit(a[j]) {
			neg++
		}
	}
	for k := i; k < j; k++ {
		a[k] = math.Copysign(0, float64(k-i-neg)) // −0 for the first neg slots
	}
}

// floatKey maps a float to a uint64 whose unsigned order is the float order: negative
// floats have every bit flipped (larger magnitude sorts first), others the sign bit set.
func floatKey(f float64) uint64 {
	k := math.Float64bits(f)
	if k>>63 == 1 {
		return ^k
	}
	return k | 1<<63
}

// radixSort sorts a (no NaNs, len ≥ 1) ascending with an LSD radix sort on
// order-preserving uint64 keys, using buf (len ≥ 2·len(a)) as scratch. Byte positions on
// which all keys agree (typically the high exponent bytes) are skipped.
func radixSort(a []float64, buf []uint64) {
	n := len(a)
	keys, tmp := buf[:n], buf[n:2*n]
	var count [8][256]int
	for i, f := range a {
		k := floatKey(f)
		keys[i] = k
		for b := 0; b < 8; b++ {
			count[b][byte(k>>(8*b))]++
		}
	}
	for b := 0; b < 8; b++ {
		c := &count[b]
		if c[byte(keys[0]>>(8*b))] == n {
			continue // every key has the same byte here
		}
		sum := 0
		for v := range c {
			c[v], sum = sum, sum+c[v]
		}
		for _, k := range keys {
			d := byte(k >> (8 * b))
			tmp[c[d]] = k
			c[d]++
		}
		keys, tmp = tmp, keys
	}
	for i, k := range keys {
		if k>>63 == 1 {
			k &^= 1 << 63
		} else {
			k = ^k
		}
		a[i] = math.Float64frombits(k)
	}
}

func insertionSort(a []float64) {
	for i := 1; i < len(a); i++ {
		v := a[i]
		j := i
		for ; j > 0 && a[j-1] > v; j-- {
			a[j] = a[j-1]
		}
		a[j] = v
	}
}
