package dist

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// The full-covariance composition is Π_a p_a^{w_a} normalised: log C(x) − Σ_a w_a log p_a(x)
// is one constant at every x (to rounding, 1e−9 of the terms), and for diagonal sources it
// is ComposeGaussians' result.
func TestComposeFullGaussians(t *testing.T) {
	a := fullGauss(t, []float64{1, 0}, 3, 1, 1, 2)
	b := fullGauss(t, []float64{0, -1}, 1, -0.4, -0.4, 2)
	c := fullGauss(t, []float64{0.5, 0.5}, 6, 1, 1, 5)
	w := []float64{1, 1, -1}
	g, err := ComposeFullGaussians([]*FullGaussian{a, b, c}, w)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	first := math.NaN()
	for rep := 0; rep < 50; rep++ {
		x := []float64{4 * r.NormFloat64(), 4 * r.NormFloat64()}
		sum := 0.0
		for i, s := range []*FullGaussian{a, b, c} {
			sum += w[i] * s.LogProb(x)
		}
		d := g.LogProb(x) - sum
		if math.IsNaN(first) {
			first = d
		}
		if math.Abs(d-first) > 1e-9*(1+math.Abs(sum)) {
			t.Fatalf("log C − Σ w log p varies: %v at rep 0, %v at rep %d", first, d, rep)
		}
	}
	da, _ := NewGaussian([]float64{1, 2}, []float64{10, 1})
	db, _ := NewGaussian([]float64{0, 0}, []float64{1, 10})
	dc, _ := NewGaussian([]float64{0, 1}, []float64{10, 10})
	want, err := ComposeGaussians([]*Gaussian{da, db, dc}, w)
	if err != nil {
		t.Fatal(err)
	}
	fs := make([]*FullGaussian, 3)
	for i, d := range []*Gaussian{da, db, dc} {
		if fs[i], err = Full(d); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ComposeFullGaussians(fs, w)
	if err != nil {
		t.Fatal(err)
	}
	for j := 0; j < 2; j++ {
		if math.Abs(got.Mean()[j]-want.Mean[j]) > 1e-12 || math.Abs(got.Cov().At(j, j)-want.Var[j]) > 1e-12 || math.Abs(got.Cov().At(0, 1)) > 1e-12 {
			t.Fatalf("diagonal sources: full composition %v %v, diagonal %v %v", got.Mean(), got.Cov(), want.Mean, want.Var)
		}
	}
	// gauss-fc-ood's base as the only positive factor: precision 1/10 − 1 < 0, improper.
	if _, err := ComposeFullGaussians([]*FullGaussian{fullGauss(t, []float64{0}, 10), fullGauss(t, []float64{0}, 1)}, []float64{1, -1}); err == nil || !strings.Contains(err.Error(), "improper") {
		t.Errorf("improper composition: %v", err)
	}
}
