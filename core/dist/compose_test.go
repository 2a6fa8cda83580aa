package dist

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func diagGauss(t *testing.T, v ...float64) *Gaussian {
	t.Helper()
	g, err := NewGaussian(make([]float64, len(v)), v)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// Theorem 1 on the SPEC §2 Gaussian settings: Σw = (Λa1 + Λa2 − Λ0)⁻¹.
func TestTheorem1GaussianSettings(t *testing.T) {
	a1 := diagGauss(t, 10, 1)
	a2 := diagGauss(t, 1, 10)
	w := []float64{1, 1, -1}
	cases := []struct {
		id     string
		base   float64
		target float64
	}{
		{"gauss-fc-id", 10, 1},
		{"gauss-nfc-id", 20, 20.0 / 21},
		{"gauss-fc-ood", 1, 10},
		{"gauss-nfc-ood", 1.1, 110.0 / 21},
	}
	for _, c := range cases {
		p0 := diagGauss(t, c.base, c.base)
		got, err := ComposeGaussians([]*Gaussian{a1, a2, p0}, w)
		if err != nil {
			t.Fatalf("%s: %v", c.id, err)
		}
		for j := 0; j < 2; j++ {
			if math.Abs(got.Var[j]-c.target) > 1e-12*c.target || got.Mean[j] != 0 {
				t.Errorf("%s: coordinate %d has mean %v, variance %v; want 0, %v", c.id, j, got.Mean[j], got.Var[j], c.target)
			}
		}
	}
}

// A base with too much precision (Λw = 0.1 + 1 − 2 < 0) makes the target improper.
func TestTheorem1ImproperBase(t *testing.T) {
	gs := []*Gaussian{diagGauss(t, 10, 1), diagGauss(t, 1, 10), diagGauss(t, 0.5, 0.5)}
	_, err := ComposeGaussians(gs, []float64{1, 1, -1})
	var imp *ImproperError
	if !errors.As(err, &imp) {
		t.Fatalf("want *ImproperError, got %v", err)
	}
	if math.Abs(imp.Eigen-(0.1+1-2)) > 1e-12 {
		t.Errorf("reported eigenvalue %v, want −0.9", imp.Eigen)
	}
}

// Composed.LogDensity differs from the closed-form composition's log-density by a
// constant (the normalisation), for Gaussians with non-zero means too.
func TestComposedMatchesClosedForm(t *testing.T) {
	a1, _ := NewGaussian([]float64{1, -2}, []float64{10, 1})
	a2, _ := NewGaussian([]float64{0.5, 3}, []float64{1, 10})
	p0, _ := NewGaussian([]float64{-1, 0}, []float64{20, 20})
	gs := []*Gaussian{a1, a2, p0}
	w := []float64{1, 1, -1}
	closed, err := ComposeGaussians(gs, w)
	if err != nil {
		t.Fatal(err)
	}
	c := Composed{Dists: []Dist{a1, a2, p0}, W: w}
	if c.Dim() != 2 {
		t.Fatalf("Dim = %d", c.Dim())
	}
	r := rand.New(rand.NewPCG(5, 6))
	ref := c.LogDensity([]float64{0, 0}) - closed.LogProb([]float64{0, 0})
	for i := 0; i < 100; i++ {
		x := []float64{4 * r.NormFloat64(), 4 * r.NormFloat64()}
		if d := c.LogDensity(x) - closed.LogProb(x) - ref; math.Abs(d) > 1e-10 {
			t.Fatalf("at %v the log-density ratio moved by %v", x, d)
		}
	}
}
