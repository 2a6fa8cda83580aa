package stages

import (
	"strings"
	"testing"

	"github.com/compdiff/compdiff/core/dist"
)

func gauss(v0, v1 float64) SourceSpec {
	return SourceSpec{Family: "gaussian", Mean: []float64{0, 0}, Var: []float64{v0, v1}}
}

// Theorem 3's condition: the coordinates on which Pa1 and Pa2 differ from P0 are disjoint
// in the factorized settings (fc-id, fc-ood) and overlap in the others.
func TestFactorized(t *testing.T) {
	w := []float64{1, 1, -1}
	for _, c := range []struct {
		base float64
		want bool
	}{{10, true}, {20, false}, {1, true}, {1.1, false}} {
		ds, _ := Dists([]SourceSpec{gauss(10, 1), gauss(1, 10), gauss(c.base, c.base)})
		gs, _ := gaussians(ds)
		if got := factorized(gs, w); got != c.want {
			t.Errorf("P0 = N(0, %g I): factorized = %v, want %v", c.base, got, c.want)
		}
	}
}

func TestCheckTarget(t *testing.T) {
	w := []float64{1, 1, -1}
	if err := CheckTarget([]SourceSpec{gauss(10, 1), gauss(1, 10), gauss(10, 10)}, w, ClosedForm); err != nil {
		t.Fatal(err)
	}
	err := CheckTarget([]SourceSpec{gauss(10, 1), gauss(1, 10), gauss(0.5, 0.5)}, w, ClosedForm)
	if _, ok := err.(*dist.ImproperError); !ok {
		t.Fatalf("improper base: got %v, want *dist.ImproperError", err)
	}
	mix := func(wts ...float64) SourceSpec {
		return SourceSpec{Family: "mixture", Means: [][]float64{{0, 0}, {3, 0}}, Weights: wts, Std: 1}
	}
	if err := CheckTarget([]SourceSpec{mix(1, 0), mix(0.5, 0.5), mix(0.5, 0.5)}, w, Rejection); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		specs  []SourceSpec
		w      []float64
		method string
		want   string
	}{
		{[]SourceSpec{mix(1, 0), mix(0.5, 0.5), mix(1, 0)}, w, Rejection, "unbounded"},
		{[]SourceSpec{mix(1, 0), mix(0.5, 0.5), mix(0.5, 0.5)}, []float64{1, 2, -1}, Rejection, "use importance"},
		{[]SourceSpec{mix(1, 0), mix(0.5, 0.5), mix(0.5, 0.5)}, []float64{2, 1, -1}, Importance, "positive weights equal to 1"},
		{[]SourceSpec{gauss(1, 1), mix(0.5, 0.5)}, []float64{1, 1}, Importance, "source 0 is N("},
		{[]SourceSpec{mix(1, 0), mix(0.5, 0.5)}, []float64{1, 1}, "mcmc", "unknown ground-truth method"},
	} {
		err := CheckTarget(c.specs, c.w, c.method)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s with w=%v: error %v, want one mentioning %q", c.method, c.w, err, c.want)
		}
	}
}
