package projective

import (
	"fmt"
	"slices"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// section7 judges §7 once per set of concepts with shears (γ = 0 among them) and a rotation.
func section7(r *reports.Report, ms []*mapSetting) []reports.Verdict {
	var out []reports.Verdict
	for _, c := range conceptSets(ms) {
		sh, rot := shears(ms, c)
		if len(sh) == 0 {
			continue
		}
		j := newJudge(r, claimSection7.ID+"/"+c, sh[0].SettingResults)
		col := cell.Exact()
		w2 := func(m *mapSetting, meth cell.Method, k int, metric string) reports.CellKey {
			return key(m.ID, col, meth, k, metric)
		}
		id0 := sh[0]
		if id0.Gamma != 0 {
			id0 = nil
		}
		// (rot): closed form and sampled.
		var rotFacts []reports.Statement
		var rotCmp []*reports.Comparison
		for _, m := range rot {
			rotFacts = append(rotFacts, theoremChecks(r, map[string]bool{m.ID: true}, "§7 (")...)
			if id0 == nil {
				rotCmp = append(rotCmp, reports.Missing(m.ID+": not worse than the identity map", "no shear γ = 0 setting of these concepts"))
				continue
			}
			d := gapMargin * id0.Scale
			rotCmp = append(rotCmp, j.Absence(fmt.Sprintf("%s: naive SDE W2 − identity map's < %.3g", m.ID, d),
				w2(m, cell.FKC, 1, "w2"), w2(id0, cell.FKC, 1, "w2"), diff, d))
		}
		if len(rot) == 0 {
			rotCmp = append(rotCmp, reports.Missing("rotation", "no rotation setting of these concepts"))
		}
		j.Statements("rot, closed form", rotFacts...)
		j.Part("rot", rotCmp...)
		// (grow): the closed-form gaps rise with γ, and the sampled naive SDE's W2.
		var grow []reports.Statement
		var growCmp []*reports.Comparison
		for i := 1; i < len(sh); i++ {
			a, b := sh[i-1], sh[i]
			grow = append(grow,
				reports.Statement{Desc: fmt.Sprintf("closed-form naive SDE gap W2 %.4g at γ=%g > %.4g at γ=%g", b.Gaps.SDE.W2, b.Gamma, a.Gaps.SDE.W2, a.Gamma), Holds: b.Gaps.SDE.W2 > a.Gaps.SDE.W2},
				reports.Statement{Desc: fmt.Sprintf("closed-form naive ODE gap W2 %.4g at γ=%g > %.4g at γ=%g", b.Gaps.ODE.W2, b.Gamma, a.Gaps.ODE.W2, a.Gamma), Holds: b.Gaps.ODE.W2 > a.Gaps.ODE.W2})
			growCmp = append(growCmp, j.Effect(fmt.Sprintf("naive SDE W2 at γ=%g above γ=%g", b.Gamma, a.Gamma),
				w2(b, cell.FKC, 1, "w2"), w2(a, cell.FKC, 1, "w2"), diff, true))
		}
		if len(sh) < 2 {
			growCmp = append(growCmp, reports.Missing("growing gap", "needs two shears"))
		}
		j.Statements("grow, closed form", grow...)
		j.Part("grow", growCmp...)
		// (fkc): FKC at the largest K removes the gap at every γ > 0.
		var fkc []*reports.Comparison
		for _, m := range sh {
			if m.Gamma == 0 {
				continue
			}
			kmax := slices.Max(append([]int{1}, m.Ks...))
			if kmax < 2 {
				fkc = append(fkc, reports.Missing(m.ID+": FKC", "needs some K ≥ 2"))
				continue
			}
			d := gapMargin * m.Scale
			fkc = append(fkc,
				j.Absence(fmt.Sprintf("%s: FKC K=%d W2 − exact samples' W2 < %.3g", m.ID, kmax, d), w2(m, cell.FKC, kmax, "w2"), w2(m, cell.FKC, kmax, "w2.floor"), diff, d),
				j.Effect(fmt.Sprintf("%s: naive SDE W2 above FKC K=%d's", m.ID, kmax), w2(m, cell.FKC, 1, "w2"), w2(m, cell.FKC, kmax, "w2"), diff, true))
			proper := "proper"
			if m.Gaps.MinPrecision <= 0 {
				proper = "IMPROPER"
			}
			j.Threshold(fmt.Sprintf("γ=%g: scale %.3g, margin %.3g; FKC's intermediate targets %s (least eigenvalue of Λ(s) %.3g); closed-form naive SDE gap %.3g, ODE %.3g", m.Gamma, m.Scale, d, proper, m.Gaps.MinPrecision, m.Gaps.SDE.W2, m.Gaps.ODE.W2))
		}
		if len(fkc) == 0 {
			fkc = append(fkc, reports.Missing("FKC removes the gap", "no shear γ > 0"))
		}
		j.Part("fkc", fkc...)
		out = append(out, j.verdict(claimSection7, c, "W2 of the fitted Gaussian to A♯C[p]"))
	}
	return out
}
