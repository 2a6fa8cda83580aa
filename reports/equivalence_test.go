package reports

import (
	"math/rand/v2"
	"testing"
)

// At a true difference exactly on the margin, TOST claims equivalence in at most α of the
// studies; well inside the margin it finds it.
func TestTOSTP(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 9))
	const studies, n, margin, sd = 4000, 5, 1.0, 0.5
	at, inside := 0, 0
	d := make([]float64, n)
	for range studies {
		for i := range d {
			d[i] = margin + sd*r.NormFloat64()
		}
		if TOSTP(d, margin) <= 0.05 {
			at++
		}
		for i := range d {
			d[i] = sd * r.NormFloat64() / 4
		}
		if TOSTP(d, margin) <= 0.05 {
			inside++
		}
	}
	if rate := float64(at) / studies; rate > 0.05+3*0.0035 {
		t.Errorf("on the margin: equivalence in %.3f of studies", rate)
	}
	if rate := float64(inside) / studies; rate < 0.95 {
		t.Errorf("well inside: equivalence in only %.3f of studies", rate)
	}
	// Sorted: 0.01 ≤ 0.05/3 is rejected; 0.03 > 0.05/2 stops the procedure, so 0.04 is kept
	// although it is below 0.05.
	if got := Holm([]float64{0.01, 0.04, 0.03}, 0.05); !got[0] || got[1] || got[2] {
		t.Errorf("Holm: %v, want only the first rejected", got)
	}
}
