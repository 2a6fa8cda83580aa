package reports

import "github.com/compdiff/compdiff/data/cell"

// Claim 4 (gauss-nfc-ood): every learned model fits poorly and FKC makes it worse; only the
// analytic scores improve with K.
var claim4 = rule{claim: 4,
	text: "(a) fit poorly: for every learned N, Kmax worse than analytic at Kmax (paired by run: both use the run's ground truth); " +
		"(b) hurts every learned N (Kmax worse than K=1); (c) analytic improves (K=1 worse than Kmax).",
	judge: func(j *judge, s *SettingResults) {
		km := j.kmax(s)
		if km == 0 {
			j.part("a", missingK(s.ID, "fit poorly"))
			return
		}
		var a, b []*comparison
		for _, col := range learnedCols(j.learnedNs(s)) {
			a = append(a, j.worse(s.ID, col, km, cell.Exact(), km))
			b = append(b, j.worse(s.ID, col, km, col, 1))
		}
		j.part("a", a...)
		j.part("b", b...)
		j.part("c", j.worse(s.ID, cell.Exact(), 1, cell.Exact(), km))
	},
}
