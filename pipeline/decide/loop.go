package decide

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/compdiff/compdiff/reports"
)

// Run runs the group-sequential loop and renders the final report.
func Run(ctx context.Context, st Study, budget Budget) (*Result, error) {
	// Each setting starts from its family's runs and grows by that many per look.
	runs, batch := map[string]int{}, map[string]int{}
	for _, s := range st.Settings {
		r := st.Runs
		if st.RunsOf != nil {
			r = st.RunsOf(s)
		}
		runs[s.ID], batch[s.ID] = min(r, MaxRuns), max(1, r)
	}
	seq := &reports.Sequential{MaxRuns: MaxRuns, Looks: map[string][]int{}, Stops: map[string]string{}}
	decided := map[string]bool{}
	res := &Result{Stops: seq.Stops}
	start := time.Now()
	// The run-dependent verdicts, each with the settings whose runs it reads (its own first).
	uses := map[string][]string{}
	for _, u := range reports.VerdictUses(st.Settings) {
		uses[u.ID] = u.Settings
	}
	primary := func(id string) string { return uses[id][0] }
	var open []string
	for look := 1; ; look++ {
		// This look: every open verdict is looked at with its setting's current runs.
		p := st.Plan(runs, nil)
		for id := range uses {
			if !decided[id] {
				seq.Looks[id] = append(seq.Looks[id], runs[primary(id)])
			}
		}
		ran, err := st.Compute(ctx, p, "metrics")
		res.Ran += ran
		if err != nil {
			return res, err
		}
		vs, err := st.Verdicts(p, seq)
		if err != nil {
			return res, err
		}
		res.Looks = look
		open = open[:0]
		for _, v := range vs {
			if _, ok := uses[v.ID]; !ok || decided[v.ID] {
				continue
			}
			switch {
			case v.Outcome != reports.Inconclusive:
				decided[v.ID] = true
				seq.Stops[v.ID] = fmt.Sprintf("decided (%s) at look %d with %d runs, α = %.3g", v.Outcome, look, v.Runs, v.Alpha)
			case v.Missing:
				decided[v.ID] = true
				seq.Stops[v.ID] = fmt.Sprintf("the profile lacks cells the rule needs; more runs cannot decide it (look %d)", look)
			case runs[primary(v.ID)] >= MaxRuns:
				decided[v.ID] = true
				seq.Stops[v.ID] = fmt.Sprintf("still open after %d runs, the planned maximum (look %d)", runs[primary(v.ID)], look)
			default:
				open = append(open, v.ID)
			}
		}
		st.Logf("decide: look %d: %d verdicts open (%s)", look, len(open), strings.Join(open, ", "))
		if len(open) == 0 {
			break
		}
		next := map[string]int{}
		for id, r := range runs {
			next[id] = r
		}
		for _, id := range open {
			for _, sid := range uses[id] {
				next[sid] = min(runs[sid]+batch[sid], MaxRuns)
			}
		}
		stop := ""
		switch {
		case budget.Time > 0 && time.Since(start) >= budget.Time:
			stop = fmt.Sprintf("budget spent: %s of wall time", budget.Time)
		case budget.Nodes > 0:
			if n := len(st.Plan(next, nil).Nodes); n > budget.Nodes {
				stop = fmt.Sprintf("budget spent: the next batch needs %d nodes, the budget is %d", n, budget.Nodes)
			}
		}
		if stop != "" {
			for _, id := range open {
				seq.Stops[id] = fmt.Sprintf("%s (undecided after look %d, %d runs)", stop, look, runs[primary(id)])
			}
			break
		}
		runs = next
	}
	final := st.Plan(runs, seq)
	ran, err := st.Compute(ctx, final, "report")
	res.Ran += ran
	res.Runs, res.Report, res.Plan = runs, final.Report, final
	return res, err
}
