package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/goyek/goyek/v2"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/pipeline/plan"
	"github.com/compdiff/compdiff/pipeline/run"
	"github.com/compdiff/compdiff/pipeline/spec"
	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/stages"
)

// Calibrate computes the profile's calibration (plan.Calibrate): the paper's network, the
// profile's own and each candidate trained on the same pools and sampled naively, compared
// per setting. It writes calibration.md into -out and prints the table with each training's
// estimated core-hours. Later reports of the profile read the result.
func (s *Session) Calibrate(ctx context.Context, logf func(string, ...any)) error {
	if err := s.Setup(); err != nil {
		return err
	}
	p := plan.Calibrate(s.Plan.Profile, s.Plan.Settings)
	if p == nil {
		return fmt.Errorf("profile %s has no calibration block; add one (see the README's Calibration section) or choose -profile default", s.Plan.Profile.Name)
	}
	r := &run.Runner{Store: s.Store, Plan: p, Jobs: s.Cfg.Jobs, OutDir: s.Cfg.Out, Logf: logf, Commit: s.Runner.Commit, Exec: s.Runner.Exec}
	for _, stage := range append(plan.StageOrder[:len(plan.StageOrder)-1:len(plan.StageOrder)-1], "calibration") {
		if err := r.RunStage(ctx, stage); err != nil {
			return err
		}
	}
	t, err := s.Store.Get(p.Report.Key, "main")
	if err != nil {
		return err
	}
	c, err := stages.CalibrationTable(t)
	if err != nil {
		return err
	}
	md := calibrationMarkdown(s.Plan.Profile.Name, c, trainCost(p))
	if err := os.MkdirAll(s.Cfg.Out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(s.Cfg.Out, "calibration.md"), []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Fprint(s.out(), md)
	return nil
}

// calibrationNode is the profile's calibration node when the calibrate task has computed it
// (its artifact is in the store), for the report to read; nil otherwise.
func calibrationNode(store *data.Store, prof *spec.Profile, settings []*spec.Setting) *plan.Node {
	p := plan.Calibrate(prof, settings)
	if p == nil || !store.Done(p.Report.Key) {
		return nil
	}
	return p.Report
}

// trainCost is the estimated core-seconds of one model of each training (the cost model).
func trainCost(p *plan.Plan) map[string]float64 {
	out := map[string]float64{}
	for _, n := range p.Stage("train") {
		name := n.Label[strings.LastIndex(n.Label, "(")+1 : len(n.Label)-1]
		out[name] = max(out[name], plan.CoreSeconds(n))
	}
	return out
}

func calibrationMarkdown(profile string, c *reports.Calibration, cost map[string]float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Calibration of profile %s against the paper's network\n\n", profile)
	fmt.Fprintf(&b, "Reference: %s (estimated %.3g core-seconds a model). Each training's conditional network on the same pools, sampled naively (K = 1) at the profile's sizes; per setting the paired difference of SW2 from the reference's, equivalent when two one-sided t-tests place it within ±margin (Holm over the training's settings, α = %g).\n\n",
		c.Reference, cost[c.Reference], reports.Alpha)
	b.WriteString("| training | core-s / model | setting | N | runs | SW2 | reference SW2 | difference ± SE | margin | TOST p | equivalent |\n|---|--:|---|--:|--:|--:|--:|--:|--:|--:|---|\n")
	for _, r := range c.Rows {
		fmt.Fprintf(&b, "| %s%s | %.3g | %s | %d | %d | %.4f | %.4f | %+.4f ± %.4f | %.4f | %.3g | %v |\n", r.Training,
			map[bool]string{true: " (profile's)"}[r.Own], cost[r.Training], r.Setting, r.N, r.Runs, r.SW2, r.RefSW2, r.Diff, r.DiffSE, r.Margin, r.P, r.Equivalent)
	}
	return b.String()
}

// defineCalibrate registers the calibrate task.
func defineCalibrate(flow *goyek.Flow, s *Session) {
	flow.Define(goyek.Task{Name: "calibrate", Usage: "train the paper's network beside the profile's and candidates, and compare them (calibration.md)", Action: func(a *goyek.A) {
		if err := s.Calibrate(a.Context(), a.Logf); err != nil {
			a.Fatal(err)
		}
	}})
}
