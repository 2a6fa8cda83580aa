package decide

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// budgetReserve is the part of a wall-time budget kept for rendering the final report: the
// looks stop at budget − reserve.
func budgetReserve(b time.Duration) time.Duration { return max(30*time.Second, b/50) }

// Run runs the group-sequential loop and renders the final report. After each look, every
// open verdict buys the cheapest option of its power analysis (reports.Needs, priced by the
// cost model): more runs of the settings it reads, or runs at more samples per cell — bought
// only where every verdict reading the setting is still open, since the setting's cells are
// then measured again (their looks restart on the α left, Sequential.LookAlphaOf). A
// wall-time budget holds: a look whose estimated cost exceeds what is left is not started,
// and a look still running when the budget ends is stopped, its finished nodes kept, the
// verdicts those of the last complete look; the report says which.
func Run(ctx context.Context, st Study, budget Budget) (*Result, error) {
	runs, batch, samples := map[string]int{}, map[string]int{}, map[string]int{}
	settingOf := map[string]*cell.Setting{}
	for _, s := range st.Settings {
		r := st.Runs
		if st.RunsOf != nil {
			r = st.RunsOf(s)
		}
		runs[s.ID], batch[s.ID] = min(r, MaxRuns), max(1, r)
		settingOf[s.ID] = s
	}
	seq := &reports.Sequential{MaxRuns: MaxRuns, Looks: map[string][]int{}, Stops: map[string]string{},
		Restarts: map[string]int{}, Samples: samples}
	decided := map[string]bool{}
	res := &Result{Stops: seq.Stops}
	start := time.Now()
	var deadline time.Time
	if budget.Time > 0 {
		deadline = start.Add(budget.Time - budgetReserve(budget.Time))
	}
	uses := map[string][]string{} // verdict → the settings whose runs it reads, its own first
	readers := map[string][]string{}
	for _, u := range reports.VerdictUses(st.Settings) {
		uses[u.ID] = u.Settings
		for _, sid := range u.Settings {
			readers[sid] = append(readers[sid], u.ID)
		}
	}
	primary := func(id string) string { return uses[id][0] }
	speed := 1.0 // measured wall seconds per estimated core-second / cores, after a look
	var open []string
	complete := maps.Clone(runs) // the runs (and samples) of the last complete look
	completeSamples := map[string]int{}
	for look := 1; ; look++ {
		p := st.Plan(runs, samples, nil)
		est := 0.0
		if st.Pending != nil {
			est = st.Pending(p) / float64(max(1, st.Cores)) * speed
		}
		if budget.Time > 0 && look > 1 && time.Now().Add(time.Duration(est*float64(time.Second))).After(deadline) {
			seq.Budget = fmt.Sprintf("look %d was not started: estimated at %s of wall time with %s of the %s budget left (the final report keeps time for itself); the verdicts are those of look %d",
				look, durationOf(est), time.Until(deadline).Round(time.Second), budget.Time, look-1)
			markStops(seq, open, "budget", look-1, runs, primary)
			break
		}
		for id := range uses {
			if !decided[id] {
				seq.Looks[id] = append(seq.Looks[id], runs[primary(id)])
			}
		}
		lookCtx, cancel := ctx, context.CancelFunc(func() {})
		if !deadline.IsZero() {
			lookCtx, cancel = context.WithDeadline(ctx, deadline)
		}
		began := time.Now()
		ran, err := st.Compute(lookCtx, p, "metrics")
		cancel()
		res.Ran += ran
		if err != nil && errors.Is(lookCtx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			for id := range uses { // the look did not happen
				if !decided[id] {
					seq.Looks[id] = seq.Looks[id][:len(seq.Looks[id])-1]
				}
			}
			seq.Budget = fmt.Sprintf("look %d was stopped when the %s budget ran out (%d of its nodes finished and are kept in the cache for a later run); the verdicts are those of look %d",
				look, budget.Time, ran, look-1)
			markStops(seq, open, "budget", look-1, complete, primary)
			runs, samples = complete, completeSamples
			break
		}
		if err != nil {
			return res, err
		}
		if est > 0 {
			speed *= time.Since(began).Seconds() / est
		}
		complete, completeSamples = maps.Clone(runs), maps.Clone(samples)
		vs, err := st.Verdicts(p, seq)
		if err != nil {
			return res, err
		}
		res.Looks = look
		open = open[:0]
		next, nextSamples := maps.Clone(runs), maps.Clone(samples)
		for _, v := range vs {
			if _, ok := uses[v.ID]; !ok || decided[v.ID] {
				continue
			}
			switch {
			case v.Outcome != reports.Inconclusive:
				decided[v.ID] = true
				seq.Stops[v.ID] = fmt.Sprintf("decided (%s) at look %d with %d runs, α = %.3g", v.Outcome, look, v.Runs, v.Alpha)
			case v.Missing && len(v.Needs) == 0:
				decided[v.ID] = true
				seq.Stops[v.ID] = fmt.Sprintf("the profile lacks cells the rule needs, and no open comparison points the other way; more runs cannot decide it (look %d)", look)
			case len(v.Needs) == 0:
				decided[v.ID] = true
				seq.Stops[v.ID] = fmt.Sprintf("open at look %d with %d runs; %s", look, runs[primary(v.ID)], v.Next)
			default:
				open = append(open, v.ID)
				buy(v, uses[v.ID], runs, batch, next, nextSamples, samples, readers, decided, settingOf, st, seq, look)
			}
		}
		st.Logf("decide: look %d: %d verdicts open (%s)", look, len(open), strings.Join(open, ", "))
		if len(open) == 0 {
			seq.Ended = fmt.Sprintf("after %d looks every verdict was decided or had no option its power analysis could buy (each verdict's stop says which)", look)
			break
		}
		if budget.Nodes > 0 {
			if n := len(st.Plan(next, nextSamples, nil).Nodes); n > budget.Nodes {
				seq.Budget = fmt.Sprintf("the next look needs %d nodes, the budget is %d; the verdicts are those of look %d", n, budget.Nodes, look)
				markStops(seq, open, "budget", look, runs, primary)
				break
			}
		}
		runs, samples = next, nextSamples
		seq.Samples = samples
	}
	seq.Samples = samples
	final := st.Plan(runs, samples, seq)
	ran, err := st.Compute(ctx, final, "report")
	res.Ran += ran
	res.Runs, res.Samples, res.Report, res.Plan = runs, samples, final.Report, final
	return res, err
}

// buy applies an open verdict's cheapest option to the next look: its runs on every setting
// it reads, or its samples per cell where every verdict reading the setting is still open
// and the setting's samples were not raised before (its cells are then measured again from
// the first run, and every verdict reading it restarts its looks); otherwise the option's
// runs at the current samples (or one batch more).
func buy(v reports.Verdict, settings []string, runs, batch, next, nextSamples, samples map[string]int,
	readers map[string][]string, decided map[string]bool, settingOf map[string]*cell.Setting, st Study, seq *reports.Sequential, look int) {
	need := v.Needs[0]
	if need.Factor > 1 {
		ok := true
		for _, sid := range settings {
			for _, r := range readers[sid] {
				ok = ok && !decided[r]
			}
			ok = ok && samples[sid] == 0
		}
		if ok {
			for _, sid := range settings {
				base := st.Runs
				if st.Samples != nil {
					base = st.Samples(settingOf[sid])
				}
				nextSamples[sid] = base * need.Factor
				next[sid] = min(need.Runs, MaxRuns)
				for _, r := range readers[sid] {
					seq.Restarts[r] = look // index of the next look in Looks
				}
			}
			return
		}
		// Fall back to the cheapest runs-only option.
		need.Runs = 0
		for _, n := range v.Needs {
			if n.Factor == 1 {
				need = n
				break
			}
		}
	}
	for _, sid := range settings {
		want := runs[sid] + batch[sid]
		if need.Factor == 1 && need.Runs > runs[sid] {
			want = need.Runs
		}
		if samples[sid] > 0 && nextSamples[sid] == samples[sid] { // raised before: only runs
			want = max(want, runs[sid]+1)
		}
		next[sid] = max(next[sid], min(want, MaxRuns))
	}
}

func markStops(seq *reports.Sequential, open []string, why string, look int, runs map[string]int, primary func(string) string) {
	for _, id := range open {
		seq.Stops[id] = fmt.Sprintf("%s: undecided after look %d, %d runs (%s)", why, look, runs[primary(id)], seq.Budget)
	}
}

func durationOf(sec float64) string {
	return time.Duration(sec * float64(time.Second)).Round(time.Second).String()
}
