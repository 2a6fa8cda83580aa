package projective

import (
	"fmt"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// thm53 judges Theorem 5.3 on every empty-background sweep.
func thm53(r *reports.Report, ss []*sceneSetting) (reports.Verdict, bool) {
	var empty []*sceneSetting
	for _, sc := range scenesIn(ss) {
		empty = append(empty, sweep(ss, sc, bgEmpty)...)
	}
	if len(empty) == 0 {
		return reports.Verdict{}, false
	}
	j := newJudge(r, claimThm53.ID, empty[0].SettingResults)
	var sde, ode []*reports.Comparison
	for _, s := range empty {
		sde = append(sde, j.reaches(s, cell.Exact(), cell.FKC))
		ode = append(ode, j.reaches(s, cell.Exact(), cell.ODE))
	}
	j.Part("sde", sde...)
	j.Part("ode", ode...)
	j.Statements("g", theoremChecks(r, idSet(empty), "Theorem 5.3")...)
	j.Threshold(fmt.Sprintf("absence margin on the exact-k share: %.2g", shareMargin))
	return j.verdict(claimThm53, "", "exact-k share"), true
}

// background judges "the background decides" per scene with an empty and a Bayes sweep.
func background(r *reports.Report, ss []*sceneSetting) (reports.Verdict, bool) {
	var empty, bayes, clutter []*sceneSetting
	for _, sc := range scenesIn(ss) {
		empty = append(empty, sweep(ss, sc, bgEmpty)...)
		bayes = append(bayes, sweep(ss, sc, bgBayes)...)
		clutter = append(clutter, sweep(ss, sc, bgClutter)...)
	}
	if len(bayes) == 0 || len(empty) == 0 {
		return reports.Verdict{}, false
	}
	j := newJudge(r, claimBackground.ID, bayes[0].SettingResults)
	col := cell.Exact()
	j.Part("a", wellBelowAll(j, empty, bayes, col)...)
	var fall []*reports.Comparison
	for _, sc := range scenesIn(bayes) {
		sw := sweep(bayes, sc, bgBayes)
		if len(sw) < 2 {
			continue
		}
		lo, hi := sw[0], sw[len(sw)-1]
		fall = append(fall, j.Effect(fmt.Sprintf("Bayes: exact-k share at k=%d above k=%d", lo.K, hi.K),
			key(lo.ID, col, cell.FKC, 1, "exact"), key(hi.ID, col, cell.FKC, 1, "exact"), diff, true))
		for i := 1; i < len(sw); i++ {
			fall = append(fall, j.Absence(fmt.Sprintf("Bayes: share at k=%d − share at k=%d < %.2g", sw[i].K, sw[i-1].K, shareMargin),
				key(sw[i].ID, col, cell.FKC, 1, "exact"), key(sw[i-1].ID, col, cell.FKC, 1, "exact"), diff, shareMargin))
		}
	}
	if len(fall) == 0 {
		fall = append(fall, reports.Missing("Bayes: falls with k", "needs two Bayes settings of one scene"))
	}
	j.Part("b", fall...)
	var comp []*reports.Comparison
	for _, s := range clutter {
		comp = append(comp, j.reaches(s, col, cell.FKC))
	}
	if len(comp) == 0 {
		comp = append(comp, reports.Missing("cluttered background composes", "no cluttered-background setting"))
	}
	j.Part("c", comp...)
	j.Threshold(fmt.Sprintf("well below: under %.2g × the empty background's share; absence margin %.2g", wellBelow, shareMargin))
	return j.verdict(claimBackground, "", "exact-k share"), true
}

// wellBelowAll compares, for every Bayes setting with k ≥ 2 (k > m for learned columns
// is the caller's choice) and its empty-background partner, Bayes's share with half the
// empty one's.
func wellBelowAll(j *judge, empty, bayes []*sceneSetting, col cell.Column) []*reports.Comparison {
	var out []*reports.Comparison
	for _, b := range bayes {
		if b.K < 2 {
			continue
		}
		for _, e := range empty {
			if e.scene == b.scene && sameSlots(e, b) {
				out = append(out, j.Effect(fmt.Sprintf("k=%d %s: empty share − %.2g⁻¹·Bayes share > 0", b.K, col, wellBelow),
					key(e.ID, col, cell.FKC, 1, "exact"), key(b.ID, col, cell.FKC, 1, "exact"),
					func(x, y float64) float64 { return x - y/wellBelow }, true))
			}
		}
	}
	if len(out) == 0 {
		out = append(out, reports.Missing("Bayes below empty", "no Bayes setting with k ≥ 2 and an empty-background partner"))
	}
	return out
}

// lemma81 judges Lemma 8.1 on the cosines and the counterexample.
func lemma81(r *reports.Report, ss []*sceneSetting) (reports.Verdict, bool) {
	var coupled []*sceneSetting
	for _, s := range ss {
		if s.Coupled && s.K >= 2 {
			coupled = append(coupled, s)
		}
	}
	if len(coupled) == 0 {
		return reports.Verdict{}, false
	}
	j := newJudge(r, claimLemma81.ID, coupled[0].SettingResults)
	all := idSet(ss)
	for _, s := range coupled {
		delete(all, s.ID)
	}
	a := theoremChecks(r, all, "Lemma 8.1 (")
	if len(a) == 0 {
		a = append(a, reports.Statement{Desc: "no cosine check for a setting besides the counterexample", Holds: false})
	}
	j.Statements("a", a...)
	j.Statements("b", theoremChecks(r, idSet(coupled), "Lemma 8.1")...)
	var c []*reports.Comparison
	for _, s := range coupled {
		tau := s.Q + failsBy
		for _, m := range []string{"other.truth", "other"} {
			what := "naive SDE"
			if m == "other.truth" {
				what = "exact target"
			}
			c = append(c, j.Level(fmt.Sprintf("%s: %s's unrequested slots occupied more than q + %.2g = %.3g", s.ID, what, failsBy, tau),
				key(s.ID, cell.Exact(), cell.FKC, 1, m), func(x float64) float64 { return x }, tau, true))
		}
	}
	j.Part("c", c...)
	j.Threshold(fmt.Sprintf("fails: unrequested slots occupied ≥ q + %.2g (q the background's occupancy)", failsBy))
	return j.verdict(claimLemma81, "", "cosines; occupancy of the unrequested slots"), true
}

// length judges length generalisation with the learned model.
func length(r *reports.Report, ss []*sceneSetting) (reports.Verdict, bool) {
	var empty, bayes []*sceneSetting
	for _, sc := range scenesIn(ss) {
		empty = append(empty, sweep(ss, sc, bgEmpty)...)
		bayes = append(bayes, sweep(ss, sc, bgBayes)...)
	}
	if len(empty) == 0 {
		return reports.Verdict{}, false
	}
	col := learnedColumn(empty[0].SettingResults)
	if col == nil {
		return reports.Verdict{}, false
	}
	j := newJudge(r, claimLength.ID, empty[0].SettingResults)
	m := trainedObjects(empty[0])
	var a []*reports.Comparison
	for _, s := range empty {
		if s.K > m {
			a = append(a, j.Level(fmt.Sprintf("%s: %s naive SDE exact-k share > %.2g", s.ID, col, holds),
				key(s.ID, *col, cell.FKC, 1, "exact"), func(x float64) float64 { return x }, holds, true))
		}
	}
	if len(a) == 0 {
		a = append(a, reports.Missing("empty background, k > m", fmt.Sprintf("no setting with k > m = %d", m)))
	}
	j.Part("a", a...)
	var longer []*sceneSetting
	for _, b := range bayes {
		if b.K > m {
			longer = append(longer, b)
		}
	}
	j.Part("b", wellBelowAll(j, empty, longer, *col)...)
	j.Threshold(fmt.Sprintf("m = %d (training scenes hold at most m objects); holds: share > %.2g; well below: under %.2g × the empty background's", m, holds, wellBelow))
	return j.verdict(claimLength, "", "exact-k share (learned)"), true
}
