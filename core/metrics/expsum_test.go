package metrics

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/compdiff/compdiff/core/gemm"
)

// TestExpNonPosAccuracy sweeps expNonPos over [−700, 0] against math.Exp. The Taylor
// polynomial's truncation error (4e−18 relative) is far below an ulp and the reduction is
// exact to ~1e−24, so what remains is the roundings of Horner's steps (about 2 ulp at
// worst, the terms shrinking by |r| ≤ ½ln2 each) on top of math.Exp's own error (under
// 1 ulp): at most 3 ulp apart, and on average well under one.
func TestExpNonPosAccuracy(t *testing.T) {
	worst, at, total, count := 0.0, 0.0, 0.0, 0
	check := func(x float64) {
		got, want := expNonPos(x), math.Exp(x)
		e := math.Abs(got-want) / (math.Nextafter(want, math.Inf(1)) - want)
		if e > worst {
			worst, at = e, x
		}
		total += e
		count++
	}
	for x := -700.0; x <= 0; x += 0.000731 {
		check(x)
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 200000 {
		check(-math.Exp(-20 * r.Float64())) // small |x|, where exp(x) ≈ 1 − |x|
	}
	t.Logf("worst difference %.2f ulp at x = %v, mean %.3f ulp", worst, at, total/float64(count))
	if worst > 3 || total/float64(count) > 0.5 {
		t.Fatalf("expNonPos(%v) is off by %.2f ulp (mean %.3f)", at, worst, total/float64(count))
	}
	if got := expNonPos(-800); got != expNonPos(expMin) {
		t.Fatalf("expNonPos(−800) = %v; below −700 it is exp(−700)", got)
	}
	if expNonPos(0) != 1 || expNonPos(math.Copysign(0, -1)) != 1 {
		t.Fatal("exp(±0) must be exactly 1 (k(x, x) = 1)")
	}
}

// TestExpSumPathsAgree runs expSum on every kernel path this CPU has: each must give the
// pure-Go lanes' bits exactly (same operations in the same order), for every tail length,
// and all agree with a compensated sum of math.Exp to the accumulated rounding.
func TestExpSumPathsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 23, 64, 65, 999, 3000} {
		v := make([]float64, n)
		for j := range v {
			v[j] = 10 * r.Float64() * r.Float64()
		}
		if n > 3 {
			v[1], v[2] = 0, 2000 // k = 1 and an underflowing term
		}
		g := -0.3 - r.Float64()
		var s [8]float64
		expLanesGo(v, g, &s) // all of v through the pure-Go lanes
		want := ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]))
		var sum, comp float64 // Kahan–Babuška sum of math.Exp
		for _, d2 := range v {
			term := math.Exp(g * d2)
			t := sum + term
			if math.Abs(sum) >= math.Abs(term) {
				comp += (sum - t) + term
			} else {
				comp += (term - t) + sum
			}
			sum = t
		}
		exact := sum + comp
		if math.Abs(want-exact) > 4e-16*float64(n+1)*math.Abs(exact) {
			t.Errorf("n = %d: lane sum %.17g, math.Exp %.17g", n, want, exact)
		}
		for _, name := range gemm.Kernels() {
			restore, err := gemm.SetKernel(name)
			if err != nil {
				t.Fatal(err)
			}
			got := expSum(v, g, expLanes())
			restore()
			if math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("n = %d, path %s: expSum %.17g, pure Go %.17g", n, name, got, want)
			}
		}
	}
}
