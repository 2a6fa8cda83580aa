package pipeline

import (
	"context"
	"encoding/json"
	"runtime"

	"github.com/compdiff/compdiff/pipeline/decide"
	"github.com/compdiff/compdiff/pipeline/plan"
	"github.com/compdiff/compdiff/pipeline/run"
	"github.com/compdiff/compdiff/pipeline/spec"
	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/stages"
)

// Decide runs -decide (package decide) over the session's study: plans with other run
// counts, computed by the session's executor against its store. The session's plan becomes
// the final one.
func (s *Session) Decide(ctx context.Context, budget decide.Budget, logf func(string, ...any)) (*decide.Result, error) {
	if err := s.Setup(); err != nil {
		return nil, err
	}
	prof, settings := s.Plan.Profile, s.Plan.Settings
	// The same command replays the looks from the cache and renders this report again.
	command := s.command() + " -decide -budget " + s.Cfg.Budget
	res, err := decide.Run(ctx, decide.Study{
		Runs:     prof.Runs,
		RunsOf:   func(st *spec.Setting) int { return prof.For(st.Family).Runs },
		Settings: settings,
		Samples:  func(st *spec.Setting) int { return prof.For(st.Family).Samples },
		Plan: func(runs, samples map[string]int, seq *reports.Sequential) *plan.Plan {
			return plan.NewWith(prof, settings, command, s.Spec.Profiles, plan.Options{Runs: runs, Samples: samples, Sequential: seq, Calibration: calibrationNode(s.Store, prof, settings)})
		},
		Pending: func(p *plan.Plan) float64 {
			sec := 0.0
			for _, n := range p.Nodes {
				if n.Stage != "report" && !s.Store.Done(n.Key) {
					sec += plan.CoreSeconds(n)
				}
			}
			return sec
		},
		Cores: runtime.NumCPU(),
		Compute: func(ctx context.Context, p *plan.Plan, last string) (int, error) {
			return s.runThrough(ctx, p, last, logf)
		},
		Verdicts: s.lookVerdicts,
		Logf:     logf,
	}, budget)
	if res != nil && res.Plan != nil {
		s.Plan, s.Runner.Plan = res.Plan, res.Plan
	}
	return res, err
}

// runThrough runs the plan's stages up to and including last; it returns the nodes computed.
func (s *Session) runThrough(ctx context.Context, p *plan.Plan, last string, logf func(string, ...any)) (int, error) {
	r := &run.Runner{Store: s.Store, Plan: p, Jobs: s.Cfg.Jobs, OutDir: s.Cfg.Out, Logf: logf, Commit: s.Runner.Commit, Exec: s.Runner.Exec}
	for _, stage := range plan.StageOrder {
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
func (s *Session) lookVerdicts(p *plan.Plan, seq *reports.Sequential) ([]reports.Verdict, error) {
	var rp stages.ReportParams
	if err := json.Unmarshal(p.Report.Params, &rp); err != nil {
		return nil, err
	}
	rp.Sequential = seq
	raw, err := json.Marshal(rp)
	if err != nil {
		return nil, err
	}
	return stages.Verdicts(s.Store, p.Report.InputKeys(), raw)
}
