package scene

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/resample"
	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/truth"
)

// The reader on true scenes: ≥ 99% read correctly, ≤ 1% invalid. Expected: misread
// ≤ S·T·Φ̄(11.3/2) ≈ 8e−8 per scene (the default's separation) and invalid ≤ p = 0.5%;
// with n = 20000 the binomial sd of the invalid share is ≤ 5e−4, so 1% is 10 sd away.
func TestReaderOnTrueScenes(t *testing.T) {
	sp := Default()
	rd := must(NewReader(sp, InvalidLevel))
	r := rng.New(4, "reader")
	law := must(Cluttered(sp, 0.5))
	x, cfgs := sp.Sample(law, 20000, r)
	rs := rd.Read(x)
	correct := 0
	cfg := make([]int, sp.Slots)
	for i, c := range cfgs {
		law.Config(c, cfg)
		same := true
		for s, k := range rs.Scene(i) {
			same = same && k == cfg[s]
		}
		if same && rs.Valid[i] {
			correct++
		}
	}
	sm := rs.Summarize(nil, ElsewhereFree)
	t.Logf("reader: %.4f correct and valid, %.4f invalid (threshold %.4g = max(σ0²·χ²_4(1 − 0.001), (δ/2)²))", float64(correct)/20000, sm.Invalid, rd.Threshold())
	if float64(correct)/20000 < 0.99 || sm.Invalid > 0.01 {
		t.Errorf("reader on true scenes: %.4f correct, %.4f invalid; want ≥ 0.99 and ≤ 0.01", float64(correct)/20000, sm.Invalid)
	}
	chiSquare(t, "true cluttered scenes, read", rs.ConfigCounts(sp.Kinds()), law.P)
}

// Projective direct draws and the two importance samplers, forced onto factorized
// compositions whose target is known exactly, give the projective law's configurations.
func TestExactSamplersAgreeWithProjective(t *testing.T) {
	sp := Default()
	rd := must(NewReader(sp, InvalidLevel))
	r := rng.New(5, "exact")
	empty3 := must(Slots(sp, Empty(sp), 0, 2, 4))
	law := must(empty3.Projective())
	for s, o := range law.Occupancy() { // closed form: 1 at the requested slots, 0 elsewhere
		if want := float64(1 - s%2); o != want {
			t.Fatalf("projective occupancy of slot %d = %v, want %v", s, o, want)
		}
	}
	x, rep, err := empty3.Exact(3000, ExactOptions{}, r)
	if err != nil || rep.Method != MethodProjective {
		t.Fatalf("empty k=3: %v, %+v", err, rep)
	}
	chiSquare(t, "empty k=3, projective draws", rd.Read(x).ConfigCounts(sp.Kinds()), law.P)

	// The tuple sampler on the same composition (T^3 = 8 tuples).
	ts := must(newTupleSampler(empty3))
	x, rep = resampled(t, ts.proposals, sp.Dim(), 3000, 20, r)
	t.Logf("empty k=3, tuple sampler: ESS %.0f of %d", rep.ESS, rep.Proposals)
	chiSquare(t, "empty k=3, tuple sampler", rd.Read(x).ConfigCounts(sp.Kinds()), law.P)

	// The limit sampler on a cluttered composition: C is exactly the limit law's mixture,
	// so the weights are constant up to rounding.
	cl2 := must(Slots(sp, must(Cluttered(sp, 0.5)), 1, 3))
	claw := must(cl2.Projective())
	lim := must(cl2.Limit())
	if maxAbsDiff(lim.P, claw.P) > 1e-12 {
		t.Fatal("cluttered k=2: the σ0 → 0 law differs from the projective law")
	}
	x, rep = resampled(t, func(n int, _ *rand.Rand) ([]float64, []float64) {
		x, lw, err := cl2.limitProposals(lim, n, r)
		if err != nil {
			t.Fatal(err)
		}
		return x, lw
	}, sp.Dim(), 3000, 2, r)
	if rep.ESS < 0.999*float64(rep.Proposals) {
		t.Errorf("cluttered k=2, limit sampler: ESS %.1f of %d; the weights should be constant", rep.ESS, rep.Proposals)
	}
	chiSquare(t, "cluttered k=2, limit sampler", rd.Read(x).ConfigCounts(sp.Kinds()), claw.P)
}

// Bayes composition (pb = one-object data): the tuple sampler's ESS for k = 1…5 at S = 5,
// k = 1 against its closed form (C = p_1), and k = 2 against the product-proposal importance
// sampler of core/truth, whose ESS is still usable there.
func TestBayesExact(t *testing.T) {
	sp := Default()
	rd := must(NewReader(sp, InvalidLevel))
	pb := must(Data(sp, 1))
	r := rng.New(6, "bayes")
	const n = 1000
	slots := []int{0, 1, 2, 3, 4}
	for k := 1; k <= 5; k++ {
		cm := must(Slots(sp, pb, slots[:k]...))
		x, rep, err := cm.Exact(n, ExactOptions{}, r)
		if err != nil {
			t.Fatalf("bayes k=%d: %v", k, err)
		}
		sm := rd.Read(x).Summarize(wantsAt(slots[:k]), ElsewhereEmpty)
		t.Logf("bayes k=%d: %s, ESS %.0f of %d proposals (%.1f%%); exact share %.3f, invalid %.3f, counts %.3f", k, rep.Method, rep.ESS, rep.Proposals, 100*rep.ESS/float64(rep.Proposals), sm.Exact, sm.Invalid, sm.Counts)
		if k == 1 {
			chiSquare(t, "bayes k=1 (C = p_1)", rd.Read(x).ConfigCounts(sp.Kinds()), cm.Conditionals[0].P)
		}
	}
	// k = 2: two exact samplers, compared on the mean pixel sum of slots 0 and 2 (objects
	// and empty cells differ there). Standard errors from the ESS: sd/√ESS; 4 combined sd.
	cm := must(Slots(sp, pb, 0, 1))
	ts := must(newTupleSampler(cm))
	xa, repA := resampled(t, ts.proposals, sp.Dim(), 5000, 20, r)
	src := must(cm.Sources())
	xb, essB, err := truth.Importance(src[:2], []dist.Dist{src[2]}, []float64{-1}, 2000, 250, r)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bayes k=2: tuple ESS %.0f of %d; truth.Importance (product proposal) ESS %.0f of %d", repA.ESS, repA.Proposals, essB, 2000*250)
	for _, slot := range []int{0, 2} {
		ma, va := slotSum(xa, sp, slot)
		mb, vb := slotSum(xb, sp, slot)
		se := math.Sqrt(va/repA.ESS + vb/essB)
		t.Logf("slot %d pixel sum: tuple %.4f, product %.4f (se %.4f)", slot, ma, mb, se)
		if math.Abs(ma-mb) > 4*se {
			t.Errorf("slot %d: the two exact samplers disagree: %.4f vs %.4f (4 se = %.4f)", slot, ma, mb, 4*se)
		}
	}
}

// Data with up to m = 2 objects: k = 2 conditionals share the configurations "objects at
// both slots", so the σ0 → 0 law exists and is the proposal; k = 3 has no shared
// configuration and 18³ component tuples, beyond MaxTuples: a clear error.
func TestDataTwoObjects(t *testing.T) {
	sp := Default()
	pb := must(Data(sp, 2))
	cm := must(Slots(sp, pb, 0, 1))
	_, rep, err := cm.Exact(500, ExactOptions{Oversample: 4}, rng.New(16, "data2"))
	if err != nil || rep.Method != MethodLimit {
		t.Fatalf("data(2), k = 2: %v, %+v", err, rep)
	}
	t.Logf("data(2), k = 2: %s, ESS %.0f of %d", rep.Method, rep.ESS, rep.Proposals)
	if rep.ESS < 0.9*float64(rep.Proposals) {
		t.Errorf("data(2), k = 2: ESS %.0f of %d; the σ0 → 0 law should be nearly exact", rep.ESS, rep.Proposals)
	}
	_, _, err = must(Slots(sp, pb, 0, 1, 2)).Exact(100, ExactOptions{}, rng.New(16, "data2k3"))
	if err == nil || !strings.Contains(err.Error(), "1024") {
		t.Errorf("data(2), k = 3: error %v; want one naming the tuple limit", err)
	}
}

func TestExactESSError(t *testing.T) {
	sp := Default()
	cm := must(Slots(sp, must(Data(sp, 1)), 0, 1, 2))
	_, _, err := cm.Exact(100, ExactOptions{Oversample: 2, MinESS: 2}, rng.New(7, "ess"))
	var ee *ESSError
	if !errors.As(err, &ee) {
		t.Fatalf("asking for ESS = all proposals: error %v, want *ESSError", err)
	}
	t.Log(err)
}

// resampled runs a proposal function for n·over proposals and resamples n of them.
func resampled(t *testing.T, prop func(int, *rand.Rand) ([]float64, []float64), d, n, over int, r *rand.Rand) ([]float64, ExactReport) {
	t.Helper()
	x, lw := prop(n*over, r)
	return resampleRows(x, lw, d, n, r), ExactReport{ESS: resample.ESS(lw), Proposals: n * over}
}

func wantsAt(slots []int) []Want {
	w := make([]Want, len(slots))
	for i, s := range slots {
		w[i] = Want{Slot: s}
	}
	return w
}

// slotSum is the mean and variance of the pixel sum of one slot.
func slotSum(x []float64, sp Spec, slot int) (float64, float64) {
	d := sp.Dim()
	n := len(x) / d
	m, m2 := 0.0, 0.0
	for i := 0; i < n; i++ {
		s := 0.0
		for j := 0; j < sp.Cell; j++ {
			s += x[i*d+slot*sp.Cell+j]
		}
		m += s
		m2 += s * s
	}
	m /= float64(n)
	return m, m2/float64(n) - m*m
}
