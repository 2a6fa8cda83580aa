package stages

import (
	"testing"

	"github.com/compdiff/compdiff/core/dsm"
)

func TestCoInDLabelsAndMarginals(t *testing.T) {
	labels, err := CoInDLabels([]float64{1, -1, 1})
	if err != nil {
		t.Fatal(err)
	}
	if want := []dsm.Cond{{1, 0}, {0, 0}, {0, 1}}; labels[0] != want[0] || labels[1] != want[1] || labels[2] != want[2] {
		t.Fatalf("labels %v, want %v", labels, want)
	}
	m := coindMarginals(labels)
	if want := []dsm.Cond{{1, dsm.Null}, {dsm.Null, dsm.Null}, {dsm.Null, 1}}; m[0] != want[0] || m[1] != want[1] || m[2] != want[2] {
		t.Fatalf("marginals %v, want %v", m, want)
	}
	for _, w := range [][]float64{{1, 1}, {1, 1, 1}, {2, 1, -1}, {1, 1, -1, -1}} {
		if _, err := CoInDLabels(w); err == nil {
			t.Errorf("weights %v: no error", w)
		}
	}
}
