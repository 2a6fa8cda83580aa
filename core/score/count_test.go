package score

import (
	"testing"

	"github.com/compdiff/compdiff/core/dist"
)

func TestCountedCountsPointsTimesSources(t *testing.T) {
	g1, _ := dist.NewGaussian([]float64{0, 0}, []float64{1, 1})
	g2, _ := dist.NewGaussian([]float64{1, 0}, []float64{2, 1})
	c := Count(Analytic{Dists: []dist.Dist{g1, g2}})
	x := make([]float64, 5*2)
	out := [][]float64{make([]float64, 10), make([]float64, 10)}
	c.Scores(0.5, x, out)
	c.Scores(0.7, x[:6], out)
	if got := c.Evals(); got != 5*2+3*2 {
		t.Fatalf("counted %d evaluations, want %d", got, 16)
	}
	if got := c.PerSample(4); got != 4 {
		t.Fatalf("per sample %v, want 4", got)
	}
}
