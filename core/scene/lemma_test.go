package scene

import (
	"errors"
	"math"
	"testing"

	"github.com/compdiff/compdiff/core/rng"
)

// Lemma 8.1: factorized settings have orthogonal mean differences; the Bayes background's
// cosines are −1/(S−1) in closed form (μ_i − μ_b is (1 − 1/S)a on slot i and −a/S on every
// other slot, a = ō − e), so it fails the necessary condition.
func TestMeanDifferenceCosines(t *testing.T) {
	sp := Default()
	S := float64(sp.Slots)
	for _, c := range []struct {
		name string
		cm   Composition
		off  float64
	}{
		{"empty", must(Slots(sp, Empty(sp), 0, 1, 3)), 0},
		{"cluttered", must(Slots(sp, must(Cluttered(sp, 0.3)), 0, 1, 3)), 0},
		{"bayes", must(Slots(sp, must(Data(sp, 1)), 0, 1, 3)), -1 / (S - 1)},
		{"coupled", counterexample(t, sp), 0},
	} {
		cos := must(c.cm.Cosines())
		for i := range cos {
			for j := range cos[i] {
				want := c.off
				if i == j {
					want = 1
				}
				if math.Abs(cos[i][j]-want) > 1e-12 {
					t.Errorf("%s: cos[%d][%d] = %v, want %v", c.name, i, j, cos[i][j], want)
				}
			}
		}
	}
}

func counterexample(t *testing.T, sp Spec) Composition {
	t.Helper()
	cs := CompositionSpec{
		Background: LawSpec{Kind: KindCluttered, Q: 0.5},
		Conditionals: []LawSpec{
			{Kind: KindCoupled, Q: 0.5, At: []Want{{Slot: 0}}},
			{Kind: KindCoupled, Q: 0.5, At: []Want{{Slot: 1}}},
		},
	}
	return must(cs.Composition(sp))
}

// The counterexample: orthogonal mean differences, conditionals not factorized, and the
// composition fills every slot (closed form of the σ0 → 0 law: the full strips, objects
// uniform), where the projective reference leaves slots 2…4 occupied with probability ½.
// The exact sampler's read configurations follow the limit law (χ²) and its full-strip
// share is far from the reference's 1/8.
func TestCounterexampleFails(t *testing.T) {
	sp := Default()
	cm := counterexample(t, sp)
	var nf *NotFactorizedError
	if _, err := cm.Projective(); !errors.As(err, &nf) {
		t.Fatalf("coupled conditionals: Projective error %v, want *NotFactorizedError", err)
	}
	t.Log(nf)
	lim := must(cm.Limit())
	ref := must(cm.Intended())
	for s, o := range lim.Occupancy() {
		if math.Abs(o-1) > 1e-12 {
			t.Errorf("limit law: slot %d occupancy %v, want 1", s, o)
		}
	}
	for s, o := range ref.Occupancy() {
		want := 0.5
		if s < 2 {
			want = 1
		}
		if math.Abs(o-want) > 1e-12 {
			t.Errorf("projective reference: slot %d occupancy %v, want %v", s, o, want)
		}
	}
	x, rep, err := cm.Exact(2000, ExactOptions{Oversample: 3}, rng.New(9, "counter"))
	if err != nil {
		t.Fatal(err)
	}
	rs := must(NewReader(sp, InvalidLevel)).Read(x)
	sm := rs.Summarize(nil, ElsewhereFree)
	t.Logf("counterexample: %s, ESS %.0f of %d; occupancy %.3f, counts %.3f, invalid %.4f", rep.Method, rep.ESS, rep.Proposals, sm.Occupancy, sm.Counts, sm.Invalid)
	chiSquare(t, "counterexample, exact sampler vs limit law", rs.ConfigCounts(sp.Kinds()), lim.P)
	// Under the reference the full strip has probability 1/8: 2000 samples put it at
	// 0.125 ± 0.007; the composition's share is ≥ 0.99.
	if full := sm.Counts[sp.Slots]; full < 0.9 {
		t.Errorf("counterexample: full-strip share %.3f; the composition should fill the strip", full)
	}
}
