package reports

import (
	"math"
	"testing"
)

func TestSpearman(t *testing.T) {
	// Monotone but non-linear: ρ = 1; reversed: −1; ties take mid-ranks.
	x := []float64{1, 2, 3, 4, 5}
	if r := Spearman(x, []float64{1, 8, 27, 64, 125}); math.Abs(r-1) > 1e-12 {
		t.Errorf("monotone: ρ = %v", r)
	}
	if r := Spearman(x, []float64{5, 4, 3, 2, 1}); math.Abs(r+1) > 1e-12 {
		t.Errorf("reversed: ρ = %v", r)
	}
	// Ranks of y with a tie: 1, 2.5, 2.5, 4 against 1..4 → ρ = 4.5/sqrt(5·4.5) = 0.9487.
	if r := Spearman([]float64{1, 2, 3, 4}, []float64{0, 7, 7, 9}); math.Abs(r-4.5/math.Sqrt(5*4.5)) > 1e-12 {
		t.Errorf("tie: ρ = %v", r)
	}
	if r := Spearman([]float64{1, 2}, []float64{1, 2}); !math.IsNaN(r) {
		t.Errorf("two points: ρ = %v, want NaN", r)
	}
}
