package metrics

import (
	"math"
	"math/rand/v2"
	"testing"
)

// True samples of a Gaussian target never escape; planted runaways are counted exactly, a
// non-finite sample too, and a sample just inside the radius is not.
func TestEscaped(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	const d, m, n = 2, 3000, 600
	y := make([]float64, m*d)
	for i := range y {
		y[i] = 2 * r.NormFloat64()
	}
	x := make([]float64, n*d)
	for i := range x {
		x[i] = 2 * r.NormFloat64()
	}
	if e := Escaped(x, y, d); e != 0 {
		t.Fatalf("true samples: %v escaped", e)
	}
	// r99 of a 2-D N(0, 4I) is 2·sqrt(−2 ln 0.01) = 6.07; the radius 4·r99 ≈ 24.3, within
	// the sampling error of the 0.99-quantile of 3000 points (a few percent).
	rad, _ := EscapeRadius(y, d)
	if want := 4 * 2 * math.Sqrt(-2*math.Log(0.01)); math.Abs(rad-want) > 0.06*want {
		t.Errorf("radius %.3f, want ≈ %.3f", rad, want)
	}
	x[0], x[1] = 2100, -3      // one runaway, as the default run met
	x[2], x[3] = math.NaN(), 0 // a diverged sample
	x[4], x[5] = 0.9*rad, 0    // inside
	x[6], x[7] = 0, -1.2*rad
	if e, want := Escaped(x, y, d), 3.0/n; e != want {
		t.Errorf("planted runaways: share %v, want %v", e, want)
	}
}
