package scene

import (
	"testing"

	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/sampler"
	"github.com/compdiff/compdiff/core/score"
)

// Theorem 5.3 with exact scores: the naive SDE and ODE with the summed scores sample the
// projective target of factorized conditionals; the read configurations of their valid
// samples follow the projective law (χ² on the (T+1)^S configurations).
func TestNaiveSamplersReachProjectiveTarget(t *testing.T) {
	sp := Default()
	rd := must(NewReader(sp, InvalidLevel))
	for _, c := range []struct {
		name string
		cm   Composition
	}{
		{"empty k=5", must(Slots(sp, Empty(sp), 0, 1, 2, 3, 4))},
	} {
		law := must(c.cm.Projective())
		f := score.Analytic{Dists: must(c.cm.Dists())}
		w := c.cm.Weights()
		for _, m := range []struct {
			name string
			run  func() []float64
		}{
			{"naive SDE", func() []float64 { return sampler.NaiveSDE(f, w, 1000, 500, rng.New(8, c.name+"sde")) }},
			{"naive ODE", func() []float64 { return sampler.NaiveODE(f, w, 1000, 500, rng.New(8, c.name+"ode")) }},
		} {
			rs := rd.Read(m.run())
			sm := rs.Summarize(nil, ElsewhereFree)
			t.Logf("%s, %s: invalid %.4f", c.name, m.name, sm.Invalid)
			chiSquare(t, c.name+", "+m.name, rs.ConfigCounts(sp.Kinds()), law.P)
		}
	}
}

// A cluttered background composes (Theorem 5.3): the naive SDE reaches the projective law
// (requested slots occupied, the others occupied with probability q, objects uniform).
func TestNaiveSDECluttered(t *testing.T) {
	sp := Default()
	rd := must(NewReader(sp, InvalidLevel))
	cm := must(Slots(sp, must(Cluttered(sp, 0.5)), 1, 3))
	law := must(cm.Projective())
	x := sampler.NaiveSDE(score.Analytic{Dists: must(cm.Dists())}, cm.Weights(), 1000, 500, rng.New(15, "cluttered"))
	rs := rd.Read(x)
	t.Logf("cluttered k=2, naive SDE: invalid %.4f, occupancy %.3f", rs.Summarize(nil, ElsewhereFree).Invalid, rs.Summarize(nil, ElsewhereFree).Occupancy)
	chiSquare(t, "cluttered k=2, naive SDE", rs.ConfigCounts(sp.Kinds()), law.P)
}
