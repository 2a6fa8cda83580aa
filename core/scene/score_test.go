package scene

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/sampler"
	"github.com/compdiff/compdiff/core/score"
)

// noised is the law of α·X + σ·ε for a scene mixture: the mixture with means α·x̄(c) and
// std √(α²σ0² + σ²), whose log-density the finite differences below differentiate.
func noised(g *dist.GMM, a, sg float64) *dist.GMM {
	means := make([][]float64, len(g.Means))
	for k, m := range g.Means {
		means[k] = make([]float64, len(m))
		for j, v := range m {
			means[k][j] = a * v
		}
	}
	return must(dist.NewGMM(means, g.Weights, math.Sqrt(a*a*g.Std*g.Std+sg*sg)))
}

// noisyPoint draws α·x + σ·ε for a scene x of the mixture, so points lie where the
// noised law has its mass.
func noisyPoint(g *dist.GMM, a, sg float64, r *rand.Rand) []float64 {
	x := g.Sample(r, 1)
	for j := range x {
		x[j] = a*x[j] + sg*r.NormFloat64()
	}
	return x
}

var testTimes = []float64{0.05, 0.3, 0.6, 0.9, 0.99, diffusion.SMax}

// The exact scene scores match central differences of the exact noised log-density.
// Central differences with step h err by h²·∂³log p/6; with h = 1e−5 and third
// derivatives below ~(|Δ|/v)³ ≈ 1e5 (v ≥ σ0²) that is ≤ 1e−6, so 1e−5·(1+|score|) holds.
func TestSceneScoresFiniteDifferences(t *testing.T) {
	sp := Default()
	r := rng.New(1, "scene-fd")
	laws := map[string]Law{
		"data(2)":          must(Data(sp, 2)),
		"cluttered(0.5)":   must(Cluttered(sp, 0.5)),
		"at(1, data(1))":   must(At(1, must(Data(sp, 1)))),
		"at(0, coupled)":   must(At(0, must(Coupled(sp, 0.5)))),
		"atobject(2,1,cl)": must(AtObject(2, 1, must(Cluttered(sp, 0.3)))),
	}
	const h = 1e-5
	d := sp.Dim()
	for name, l := range laws {
		g := must(Mixture(sp, l))
		for _, s := range testTimes {
			a, sg := diffusion.Alpha(s), diffusion.Sigma(s)
			ng := noised(g, a, sg)
			for rep := 0; rep < 3; rep++ {
				x := noisyPoint(g, a, sg, r)
				got := make([]float64, d)
				g.NoisedScore(a, sg, x, got)
				for j := 0; j < d; j++ {
					xp := append([]float64(nil), x...)
					xm := append([]float64(nil), x...)
					xp[j] += h
					xm[j] -= h
					fd := (ng.LogProb(xp) - ng.LogProb(xm)) / (2 * h)
					if math.Abs(fd-got[j]) > 1e-5*(1+math.Abs(got[j])) {
						t.Fatalf("%s, s = %v, coordinate %d: score %v, finite difference %v", name, s, j, got[j], fd)
					}
				}
			}
		}
	}
}

// Theorem 5.3 in the scene: for factorized conditionals the composed log-density
// Σ_a w_a log p_a equals log C of the projective law exactly (no normalising constant),
// at every noise level, hence so do the summed scores. Tolerance: rounding of sums of
// ~10 log-densities of size ~10³.
func TestTheorem53Exact(t *testing.T) {
	sp := Default()
	r := rng.New(2, "thm53")
	cl := must(Cluttered(sp, 0.4))
	cases := map[string]Composition{
		"empty k=3":     must(Slots(sp, Empty(sp), 0, 2, 4)),
		"empty k=5":     must(Slots(sp, Empty(sp), 0, 1, 2, 3, 4)),
		"cluttered k=2": must(Slots(sp, cl, 1, 3)),
	}
	d := sp.Dim()
	for name, cm := range cases {
		law, err := cm.Projective()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		target := must(Mixture(sp, law))
		src := must(cm.Sources())
		w := cm.Weights()
		for _, s := range testTimes {
			a, sg := diffusion.Alpha(s), diffusion.Sigma(s)
			nsrc := make([]*dist.GMM, len(src))
			for i, g := range src {
				nsrc[i] = noised(g, a, sg)
			}
			nt := noised(target, a, sg)
			for rep := 0; rep < 5; rep++ {
				x := noisyPoint(target, a, sg, r)
				lc, lt := LogDensity(nsrc, w, x), nt.LogProb(x)
				if math.Abs(lc-lt) > 1e-9*(1+math.Abs(lt)) {
					t.Fatalf("%s, s = %v: Σ w log p = %v, log C = %v", name, s, lc, lt)
				}
				want := make([]float64, d)
				target.NoisedScore(a, sg, x, want)
				got := make([]float64, d)
				one := make([]float64, d)
				for i, g := range src {
					g.NoisedScore(a, sg, x, one)
					for j := range got {
						got[j] += w[i] * one[j]
					}
				}
				for j := range got {
					if math.Abs(got[j]-want[j]) > 1e-8*(1+math.Abs(want[j])) {
						t.Fatalf("%s, s = %v, coordinate %d: summed score %v, projective score %v", name, s, j, got[j], want[j])
					}
				}
			}
		}
	}
}

// g ≡ 0 for factorized conditionals with exact scores (the composed density is the
// process's marginal at every time, so FKC has nothing to correct), g ≠ 0 for Bayes.
// Scale of g: ½β(|Σ w S|² + Σ|w||S|²); "zero" is 1e−9 of it (rounding), "non-zero" is a
// mean of |g|/scale above 1e−2 over the points.
func TestLogWeightIncrementFactorized(t *testing.T) {
	sp := Default()
	r := rng.New(3, "g")
	bayes := must(Data(sp, 1))
	for _, c := range []struct {
		name string
		cm   Composition
		zero bool
	}{
		{"empty k=3", must(Slots(sp, Empty(sp), 0, 2, 4)), true},
		{"cluttered k=2", must(Slots(sp, must(Cluttered(sp, 0.5)), 0, 1)), true},
		{"bayes k=3", must(Slots(sp, bayes, 0, 2, 4)), false},
	} {
		dists := must(c.cm.Dists())
		f := score.Analytic{Dists: dists}
		w := c.cm.Weights()
		d := sp.Dim()
		const n = 200
		rel := 0.0
		for _, s := range testTimes[:5] {
			x := make([]float64, n*d)
			for i := range x {
				x[i] = 1.5 * r.NormFloat64()
			}
			scores := make([][]float64, len(dists))
			for a := range scores {
				scores[a] = make([]float64, n*d)
			}
			f.Scores(s, x, scores)
			beta := diffusion.Beta(s)
			for i := 0; i < n; i++ {
				g := sampler.LogWeightIncrement(w, scores, i, d, beta)
				comp, each := 0.0, 0.0
				for j := i * d; j < (i+1)*d; j++ {
					cj := 0.0
					for a, wa := range w {
						cj += wa * scores[a][j]
						each += math.Abs(wa) * scores[a][j] * scores[a][j]
					}
					comp += cj * cj
				}
				scale := 0.5 * beta * (comp + each)
				if c.zero && math.Abs(g) > 1e-9*scale {
					t.Fatalf("%s, s = %v, point %d: g = %v (scale %v), want 0", c.name, s, i, g, scale)
				}
				rel += math.Abs(g) / scale
			}
		}
		rel /= float64(n * 5)
		t.Logf("%s: mean |g|/scale = %.3g", c.name, rel)
		if !c.zero && rel < 1e-2 {
			t.Errorf("%s: mean |g|/scale = %.3g; the Bayes composition should need FKC's correction", c.name, rel)
		}
	}
}

// SlotProduct is the same distribution as the mixture: log-densities and noised scores
// agree to rounding at every noise level; laws with coupled slots are refused.
func TestSlotProductIsTheMixture(t *testing.T) {
	sp := Default()
	r := rng.New(14, "product")
	cl := must(Cluttered(sp, 0.4))
	for name, l := range map[string]Law{"cluttered": cl, "at(2, cluttered)": must(At(2, cl)), "empty": Empty(sp), "atobject(0,2,empty)": must(AtObject(0, 2, Empty(sp)))} {
		p := must(NewSlotProduct(sp, l))
		g := must(Mixture(sp, l))
		d := sp.Dim()
		for _, s := range testTimes {
			a, sg := diffusion.Alpha(s), diffusion.Sigma(s)
			for rep := 0; rep < 5; rep++ {
				x := noisyPoint(g, a, sg, r)
				if s == diffusion.SMax {
					if lp, lg := p.LogProb(x), g.LogProb(x); math.Abs(lp-lg) > 1e-10*(1+math.Abs(lg)) {
						t.Fatalf("%s: log-density %v, mixture %v", name, lp, lg)
					}
				}
				sp1, sg1 := make([]float64, d), make([]float64, d)
				p.NoisedScore(a, sg, x, sp1)
				g.NoisedScore(a, sg, x, sg1)
				for j := range sp1 {
					if math.Abs(sp1[j]-sg1[j]) > 1e-9*(1+math.Abs(sg1[j])) {
						t.Fatalf("%s, s = %v: product score %v, mixture %v", name, s, sp1[j], sg1[j])
					}
				}
			}
		}
	}
	if _, err := NewSlotProduct(sp, must(Data(sp, 2))); err == nil {
		t.Error("the data law (coupled slots) was accepted as a slot product")
	}
}
