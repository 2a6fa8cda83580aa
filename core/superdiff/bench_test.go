package superdiff

import (
	"testing"

	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/sampler"
	"github.com/compdiff/compdiff/core/score"
)

// The superposition's own arithmetic (κ, the density estimates) against the naive SDE on
// the same exact field, at the default profile's sizes (600 samples, 80 steps).
func BenchmarkSuperposition(b *testing.B) {
	p1 := gauss(b, []float64{0, 0}, []float64{10, 1})
	p2 := gauss(b, []float64{0, 0}, []float64{1, 10})
	f := score.Analytic{Dists: []dist.Dist{p1, p2}}
	for _, c := range []struct {
		name string
		run  func()
	}{
		{"and", func() { Sample(f, 600, Config{Op: And, Steps: 80}, rng.New(1, "b")) }},
		{"or", func() { Sample(f, 600, Config{Op: Or, Steps: 80}, rng.New(1, "b")) }},
		{"naive-sde", func() { sampler.NaiveSDE(f, []float64{1, 1}, 600, 80, rng.New(1, "b")) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				c.run()
			}
		})
	}
}
