package dist

import (
	"math"
	"testing"
)

// A correlated-free 2-D Gaussian's moments by quadrature match the closed form; the grid
// (±10 std, 400 points a side) makes truncation and midpoint errors far below 1e-6.
func TestGridMomentsGaussian(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test: minutes under emulation (-short); runs natively")
	}
	g, _ := NewGaussian([]float64{1, -2}, []float64{0.5, 2})
	mean, v, err := GridMoments(g.LogProb, 2, -16, 16, 800)
	if err != nil {
		t.Fatal(err)
	}
	for j := range mean {
		if math.Abs(mean[j]-g.Mean[j]) > 1e-6 || math.Abs(v[j]-g.Var[j]) > 1e-6 {
			t.Fatalf("coord %d: mean %v var %v, want %v %v", j, mean[j], v[j], g.Mean[j], g.Var[j])
		}
	}
	if _, _, err := GridMoments(g.LogProb, 4, -1, 1, 3); err == nil {
		t.Fatal("d = 4 accepted")
	}
}
