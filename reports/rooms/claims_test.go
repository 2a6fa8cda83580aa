package rooms

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/compdiff/compdiff/core/room"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// A synthetic room study: one setting per claim, exact scores and a conditional model at
// N = 1000, K ∈ {1, 4, 16}, `runs` runs. A cell's metric is level(claim, column, K, metric)
// + v_{column,r} + e: v is shared by every K of one learned model in one run (its pool and
// network; the exact scores have none), e is the cell's own sampling noise — binomial for a
// share p of 100 samples, sd √(p(1−p)/100) (at least 0.01), and 0.015 for their TV. The
// shares do not read the ground truth, so no term is shared by every cell of a run.
type synth struct {
	runs    int
	modelSD float64
	level   func(claim string, col cell.Column, k int, metric string) float64
	claims  []string
}

// roomTest is a room setting's room and sources' class weights.
type roomTest struct {
	spec room.Spec
	src  room.Sources
}

var synthKs = []int{1, 4, 16}

var synthMetrics = []string{room.MetricAll, room.MetricPartial, room.MetricInvalid, room.MetricTV}

// settingOf describes a room setting (what the spec family writes) for the claim.
func settingOf(t testing.TB, claim string, rt roomTest) cell.Setting {
	s := cell.Setting{ID: "s-" + claim, Title: "room " + claim, Family: family, Claim: claim, Truth: "rejection", Dim: 256}
	for a, cw := range rt.src.List() {
		p, err := json.Marshal(room.SourceParams{Room: rt.spec, ClassWeights: cw})
		if err != nil {
			t.Fatal(err)
		}
		s.Sources = append(s.Sources, cell.Source{Name: []string{"a1", "a2", "0"}[a], Weight: room.BaseWeights()[a], Spec: cell.SourceSpec{Family: family, Params: p}})
	}
	target, err := room.TargetClassWeights(rt.src.List(), room.BaseWeights())
	if err != nil {
		t.Fatal(err)
	}
	mp, _ := json.Marshal(room.MeasureParams{Room: rt.spec, Target: target})
	s.Measure = &cell.Measure{Family: family, Params: mp}
	return s
}

// claimRoom is the room each claim is about: a and c the painting, b and d the table; the
// OOD ones with the product-form weights. The painting settings are factorized, so they get
// claim e too.
func claimRoom(claim string) roomTest {
	switch claim {
	case "a":
		return roomTest{room.PaintingRoom(), room.ReleasedID(room.ReleasedAlpha)}
	case "b":
		return roomTest{room.TableRoom(), room.ReleasedID(room.ReleasedAlpha)}
	case "c":
		return roomTest{room.PaintingRoom(), room.ProductOOD(room.ProductGamma)}
	}
	return roomTest{room.TableRoom(), room.ProductOOD(room.ProductGamma)}
}

func (g synth) study(t testing.TB, r *rand.Rand) *reports.Report {
	prot := reports.Protocol{Profile: "synthetic", Runs: g.runs, Ks: synthKs, Ns: []int{1000}, Steps: 50, Samples: 100, TruthSamples: 1000, Models: []cell.Model{cell.Conditional}}
	st := &reports.Report{Profile: "synthetic", Protocol: prot}
	cols := []cell.Column{cell.Learned(cell.Conditional, 1000), cell.Exact()}
	for _, c := range g.claims {
		s := settingOf(t, c, claimRoom(c))
		st.Settings = append(st.Settings, reports.SettingResults{Setting: s, Ns: []int{1000}, Exact: true, Ks: synthKs, ModelKinds: []cell.Model{cell.Conditional}})
		for run := 0; run < g.runs; run++ {
			for _, col := range cols {
				v := 0.0
				if !col.IsExact() {
					v = g.modelSD * r.NormFloat64()
				}
				for _, k := range synthKs {
					for _, m := range synthMetrics {
						mu := g.level(c, col, k, m)
						e := math.Sqrt(max(mu*(1-mu), 0.01) / 100)
						if m == room.MetricTV {
							e = 0.015
						}
						x := mu + v + e*r.NormFloat64()
						st.Results = append(st.Results, reports.Result{Cell: cell.Cell{Setting: s.ID, Column: col, Method: cell.FKC, K: k, Run: run}, Metric: m, Value: x})
					}
				}
			}
		}
	}
	return st
}

func baseSynth(claims ...string) synth {
	return synth{runs: 5, modelSD: 0.03, claims: claims}
}

// nullLevel puts every comparison of every rule on its boundary: levels at their
// thresholds, no change from K = 1 to K = 16, the learned model's invalid share equal to
// the exact scores', TV at claim e's τ. No claim can then be decided without a false
// rejection.
func nullLevel(claim string, col cell.Column, k int, metric string) float64 {
	tau := map[string]map[string]float64{
		"a": {room.MetricAll: mostly, room.MetricPartial: occasional},
		"b": {room.MetricAll: 1 - often},
		"c": {room.MetricPartial: often},
		"d": {room.MetricAll: often, room.MetricInvalid: severe},
	}[claim]
	if v, ok := tau[metric]; ok && !col.IsExact() {
		return v
	}
	if col.IsExact() && metric == room.MetricTV {
		return tvFloor(claimTarget(claim), 100) + reachMargin
	}
	return 0.3
}

func claimTarget(claim string) []float64 {
	rt := claimRoom(claim)
	t, _ := room.TargetClassWeights(rt.src.List(), room.BaseWeights())
	return t
}

// judged runs the study's rules on the report (what reports.CheckClaims calls for this
// study, without the engine's pricing of open verdicts).
func judged(r *reports.Report) []reports.Verdict {
	var mine []*reports.SettingResults
	for i := range r.Settings {
		mine = append(mine, &r.Settings[i])
	}
	return verdicts(r, mine)
}

func verdictOf(vs []reports.Verdict, id string) (reports.Verdict, bool) {
	for _, v := range vs {
		if v.ID == id {
			return v, true
		}
	}
	return reports.Verdict{}, false
}

// TestNullRates: for every rule, 1000 synthetic studies with no effect end SUPPORTED or
// CONTRADICTED in at most 5% of them (Holm keeps the chance of any false rejection in a
// claim's family at α = 0.05; a decided verdict needs at least one), plus 3 standard errors
// of the estimated rate (sqrt(0.05·0.95/1000) ≈ 0.007).
func TestNullRates(t *testing.T) {
	const studies = 1000
	r := rand.New(rand.NewPCG(1, 2))
	g := baseSynth("a", "b", "c", "d")
	g.level = nullLevel
	decided := map[string]int{}
	for i := 0; i < studies; i++ {
		st := g.study(t, r)
		for _, v := range judged(st) {
			if v.Outcome != reports.Inconclusive {
				decided[v.ID]++
			}
		}
	}
	for _, id := range []string{"a/s-a", "b/s-b", "c/s-c", "d/s-d", "e/s-a", "e/s-c"} {
		rate := float64(decided[id]) / studies
		t.Logf("%s: decided in %.2f%% of %d studies without effect", id, 100*rate, studies)
		if rate > 0.05+3*0.007 {
			t.Errorf("%s decided %.1f%% of null studies; the bound is 5%%", id, 100*rate)
		}
	}
}

// TestPower: the claims as the paper states them, with effects of 0.2 in the shares
// (levels 0.08 or more beyond their thresholds) and the noise of 100 samples per cell, are
// SUPPORTED in at least 80% of 100 studies of 8 runs (what -decide may buy; equivalence to
// δ = 0.1 with 100 samples per cell needs them).
func TestPower(t *testing.T) {
	level := func(claim string, col cell.Column, k int, metric string) float64 {
		if col.IsExact() {
			return map[string]float64{room.MetricInvalid: 0.01, room.MetricTV: 0.02}[metric]
		}
		k16 := k == kPaper
		pick := func(a, b float64) float64 {
			if k16 {
				return b
			}
			return a
		}
		switch claim + "/" + metric {
		case "a/" + room.MetricAll:
			return pick(0.7, 0.9)
		case "a/" + room.MetricPartial:
			return 0.2
		case "b/" + room.MetricAll:
			return pick(0.5, 0.7)
		case "b/" + room.MetricInvalid:
			return pick(0.3, 0.1)
		case "c/" + room.MetricPartial:
			return 0.4
		case "c/" + room.MetricAll:
			return 0.3
		case "c/" + room.MetricInvalid:
			return pick(0.1, 0.3)
		case "d/" + room.MetricAll:
			return 0.02
		case "d/" + room.MetricInvalid:
			return 0.5
		}
		return 0.2
	}
	g := baseSynth("a", "b", "c", "d")
	g.level, g.runs = level, 8
	r := rand.New(rand.NewPCG(3, 4))
	const studies = 100
	sup := map[string]int{}
	for i := 0; i < studies; i++ {
		for _, v := range judged(g.study(t, r)) {
			if v.Outcome == reports.Supported {
				sup[v.ID]++
			}
		}
	}
	for _, id := range []string{"a/s-a", "b/s-b", "c/s-c", "d/s-d", "e/s-a", "e/s-c"} {
		t.Logf("%s: SUPPORTED in %d of %d studies with the stated effects", id, sup[id], studies)
		if sup[id] < studies*8/10 {
			t.Errorf("%s: power %d/%d, want ≥ 80%%", id, sup[id], studies)
		}
	}
}

// Verdicts are labelled against the paper's room experiment, always as reduced (image size
// and network differ in kind), and a missing K = 16 leaves a claim open with the reason.
func TestVerdictLabelsAndMissingK(t *testing.T) {
	g := baseSynth("b")
	g.level = nullLevel
	st := g.study(t, rand.New(rand.NewPCG(5, 6)))
	v, ok := verdictOf(reports.CheckClaims(st), "b/s-b")
	if !ok || !v.Reduced {
		t.Fatalf("verdict %+v", v)
	}
	found := map[string]bool{}
	for _, d := range v.Departures {
		found[d] = true
	}
	if !found["steps 50 (paper 100)"] || !found[roomDepartures[0]] || !found[roomDepartures[1]] {
		t.Errorf("departures %v", v.Departures)
	}
	var kept []reports.Result
	for _, x := range st.Results {
		if x.K != kPaper {
			kept = append(kept, x)
		}
	}
	st.Results, st.Agg = kept, nil
	v, _ = verdictOf(reports.CheckClaims(st), "b/s-b")
	if v.Outcome != reports.Inconclusive || !v.Missing {
		t.Errorf("without K = 16: %s, missing %v\n%s", v.Outcome, v.Missing, v.Evidence)
	}
	if uses := uses([]*cell.Setting{&st.Settings[0].Setting}); len(uses) != 1 || uses[0].ID != "b/s-b" {
		t.Errorf("uses %v; the table room is not factorized, so only its claim", uses)
	}
}
