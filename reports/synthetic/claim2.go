package synthetic

import (
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// Claim 2 (gauss-nfc-id): naive is poor; FKC improves with K for N=10000 and analytic scores.
var claim2 = rule{claim: 2,
	text: "(a) poor at K=1 for N=10000 and analytic (mean above the accurate τ); " +
		"(b) improves for N=10000 and analytic (K=1 worse than Kmax).",
	judge: func(j *judge, s *reports.SettingResults) {
		tau := j.tau(s.ID, accurateMargin, "accurate")
		cols := []cell.Column{learned(wellTrainedN), cell.Exact()}
		var a, b []*reports.Comparison
		km := j.kmax(s)
		for _, col := range cols {
			a = append(a, j.above(s.ID, col, 1, tau, "poor"))
			if km > 0 {
				b = append(b, j.worse(s.ID, col, 1, col, km))
			} else {
				b = append(b, missingK(s.ID, col.String()+" improves"))
			}
		}
		j.Part("a", a...)
		j.Part("b", b...)
	},
}
