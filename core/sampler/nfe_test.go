package sampler

import (
	"math"
	"testing"

	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/score"
)

// Network evaluations per output sample: the naive samplers evaluate every source once per
// step; FKC evaluates every particle once more at the end of the grid (the scores for the
// next drift are cached), so K particles cost (steps+1)·K·S.
func TestNetworkEvaluationsPerSample(t *testing.T) {
	gs := gaussSetting(t, 10)
	const n, steps = 7, 20
	for _, c := range []struct {
		name string
		run  func(f score.Field)
		want float64
	}{
		{"sde", func(f score.Field) { NaiveSDE(f, baseW, n, steps, rng.New(1, "nfe")) }, steps * 3},
		{"ode", func(f score.Field) { NaiveODE(f, baseW, n, steps, rng.New(1, "nfe")) }, steps * 3},
		{"fkc K=4", func(f score.Field) {
			if _, _, err := FKC(f, baseW, n, FKCConfig{K: 4, Steps: steps, GClip: math.Inf(1)}, rng.New(1, "nfe")); err != nil {
				t.Fatal(err)
			}
		}, (steps + 1) * 4 * 3},
	} {
		f := score.Count(analytic(gs))
		c.run(f)
		if got := f.PerSample(n); got != c.want {
			t.Errorf("%s: %v evaluations per sample, want %v", c.name, got, c.want)
		}
	}
}
