package synthetic

import (
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// Claim 1 (gauss-fc-id): naive sampling is already accurate; FKC brings no gain and hurts N=100.
var claim1 = rule{claim: 1,
	text: "(a) accurate at K=1 for N=10000 and analytic (mean below the accurate τ); " +
		"(b) no gain at Kmax for every learned N and analytic (K=1 not worse than Kmax by δ); " +
		"(c) hurts N=100 (Kmax worse than K=1).",
	judge: func(j *judge, s *reports.SettingResults) {
		km := j.kmax(s)
		tau := j.tau(s.ID, accurateMargin, "accurate")
		j.margin(s.ID)
		j.Part("a", j.below(s.ID, learned(wellTrainedN), 1, tau, "accurate"), j.below(s.ID, cell.Exact(), 1, tau, "accurate"))
		if km == 0 {
			j.Part("b", missingK(s.ID, "no gain at large K"))
			j.Part("c", missingK(s.ID, "N=100 hurt at large K"))
			return
		}
		var b []*reports.Comparison
		for _, col := range append(learnedCols(j.learnedNs(s)), cell.Exact()) {
			b = append(b, j.notWorse(s.ID, col, 1, col, km))
		}
		j.Part("b", b...)
		j.Part("c", j.worse(s.ID, learned(underTrainedN), km, learned(underTrainedN), 1))
	},
}
