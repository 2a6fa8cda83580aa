package linmap

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// A setup builds the map it names (shear and rotation embedded on the first two
// coordinates), tells an orthogonal map, and names every problem at once.
func TestSetup(t *testing.T) {
	g, th := 1.5, 0.7
	c := GaussFCID()
	sh := Setup{Background: c.Background, Concepts: c.Concepts, Shear: &g}
	if A := must(sh.A()); !mat.Equal(A, Shear(g)) || Orthogonal(A) {
		t.Errorf("shear: A = %v, orthogonal %v", mat.Formatted(A), Orthogonal(A))
	}
	ro := Setup{Background: []float64{1, 1, 1}, Concepts: [][]float64{{2, 1, 1}, {1, 1, 3}}, Rotation: &th}
	A := must(ro.A())
	if !Orthogonal(A) || A.At(2, 2) != 1 || math.Abs(A.At(0, 0)-math.Cos(th)) > 1e-15 {
		t.Errorf("rotation in 3-D: %v", mat.Formatted(A))
	}
	bad := Setup{Background: []float64{1, 1}, Concepts: [][]float64{{10, 1}, {10, 10}}, Shear: &g, Rotation: &th}
	err := bad.Validate()
	for _, want := range []string{"concepts 1 and 2 both change coordinate 0", "exactly one of shear"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("errors %v; want one containing %q", err, want)
		}
	}
	sing := Setup{Background: c.Background, Concepts: c.Concepts, Matrix: [][]float64{{1, 2}, {2, 4}}}
	if err := sing.Validate(); err == nil || !strings.Contains(err.Error(), "singular") {
		t.Errorf("singular map: %v", err)
	}
	imp := Setup{Background: []float64{1, 1}, Concepts: [][]float64{{1.5, 1}, {1, 1.5}, {1, 1}}, Matrix: [][]float64{{1, 0}, {0, 1}}}
	if err := imp.Validate(); err != nil {
		t.Errorf("proper three concepts: %v", err)
	}
	if _, err := Named("gauss-fc-nope"); err == nil {
		t.Error("unknown concepts name accepted")
	}
}
