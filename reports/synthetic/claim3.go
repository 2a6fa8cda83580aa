package synthetic

import (
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// Claim 3 (gauss-fc-ood): naive is reasonable; with learned scores FKC gets worse as K grows;
// analytic stays good.
var claim3 = rule{claim: 3,
	text: "(a) reasonable at K=1 for N=10000 (mean below the reasonable τ); " +
		"(b) hurts every learned N (Kmax worse than K=1); (c) analytic stays good: accurate at Kmax (mean below the accurate τ).",
	judge: func(j *judge, s *reports.SettingResults) {
		reasonable := j.tau(s.ID, reasonableMargin, "reasonable")
		accurate := j.tau(s.ID, accurateMargin, "accurate")
		j.Part("a", j.below(s.ID, learned(wellTrainedN), 1, reasonable, "reasonable"))
		km := j.kmax(s)
		if km == 0 {
			j.Part("b", missingK(s.ID, "learned models hurt"))
			j.Part("c", missingK(s.ID, "analytic stays good"))
			return
		}
		var b []*reports.Comparison
		for _, col := range learnedCols(j.learnedNs(s)) {
			b = append(b, j.worse(s.ID, col, km, col, 1))
		}
		j.Part("b", b...)
		j.Part("c", j.below(s.ID, cell.Exact(), km, accurate, "accurate"))
	},
}
