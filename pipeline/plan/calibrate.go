package plan

import (
	"fmt"
	"slices"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/pipeline/spec"
	"github.com/compdiff/compdiff/stages"
)

// Calibrate is the plan of the profile's calibration (spec.Calibration): for the settings of
// its families, runs and pool sizes, the conditional network of the reference training (the
// paper's), of the profile's own and of every candidate, each sampled naively (FKC, K = 1) at
// the profile's sizes and measured, then the calibration node comparing them. Pools, ground
// truth and the profile's own cells are the main plan's nodes (same keys). nil when the
// profile has no calibration block.
func Calibrate(prof *spec.Profile, settings []*spec.Setting) *Plan {
	c := prof.Calibration
	if c == nil {
		return nil
	}
	ref, cands := c.Trainings()
	trainings := append([]spec.TrainProfile{ref, prof.Train}, cands...)
	p := &Plan{Profile: prof, byKey: map[data.Key]*Node{}}
	cp := stages.CalibrationParams{Margin: c.Margin}
	for _, t := range trainings {
		cp.Trainings = append(cp.Trainings, TrainingName(t))
	}
	b := &Builder{Profile: prof, plan: p, reportIn: map[string]*Node{}}
	for _, s := range settings {
		if len(c.Families) > 0 && !slices.Contains(c.Families, s.Family) || len(s.Sources) == 0 {
			continue
		}
		p.Settings = append(p.Settings, s)
		fp := prof.For(s.Family)
		w := s.Weights()
		for run := 0; run < c.Runs; run++ {
			seed := fp.Seed + uint64(run)
			tag := fmt.Sprintf("%s run %d", s.ID, run)
			truth := b.Truth(s, fp, seed, tag)
			for _, n := range c.Ns {
				pools := b.Pools(s, n, seed, tag)
				for i, t := range trainings {
					tf := fp.Clone()
					tf.Train = t
					tp := trainParams(tf, stages.ScoresConditional, s.Dim, seed)
					tp.Sources = len(pools)
					model := b.Add("train", tp, poolInputs(pools), s.ID, fmt.Sprintf("%s conditional N=%d (%s)", tag, n, cp.Trainings[i]))
					if i == 0 {
						cp.ReferenceCoreSeconds = max(cp.ReferenceCoreSeconds, CoreSeconds(model))
					}
					cl := cell.Cell{Setting: s.ID, Column: cell.Learned(cell.Conditional, n), Method: cell.FKC, K: 1, Run: run}
					smp := b.Add("sample", stages.SampleParams{
						Scores: stages.ScoresConditional, Dim: s.Dim, Weights: w, Method: stages.MethodFKC,
						N: fp.Samples, K: 1, Steps: fp.Steps, GClip: fp.GClip.Ptr(), Seed: seed, Cell: &cl,
					}, map[string]*Node{"model": model}, s.ID, fmt.Sprintf("%s K=1 (%s)", model.Label, cp.Trainings[i]))
					met := b.Add("metrics", stages.MetricsParams{Projections: fp.Proj, Seed: seed, Measure: s.Measure},
						map[string]*Node{"samples": smp, "truth": truth}, s.ID, smp.Label+" metrics")
					cp.Cells = append(cp.Cells, stages.CalibrationCell{Setting: s.ID, N: n, Run: run, Training: i,
						Metrics: b.Use(met), Truth: b.Use(truth)})
				}
			}
		}
	}
	p.Report = p.add("calibration", cp, b.reportIn, "", "calibration")
	return p
}

// TrainingName describes a training in the calibration table: "4×512, 20000 iterations, lr 0.0002".
func TrainingName(t spec.TrainProfile) string {
	return fmt.Sprintf("%d×%d, %d iterations, lr %g, batch %d", t.Depth, t.Width, t.Iters, t.LR, t.Batch)
}
