package room

import (
	"math"
	"slices"
	"testing"
)

// Readings names one share per class, then all, partial, invalid and TV, each from its
// definition: counts (1, 2, 3, 2) and 2 invalid of 10 against the target (0, ¼, ¼, ½).
func TestReadings(t *testing.T) {
	s := TableRoom()
	names, vals, err := Readings(s, Counts{Class: []int{1, 2, 3, 2}, Invalid: 2}, []float64{0, 0.25, 0.25, 0.5})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"share.empty", "share.couch", "share.table", "share.couch+table", MetricAll, MetricPartial, MetricInvalid, MetricTV}
	if !slices.Equal(names, want) {
		t.Fatalf("names %v, want %v", names, want)
	}
	// all = couch+table 0.2; partial = couch 0.2 + table 0.3; TV as in TestSharesTV.
	if !close(vals, []float64{0.1, 0.2, 0.3, 0.2, 0.2, 0.5, 0.2, 0.35}, 1e-15) {
		t.Errorf("values %v", vals)
	}
	if _, _, err := Readings(s, Counts{Class: []int{1, 2, 3}}, []float64{0, 0.25, 0.25, 0.5}); err == nil || !contains(err.Error(), "3 counted classes") {
		t.Errorf("wrong class count: error %v", err)
	}
	if _, _, err := Readings(s, Counts{Class: make([]int, 4)}, []float64{0, 0.25, 0.25, 0.5}); err == nil {
		t.Error("no samples: want an error")
	}
	p := SourceParams{Room: s, ClassWeights: []float64{1, 1, 1, 1}}
	g, err := p.Mixture()
	if err != nil || math.Abs(g.Weights[0]-0.25) > 1e-15 { // class empty has one template
		t.Errorf("mixture: %v, weight of the empty room %v", err, g.Weights[0])
	}
}
