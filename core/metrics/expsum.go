package metrics

import (
	"math"

	"github.com/compdiff/compdiff/core/gemm"
)

// The MMD's kernel sums are Σ_j exp(g·d²_j) over millions of squared distances per metrics
// node, which math.Exp (scalar, ~40 cycles) made a tenth of the default profile's run. The
// sum is taken in 8 lanes — value j goes to lane j mod 8, each lane summed in order — and
// the lanes are added by one fixed tree; the pure-Go version and the AVX2 and AVX-512
// kernels perform the same correctly rounded operations in the same order (fused
// multiply-adds everywhere, math.FMA in Go), so every path gives the same bits.

// lanesFunc adds exp(g·v[j]) to s[j mod 8] for j < len(v), a multiple of 8.
type lanesFunc func(v []float64, g float64, s *[8]float64)

// expLanesPaths holds the assembly lanesFuncs by gemm path name; filled by the arch files.
var expLanesPaths = map[string]lanesFunc{}

// expLanes is the active path's lanesFunc (the pure-Go one where the path has none); a
// sum looks it up once, not per row.
func expLanes() lanesFunc {
	if k := expLanesPaths[gemm.Kernel()]; k != nil {
		return k
	}
	return expLanesGo
}

// expSum is Σ_j exp(g·v[j]) for g < 0 finite and v[j] ≥ 0, its body through lanes.
func expSum(v []float64, g float64, lanes lanesFunc) float64 {
	var s [8]float64
	body := len(v) &^ 7
	lanes(v[:body], g, &s)
	for j := body; j < len(v); j++ {
		s[j&7] += expNonPos(g * v[j])
	}
	return ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]))
}

func expLanesGo(v []float64, g float64, s *[8]float64) {
	for j, d2 := range v {
		s[j&7] += expNonPos(g * d2)
	}
}

// expNonPos is exp(x) for x ≤ 0 to about one ulp. Below −700 it returns exp(−700) ≈ 1e−304
// instead of the (even smaller) true value: an absolute error no kernel sum can see.
// x = n·ln2 + r with n = round(x·log2e) (adding 1.5·2^52 rounds to an integer and leaves n
// in the low bits), r = x − n·ln2 in two parts (|r| ≤ ln2/2), exp(r) by its Taylor
// polynomial of degree 13 (truncation error 4e−18 relative), and 2^n added to the
// exponent bits (n ≥ −1010 keeps the result normal).
func expNonPos(x float64) float64 {
	x = max(x, expMin)
	j := math.FMA(x, log2E, roundMagic64)
	n := j - roundMagic64
	r := math.FMA(n, negLn2Hi, x)
	r = math.FMA(n, negLn2Lo, r)
	p := expTaylor[0]
	for _, c := range expTaylor[1:] {
		p = math.FMA(p, r, c)
	}
	return math.Float64frombits(math.Float64bits(p) + math.Float64bits(j)<<52)
}

const (
	expMin       = -700
	log2E        = 1.4426950408889634
	roundMagic64 = 6755399441055744            // 1.5·2^52
	negLn2Hi     = -6.93147180369123816490e-01 // fdlibm's split of ln2: n·ln2Hi is exact
	negLn2Lo     = -1.90821492927058770002e-10
)

// expTaylor holds 1/13!, 1/12!, …, 1/1!, 1: Horner's order.
var expTaylor = func() (c [14]float64) {
	f := 1.0
	for k := 1; k <= 13; k++ {
		f *= float64(k)
		c[13-k] = 1 / f
	}
	c[13] = 1
	return c
}()
