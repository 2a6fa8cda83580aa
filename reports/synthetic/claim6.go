package synthetic

import (
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// Claim 6 (gmm-ood, both variants): small K helps, larger K hurts learned models; analytic
// improves consistently.
var claim6 = rule{claim: 6,
	text: "Judged on every setting that names claim 6 (gmm-ood as in the paper's text and gmm-ood-alt as in the authors' released configuration, " +
		"which most likely produced the paper's tables). (a) small K helps every learned N (K=1 worse than K=4); " +
		"(b) larger K hurts every learned N (Kmax worse than K=4); " +
		"(c) analytic improves (K=1 worse than Kmax) and no step to the next larger K is worse by δ.",
	judge: func(j *judge, s *reports.SettingResults) {
		km := j.kmax(s)
		if km == 0 || km <= smallK {
			j.Part("a", missingK(s.ID, "small K helps"))
			return
		}
		j.margin(s.ID)
		var a, b []*reports.Comparison
		for _, col := range learnedCols(j.learnedNs(s)) {
			a = append(a, j.worse(s.ID, col, 1, col, smallK))
			b = append(b, j.worse(s.ID, col, km, col, smallK))
		}
		j.Part("a", a...)
		j.Part("b", b...)
		c := []*reports.Comparison{j.worse(s.ID, cell.Exact(), 1, cell.Exact(), km)}
		ks := tableKs(s, j.A)
		for i := 0; i+1 < len(ks); i++ {
			c = append(c, j.notWorse(s.ID, cell.Exact(), ks[i+1], cell.Exact(), ks[i]))
		}
		j.Part("c", c...)
	},
}
