package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goyek/goyek/v2"

	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/stages"
)

// -decide: start from the profile's runs and add runs in batches only to the settings whose
// claims are still open, until every claim is decided or the budget is spent.
//
// The repeated looks use a group-sequential design: look j of a claim tests its Holm family at
// α_j = A(t_j) − A(t_{j−1}), with the spending function A of reports.Spending (Lan–DeMets,
// Pocock type) over information fraction t = runs/MaxRuns. By the union bound the chance of
// any false rejection over all looks stays ≤ A(1) = α. A decided claim is frozen: its verdict
// stays on the runs of its deciding look even if its setting gets more runs for another claim.
// Added runs are new nodes beside the cached ones (run r uses seed + r), so every earlier node
// is reused and a second -decide with nothing changed replays its looks from the cache.

// Budget bounds a -decide run: wall time spent, or the number of nodes its plans hold.
type Budget struct {
	Time  time.Duration
	Nodes int
}

// ParseBudget reads "30m" / "1h30m" (wall time) or "400" / "400nodes" (node count).
func ParseBudget(s string) (Budget, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Budget{}, fmt.Errorf("-decide needs -budget: a wall time such as 30m, or a node count such as 2000nodes")
	}
	if n, err := strconv.Atoi(strings.TrimSuffix(s, "nodes")); err == nil && n > 0 {
		return Budget{Nodes: n}, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return Budget{Time: d}, nil
	}
	return Budget{}, fmt.Errorf("-budget %q: give a positive wall time (30m, 2h) or a node count (2000 or 2000nodes)", s)
}

// DecideMaxRuns is the run count the α spending is planned over: the paper's 30.
const DecideMaxRuns = 30

// DecideResult is what a -decide run did.
type DecideResult struct {
	Looks  int
	Runs   map[string]int    // final runs per setting
	Stops  map[string]string // verdict ID → why its runs stopped
	Ran    int               // nodes computed (not found in the cache)
	Report *Node
}

// Decide runs the group-sequential loop and renders the final report.
func (s *Session) Decide(ctx context.Context, budget Budget, logf func(string, ...any)) (*DecideResult, error) {
	if err := s.Setup(); err != nil {
		return nil, err
	}
	prof := s.Plan.Profile
	settings := s.Plan.Settings
	batch := max(1, prof.Runs)
	runs := map[string]int{}
	for _, st := range settings {
		runs[st.ID] = min(prof.Runs, DecideMaxRuns)
	}
	seq := &reports.Sequential{MaxRuns: DecideMaxRuns, Looks: map[string][]int{}, Stops: map[string]string{}}
	decided := map[string]bool{}
	res := &DecideResult{Stops: seq.Stops}
	start := time.Now()
	var open []string
	for look := 1; ; look++ {
		// This look: every open verdict is looked at with its setting's current runs.
		plan := NewPlanWith(prof, settings, s.command(), s.Spec.Profiles, PlanOptions{Runs: runs})
		ids := verdictIDs(settings)
		for _, id := range ids {
			if !decided[id] {
				seq.Looks[id] = append(seq.Looks[id], runs[primary(id)])
			}
		}
		ran, err := s.runThrough(ctx, plan, "metrics", logf)
		res.Ran += ran
		if err != nil {
			return res, err
		}
		vs, err := s.lookVerdicts(plan, seq)
		if err != nil {
			return res, err
		}
		res.Looks = look
		open = open[:0]
		for _, v := range vs {
			if v.ID == "8" || decided[v.ID] {
				continue
			}
			switch {
			case v.Outcome != reports.Inconclusive:
				decided[v.ID] = true
				seq.Stops[v.ID] = fmt.Sprintf("decided (%s) at look %d with %d runs, α = %.3g", v.Outcome, look, v.Runs, v.Alpha)
			case v.Missing:
				decided[v.ID] = true
				seq.Stops[v.ID] = fmt.Sprintf("the profile lacks cells the rule needs; more runs cannot decide it (look %d)", look)
			case runs[primary(v.ID)] >= DecideMaxRuns:
				decided[v.ID] = true
				seq.Stops[v.ID] = fmt.Sprintf("still open after %d runs, the planned maximum (look %d)", runs[primary(v.ID)], look)
			default:
				open = append(open, v.ID)
			}
		}
		logf("decide: look %d: %d verdicts open (%s)", look, len(open), strings.Join(open, ", "))
		if len(open) == 0 {
			break
		}
		next := map[string]int{}
		for id, r := range runs {
			next[id] = r
		}
		for _, id := range open {
			for _, sid := range uses(id, settings) {
				next[sid] = min(runs[sid]+batch, DecideMaxRuns)
			}
		}
		stop := ""
		switch {
		case budget.Time > 0 && time.Since(start) >= budget.Time:
			stop = fmt.Sprintf("budget spent: %s of wall time", budget.Time)
		case budget.Nodes > 0:
			if n := len(NewPlanWith(prof, settings, s.command(), s.Spec.Profiles, PlanOptions{Runs: next}).Nodes); n > budget.Nodes {
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
	final := NewPlanWith(prof, settings, s.command(), s.Spec.Profiles, PlanOptions{Runs: runs, Sequential: seq})
	ran, err := s.runThrough(ctx, final, "report", logf)
	res.Ran += ran
	res.Runs, res.Report = runs, final.Report
	s.Plan, s.Runner.Plan = final, final
	return res, err
}

// runThrough runs the plan's stages up to and including last; it returns the nodes computed.
func (s *Session) runThrough(ctx context.Context, plan *Plan, last string, logf func(string, ...any)) (int, error) {
	r := &Runner{Store: s.Store, Plan: plan, Jobs: s.Cfg.Jobs, OutDir: s.Cfg.Out, Logf: logf, Commit: s.Runner.Commit, Exec: s.Runner.Exec}
	for _, stage := range StageOrder {
		if err := r.RunStage(ctx, stage); err != nil {
			return len(r.Ran()), err
		}
		if stage == last {
			break
		}
	}
	return len(r.Ran()), nil
}

// lookVerdicts evaluates the claims of a plan from the store, as its report would.
func (s *Session) lookVerdicts(plan *Plan, seq *reports.Sequential) ([]reports.Verdict, error) {
	var p stages.ReportParams
	if err := json.Unmarshal(plan.Report.Params, &p); err != nil {
		return nil, err
	}
	p.Sequential = seq
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return stages.Verdicts(s.Store, plan.Report.InputKeys(), raw)
}

// verdictIDs lists the run-dependent verdicts the settings produce (reports.CheckClaims).
func verdictIDs(settings []*Setting) []string {
	var ids []string
	for _, st := range settings {
		if st.Claim != "" {
			ids = append(ids, st.Claim+"/"+st.ID)
		}
		if st.Claim == "6" {
			ids = append(ids, "7/"+st.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

// primary is the setting a verdict is about ("2/gauss-nfc-id" → "gauss-nfc-id").
func primary(id string) string {
	_, s, _ := strings.Cut(id, "/")
	return s
}

// uses lists the settings whose runs a verdict reads: its own, and for claim 7 also the
// settings of claims 1–5.
func uses(id string, settings []*Setting) []string {
	out := []string{primary(id)}
	if strings.HasPrefix(id, "7/") {
		for _, st := range settings {
			if st.Claim >= "1" && st.Claim <= "5" && len(st.Claim) == 1 {
				out = append(out, st.ID)
			}
		}
	}
	return out
}

// defineDecide registers the decide task (-decide -budget select it).
func defineDecide(flow *goyek.Flow, s *Session) {
	flow.Define(goyek.Task{Name: "decide", Usage: "add runs where claims are open until decided or -budget is spent", Action: func(a *goyek.A) {
		b, err := ParseBudget(s.Cfg.Budget)
		if err != nil {
			a.Fatal(err)
		}
		res, err := s.Decide(a.Context(), b, a.Logf)
		if err != nil {
			a.Fatal(err)
		}
		a.Logf("decide: %d looks, %d nodes ran; report in %s", res.Looks, res.Ran, s.Cfg.Out)
	}})
}
