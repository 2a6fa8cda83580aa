package reports

import (
	"math"
	"testing"
)

// TestSpending: the looks' shares of α add up to A(t) ≤ α.
func TestSpending(t *testing.T) {
	looks := []int{5, 10, 15, 30}
	total := 0.0
	for i := range looks {
		total += LookAlpha(looks[:i+1], 30)
	}
	if math.Abs(total-Alpha) > 1e-12 {
		t.Errorf("spent %.6g over the looks, want %.6g", total, Alpha)
	}
	if a := LookAlpha(nil, 0); a != Alpha {
		t.Errorf("single look α = %v", a)
	}
}
