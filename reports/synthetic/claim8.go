package synthetic

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/compdiff/compdiff/reports"
)

const claim8Rule = "From the theorem checks: SUPPORTED if every check passes and Theorems 1, 2 and 3 each have at least one check; " +
	"CONTRADICTED if any check fails; INCONCLUSIVE if a theorem has no check. Each check's tolerance is derived from its own error source (quadrature, sampling, float rounding)."

var trailingNum = regexp.MustCompile(`(\d+)\D*$`)

// claim8 judges the theorem checks of this study's settings only (other studies' checks are
// their own claims').
func claim8(r *reports.Report, settings []*reports.SettingResults) reports.Verdict {
	mine := map[string]bool{}
	for _, s := range settings {
		mine[s.ID] = true
	}
	v := reports.Verdict{ID: "8", Study: studyName, Claim: "8", Text: ClaimTexts[7], Rule: claim8Rule, Metric: "theorem checks"}
	seen := map[string]bool{}
	fail := false
	var ev []string
	for _, t := range r.Theorems {
		if !mine[t.Setting] {
			continue
		}
		if m := trailingNum.FindStringSubmatch(t.Theorem); m != nil {
			seen[m[1]] = true
		}
		status := "pass"
		if !t.Pass {
			status, fail = "FAIL", true
		}
		ev = append(ev, fmt.Sprintf("%s %s %s: expected %.4g, measured %.4g, tolerance %.2g → %s", t.Theorem, t.Setting, t.Quantity, t.Expected, t.Measured, t.Tolerance, status))
	}
	v.Outcome = reports.Supported
	if fail {
		v.Outcome = reports.Contradicted
	} else {
		for _, th := range []string{"1", "2", "3"} {
			if !seen[th] {
				ev = append(ev, "no check for Theorem "+th)
				v.Outcome = reports.Inconclusive
				v.Next = "a Gaussian setting (Theorems 1–2) and a factorized one (Theorem 3)"
			}
		}
	}
	v.Evidence = strings.Join(ev, "\n")
	reports.NewJudge(r, v.ID).Label(&v)
	// The theorem checks do not depend on the network or on runs; only the step count and
	// sample sizes set their tolerances, so label by those alone.
	if r.Paper != nil {
		var keep []string
		for _, d := range v.Departures {
			if strings.HasPrefix(d, "steps") || strings.HasPrefix(d, "ground-truth") {
				keep = append(keep, d)
			}
		}
		v.Departures, v.Reduced = keep, len(keep) > 0
	}
	return v
}
