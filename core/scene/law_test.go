package scene

import (
	"math"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/core/rng"
)

func TestSpecValidate(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("default spec: %v", err)
	}
	bad := Spec{Slots: 9, Cell: 2, Objects: [][]float64{{1, 1}, {1}, {math.NaN(), 0}, {0, 0}, {2, 2}}, Empty: 0, Noise: -1}
	err := bad.Validate()
	if err == nil {
		t.Fatal("invalid spec accepted")
	}
	for _, want := range []string{"slots = 9", "5 object templates", "noise = -1", "object 2 has 1 pixels", "object 3 pixel 0"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	close := Default()
	close.Noise = 0.5 // 2√2 / 0.5 = 5.7 σ0 < 8 σ0
	if err := close.Validate(); err == nil || !strings.Contains(err.Error(), "σ0 apart") {
		t.Errorf("templates 5.7 σ0 apart accepted: %v", err)
	}
	big := Spec{Slots: 7, Cell: 1, Objects: [][]float64{{4}, {8}, {12}}, Noise: 0.1}
	if err := big.Validate(); err == nil || !strings.Contains(err.Error(), "16384 configurations") {
		t.Errorf("4^7 configurations accepted: %v", err)
	}
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// The laws' closed forms: Data(m) has a uniform count on 1…m; Cluttered(q) occupancy q;
// At on a product law replaces one slot; At on the empty scene is "one object there".
func TestLawClosedForms(t *testing.T) {
	sp := Default()
	S := sp.Slots
	for m := 1; m <= S; m++ {
		l := must(Data(sp, m))
		counts := l.Counts()
		for n, p := range counts {
			want := 0.0
			if n >= 1 && n <= m {
				want = 1 / float64(m)
			}
			if math.Abs(p-want) > 1e-12 {
				t.Errorf("Data(%d): P(count %d) = %v, want %v", m, n, p, want)
			}
		}
		for s, o := range l.Occupancy() { // E[count]/S by symmetry
			want := float64(m+1) / 2 / float64(S)
			if math.Abs(o-want) > 1e-12 {
				t.Errorf("Data(%d): occupancy of slot %d = %v, want %v", m, s, o, want)
			}
		}
	}
	cl := must(Cluttered(sp, 0.3))
	if math.Abs(sum(cl.P)-1) > 1e-12 {
		t.Errorf("Cluttered: total %v", sum(cl.P))
	}
	for s, o := range cl.Occupancy() {
		if math.Abs(o-0.3) > 1e-12 {
			t.Errorf("Cluttered(0.3): slot %d occupancy %v", s, o)
		}
	}
	at := must(At(2, cl))
	for s, o := range at.Occupancy() {
		want := 0.3
		if s == 2 {
			want = 1
		}
		if math.Abs(o-want) > 1e-12 {
			t.Errorf("At(2, Cluttered): slot %d occupancy %v, want %v", s, o, want)
		}
	}
	e := must(At(1, Empty(sp)))
	d1 := must(At(1, must(Data(sp, 1))))
	if maxAbsDiff(e.P, d1.P) > 1e-12 {
		t.Error("At(1, Empty) differs from At(1, Data(1)); both are one uniform object at slot 1")
	}
	o := must(AtObject(3, 2, Empty(sp)))
	if got := o.P[o.Index([]int{0, 0, 0, 2, 0})]; got != 1 {
		t.Errorf("AtObject(3, 2, Empty): P(object 2 at slot 3 only) = %v, want 1", got)
	}
	if _, err := At(S, cl); err == nil {
		t.Error("At outside the strip accepted")
	}
	cp := must(Coupled(sp, 0.5))
	cpi := must(At(0, cp))
	for s, o := range cpi.Occupancy() {
		want := 0.5
		if s == 0 {
			want = 1
		}
		if math.Abs(o-want) > 1e-12 {
			t.Errorf("At(0, Coupled(0.5)): slot %d occupancy %v, want %v", s, o, want)
		}
	}
}

func TestLawSpec(t *testing.T) {
	sp := Default()
	cs := CompositionSpec{
		Background:   LawSpec{Kind: KindCluttered, Q: 0.5},
		Conditionals: []LawSpec{{Kind: KindCluttered, Q: 0.5, At: []Want{{Slot: 0}}}, {Kind: KindCluttered, Q: 0.5, At: []Want{{Slot: 3, Object: 2}}}},
	}
	cm, err := cs.Composition(sp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cm.Projective(); err != nil {
		t.Errorf("cluttered composition from a spec is not factorized: %v", err)
	}
	if _, err := (LawSpec{Kind: "crowd"}).Law(sp); err == nil || !strings.Contains(err.Error(), `"crowd"`) {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := (LawSpec{Kind: KindData, M: 9}).Law(sp); err == nil {
		t.Error("data with m > S accepted")
	}
}

// SharedMixtures keep one component list and give the same densities as Mixture.
func TestSharedMixtures(t *testing.T) {
	sp := Default()
	a := must(At(0, Empty(sp)))
	b := must(Data(sp, 2))
	sh := must(SharedMixtures(sp, a, b))
	if len(sh[0].Means) != len(sh[1].Means) || len(sh[0].Means) != len(b.Support()) {
		t.Fatalf("shared mixtures have %d and %d components, want %d", len(sh[0].Means), len(sh[1].Means), len(b.Support()))
	}
	x := sp.Render([]int{a.Support()[0]}, rng.New(10, "shared"))
	for i, l := range []Law{a, b} {
		if got, want := sh[i].LogProb(x), must(Mixture(sp, l)).LogProb(x); math.Abs(got-want) > 1e-12 {
			t.Errorf("law %d: shared log-density %v, own %v", i, got, want)
		}
	}
}

// The summary's "exact" rule: requested objects in the requested slots, and for
// ElsewhereEmpty nothing else; invalid scenes never count.
func TestSummarize(t *testing.T) {
	rs := Readings{Slots: 3,
		Content: []int{1, 0, 2 /**/, 1, 1, 2 /**/, 2, 0, 2 /**/, 1, 0, 2},
		Valid:   []bool{true, true, true, false},
		Count:   []int{2, 3, 2, 2},
	}
	wants := []Want{{Slot: 0, Object: 1}, {Slot: 2}}
	empty := rs.Summarize(wants, ElsewhereEmpty)
	free := rs.Summarize(wants, ElsewhereFree)
	if empty.Exact != 0.25 || free.Exact != 0.5 || empty.Invalid != 0.25 {
		t.Errorf("exact %v (empty elsewhere), %v (free), invalid %v; want 0.25, 0.5, 0.25", empty.Exact, free.Exact, empty.Invalid)
	}
	if want := []float64{0, 0, 2.0 / 3, 1.0 / 3}; maxAbsDiff(empty.Counts, want) > 1e-15 {
		t.Errorf("counts %v, want %v", empty.Counts, want)
	}
	sp := Default()
	if ElsewhereFor(Empty(sp)) != ElsewhereEmpty || ElsewhereFor(must(Data(sp, 1))) != ElsewhereEmpty || ElsewhereFor(must(Cluttered(sp, 0.5))) != ElsewhereFree {
		t.Error("ElsewhereFor: want empty for the empty and data backgrounds, free for a cluttered one")
	}
}
