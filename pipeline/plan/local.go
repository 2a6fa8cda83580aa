package plan

import (
	"encoding/json"
	"fmt"

	"github.com/compdiff/compdiff/core/local"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/stages"
)

func init() { RegisterPlanner(stages.LocalFamily, Local) }

// localProbes is how many ground-truth scenes each metrics node noises for the locality
// measurement, at every noise level.
const localProbes = 8

// Local plans a local setting (seed 001): per run the ground truth of its request, the
// study's four networks (local.Networks: train nodes that hold nothing of the request, so
// every setting of the task shares them and a change of sampling reuses them), and per
// network — and the exact scores, when the profile has them — a sample node under the
// request (the naive SDE: FKC with K = 1) and a metrics node that counts the objects and
// measures the score model's locality.
func Local(b *Builder, s *cell.Setting) stages.ReportSetting {
	prof := b.ProfileOf(s)
	pr := protocol(prof)
	rs := stages.ReportSetting{Setting: *s, Exact: prof.Analytic, Ks: []int{1}, Protocol: &pr}
	t, err := stages.LocalTaskOf(s.Measure)
	if err != nil {
		panic(fmt.Sprintf("plan: local setting %s: %v", s.ID, err)) // the family built it
	}
	cond, _ := json.Marshal(stages.LocalCond{Requested: t.Requested})
	n := prof.Train.Iters * prof.Train.Batch // training scenes drawn
	rs.Ns = []int{n}
	for _, name := range local.Networks {
		rs.ModelKinds = append(rs.ModelKinds, cell.Model(name))
	}
	for run := 0; run < b.RunsOf(s.ID); run++ {
		seed := prof.Seed + uint64(run)
		tag := fmt.Sprintf("%s run %d", s.ID, run)
		truth := b.Truth(s, prof, seed, tag)
		rs.Truths = append(rs.Truths, b.Use(truth))
		cellOf := func(col cell.Column, samples stages.SampleParams, inputs map[string]*Node, network string) {
			c := cell.Cell{Setting: s.ID, Column: col, Method: cell.FKC, K: 1, Run: run}
			samples.Dim, samples.Method, samples.N, samples.K, samples.Steps, samples.Seed, samples.Cell = s.Dim, string(cell.FKC), prof.Samples, 1, prof.Steps, seed, &c
			smp := b.Add("sample", samples, inputs, s.ID, fmt.Sprintf("%s %s naive SDE", tag, col))
			raw, _ := json.Marshal(stages.LocalMeasure{Task: t, Network: network, Probes: min(localProbes, prof.TruthN), Seed: seed})
			in := map[string]*Node{"samples": smp, "truth": truth}
			if m, ok := inputs["model"]; ok {
				in["model"] = m
			}
			met := b.Add("metrics", stages.MetricsParams{Projections: prof.Proj, Seed: seed, Measure: &cell.Measure{Family: stages.LocalFamily, Params: raw}},
				in, s.ID, smp.Label+" metrics")
			rc := stages.ReportCell{Metrics: b.Use(met)}
			if run == 0 {
				rc.Samples = b.Use(smp)
			}
			rs.Cells = append(rs.Cells, rc)
		}
		if prof.Analytic {
			cellOf(cell.Exact(), stages.SampleParams{Scores: stages.ScoresAnalytic, Sources: s.Specs(), Weights: s.Weights()}, nil, string(cell.Analytic))
		}
		for _, name := range local.Networks {
			tp, err := stages.NewLocalTrain(t, name, trainParams(prof, name, s.Dim, seed))
			if err != nil {
				panic(fmt.Sprintf("plan: local setting %s: %v", s.ID, err))
			}
			model := b.Add("train", tp, nil, s.ID, fmt.Sprintf("%s %s", tag, name))
			col := cell.Learned(cell.Model(name), n)
			cellOf(col, stages.SampleParams{Scores: name, Weights: []float64{1}, Cond: cond}, map[string]*Node{"model": model}, name)
			if run == 0 {
				rs.Loss = append(rs.Loss, stages.ReportLoss{Column: col, Train: b.Use(model)})
			}
		}
	}
	return rs
}
