package synthetic

import (
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// Claim 4 (gauss-nfc-ood): every learned model fits poorly and FKC makes it worse; only the
// analytic scores improve with K.
var claim4 = rule{claim: 4,
	text: "(a) fit poorly: for every learned N, Kmax worse than analytic at Kmax (paired by run: both use the run's ground truth); " +
		"(b) hurts every learned N (Kmax worse than K=1); (c) analytic improves (K=1 worse than Kmax).",
	judge: func(j *judge, s *reports.SettingResults) {
		km := j.kmax(s)
		if km == 0 {
			j.Part("a", missingK(s.ID, "fit poorly"))
			return
		}
		var a, b []*reports.Comparison
		for _, col := range learnedCols(j.learnedNs(s)) {
			a = append(a, j.worse(s.ID, col, km, cell.Exact(), km))
			b = append(b, j.worse(s.ID, col, km, col, 1))
		}
		j.Part("a", a...)
		j.Part("b", b...)
		j.Part("c", j.worse(s.ID, cell.Exact(), 1, cell.Exact(), km))
	},
}
