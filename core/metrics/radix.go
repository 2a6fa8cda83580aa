package metrics

import "math"

// sortFloats sorts a (no NaNs) ascending with an LSD radix sort on order-preserving
// uint64 keys, using buf (len ≥ 2·len(a)) as scratch. SW2 sorts 2·projections vectors;
// comparison sorts spend most of their time on mispredicted branches there, radix
// passes do not. Byte positions on which all keys agree (typically the high exponent
// bytes) are skipped.
func sortFloats(a []float64, buf []uint64) {
	n := len(a)
	if n < 64 {
		insertionSort(a)
		return
	}
	keys, tmp := buf[:n], buf[n:2*n]
	var count [8][256]int
	for i, f := range a {
		k := math.Float64bits(f)
		// Negative floats: flip every bit (larger magnitude sorts first); non-negative:
		// flip the sign bit, so the unsigned order of keys is the float order.
		if k>>63 == 1 {
			k = ^k
		} else {
			k |= 1 << 63
		}
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
