package synthetic

import (
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// Claim 5 (gmm-id): FKC corrects the composition; only N=100 at large K is hurt.
var claim5 = rule{claim: 5,
	text: "(a) improves for N=10000 and analytic (K=1 worse than Kmax); (b) further K hurts N=100 (Kmax worse than the next smaller K); " +
		"(c) further K hurts none of the other learned Ns nor analytic (Kmax not worse than the next smaller K by δ).",
	judge: func(j *judge, s *reports.SettingResults) {
		km := j.kmax(s)
		if km == 0 {
			j.Part("a", missingK(s.ID, "FKC improves"))
			return
		}
		kp := j.kBelow(s, km)
		j.margin(s.ID)
		j.Part("a", j.worse(s.ID, learned(wellTrainedN), 1, learned(wellTrainedN), km), j.worse(s.ID, cell.Exact(), 1, cell.Exact(), km))
		j.Part("b", j.worse(s.ID, learned(underTrainedN), km, learned(underTrainedN), kp))
		var c []*reports.Comparison
		for _, n := range j.learnedNs(s) {
			if n != underTrainedN {
				c = append(c, j.notWorse(s.ID, learned(n), km, learned(n), kp))
			}
		}
		c = append(c, j.notWorse(s.ID, cell.Exact(), km, cell.Exact(), kp))
		j.Part("c", c...)
	},
}
