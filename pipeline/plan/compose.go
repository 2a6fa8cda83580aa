package plan

import (
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/compdiff/compdiff/core/dsm"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/pipeline/spec"
	"github.com/compdiff/compdiff/stages"
)

// Compose is the default planner, the composition study: per run the ground truth, FKC
// over the profile's K and the other samplers on the exact scores and on models learned
// from pools of each size N (conditional, separate experts, CoInD), each cell sampled and
// measured against the truth; then figure samples of each true source and, for Gaussian
// settings, the naive ODE of Theorem 2.
func Compose(b *Builder, s *cell.Setting) stages.ReportSetting {
	prof := b.ProfileOf(s)
	w := s.Weights()
	rs := stages.ReportSetting{Setting: *s, Ks: prof.Ks, Ns: prof.Ns, Exact: prof.Analytic}
	if prof != b.Profile { // the family's own sizes label its verdicts
		pr := protocol(prof)
		rs.Protocol = &pr
	}
	if len(prof.Ns) > 0 {
		for _, k := range prof.ModelKinds {
			rs.ModelKinds = append(rs.ModelKinds, cell.Model(k))
		}
	}
	clip := prof.GClip.Ptr()
	for run := 0; run < b.RunsOf(s.ID); run++ {
		seed := prof.Seed + uint64(run)
		tag := fmt.Sprintf("%s run %d", s.ID, run)
		truth := b.Truth(s, prof, seed, tag)
		rs.Truths = append(rs.Truths, b.Use(truth))
		// result adds the sample and metrics nodes of one cell; its coordinates travel in the
		// artifacts, so the report and results.csv read every method the same way.
		result := func(c cell.Cell, scores string, models map[string]*Node, sources []stages.SourceSpec) {
			c.Setting, c.Run = s.ID, run
			var gclip *float64
			if c.Method == cell.FKC {
				gclip = clip
			}
			label := fmt.Sprintf("%s %s K=%d", tag, c.Column, c.K)
			if c.Method != cell.FKC {
				label = fmt.Sprintf("%s %s %s", tag, c.Column, c.Method)
			}
			smp := b.Add("sample", stages.SampleParams{
				Scores: scores, Sources: sources, Dim: s.Dim, Weights: w, Method: string(c.Method),
				N: prof.Samples, K: c.K, Steps: prof.Steps, GClip: gclip, Seed: seed, Cell: &c,
			}, models, s.ID, label)
			met := b.Add("metrics", stages.MetricsParams{Projections: prof.Proj, Seed: seed, Measure: s.Measure},
				map[string]*Node{"samples": smp, "truth": truth}, s.ID, smp.Label+" metrics")
			rc := stages.ReportCell{Metrics: b.Use(met)}
			if run == 0 && c.OnPaperGrid() {
				rc.Samples = b.Use(smp)
			}
			rs.Cells = append(rs.Cells, rc)
		}
		// fkcCells: the paper's grid, FKC over the profile's K; methodCells: the samplers
		// besides FKC, each at its one budget (K = 1).
		fkcCells := func(col cell.Column, scores string, models map[string]*Node, sources []stages.SourceSpec) {
			for _, k := range prof.Ks {
				result(cell.Cell{Column: col, Method: cell.FKC, K: k}, scores, models, sources)
			}
		}
		methodCells := func(col cell.Column, scores string, models map[string]*Node, sources []stages.SourceSpec) {
			for _, m := range prof.MethodsFor(s) {
				result(cell.Cell{Column: col, Method: cell.Method(m), K: 1}, scores, models, sources)
			}
		}
		if prof.Analytic {
			fkcCells(cell.Exact(), stages.ScoresAnalytic, nil, s.Specs())
			methodCells(cell.Exact(), stages.ScoresAnalytic, nil, s.Specs())
		}
		for _, n := range prof.Ns {
			pools := b.Pools(s, n, seed, tag)
			if labels, err := stages.CoInDLabels(w); err == nil && slices.Contains(prof.CoInDNs, n) {
				// CoInD's marginals composed naively (K = 1) and with FKC at every K.
				for _, lambda := range prof.CoInDLambdas {
					models := b.coInD(prof, s, n, seed, pools, tag, lambda, labels)
					fkcCells(cell.CoInDModel(n, lambda), stages.ScoresCoInD, models, nil)
				}
			}
			cov := stages.ReportCoverage{N: n, Run: run, Truth: b.Use(truth)}
			for _, pool := range pools {
				cov.Pools = append(cov.Pools, b.Use(pool))
			}
			rs.Coverage = append(rs.Coverage, cov)
			for _, kind := range prof.ModelKinds {
				models := b.models(prof, s, kind, n, seed, pools, tag)
				col := cell.Learned(cell.Model(kind), n)
				fkcCells(col, kind, models, nil)
				if kind == prof.ModelKinds[0] && (len(prof.MethodsNs) == 0 || slices.Contains(prof.MethodsNs, n)) {
					methodCells(col, kind, models, nil)
				}
				if run == 0 {
					rs.Loss = append(rs.Loss, b.lossRefs(s, col, models)...)
					rs.Learned = append(rs.Learned, b.learnedSources(prof, s, col, seed, models)...)
				}
			}
		}
	}
	// Samples of each true source for the figures, and the naive ODE for Theorem 2.
	for _, src := range s.Sources {
		d := b.Add("dataset", stages.DatasetParams{Source: src.Spec, N: prof.FigSamples, Seed: prof.Seed},
			nil, s.ID, fmt.Sprintf("%s figure samples %s", s.ID, src.Name))
		rs.TrueSources = append(rs.TrueSources, b.Use(d))
	}
	if s.Family == "gaussian" {
		ode := b.Add("sample", stages.SampleParams{
			Scores: stages.ScoresAnalytic, Sources: s.Specs(), Dim: s.Dim, Weights: w, Method: stages.MethodODE,
			N: prof.ODESamples, K: 1, Steps: prof.Steps, Seed: prof.Seed,
		}, nil, s.ID, s.ID+" naive ODE (Theorem 2)")
		rs.ODE = b.Use(ode)
	}
	return rs
}

// models returns the inputs of a learned sample node: "model" for the conditional
// network, "model0".. for separate experts. A separate expert depends only on its source's
// pool, so settings sharing a source share the expert.
func (b *Builder) models(prof *spec.Profile, s *cell.Setting, kind string, n int, seed uint64, pools []*Node, tag string) map[string]*Node {
	tp := trainParams(prof, kind, s.Dim, seed)
	if kind == stages.ScoresConditional {
		tp.Sources = len(pools)
		return map[string]*Node{"model": b.Add("train", tp, poolInputs(pools), s.ID, fmt.Sprintf("%s conditional N=%d", tag, n))}
	}
	out := map[string]*Node{}
	for a, pool := range pools {
		tp.Sources = 1
		m := b.Add("train", tp, map[string]*Node{"pool0": pool}, s.ID,
			fmt.Sprintf("%s separate expert %s N=%d", tag, s.Sources[a].Name, n))
		out["model"+strconv.Itoa(a)] = m
	}
	return out
}

// poolInputs names pools pool0, pool1, … as inputs of a train node.
func poolInputs(pools []*Node) map[string]*Node {
	in := map[string]*Node{}
	for a, pool := range pools {
		in["pool"+strconv.Itoa(a)] = pool
	}
	return in
}

// coInD returns the input of a sample node over a CoInD network trained on all pools.
func (b *Builder) coInD(prof *spec.Profile, s *cell.Setting, n int, seed uint64, pools []*Node, tag string, lambda float64, labels []dsm.Cond) map[string]*Node {
	tp := trainParams(prof, stages.ScoresCoInD, s.Dim, seed)
	tp.Sources = len(pools)
	tp.Lambda = &lambda
	tp.Labels = labels
	return map[string]*Node{"model": b.Add("train", tp, poolInputs(pools), s.ID, fmt.Sprintf("%s %s", tag, cell.CoInDModel(n, lambda)))}
}

func (b *Builder) lossRefs(s *cell.Setting, col cell.Column, models map[string]*Node) []stages.ReportLoss {
	var out []stages.ReportLoss
	names := make([]string, 0, len(models))
	for name := range models {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		src := ""
		if col.Model == cell.Separate {
			i, _ := strconv.Atoi(name[len("model"):])
			src = s.Sources[i].Name
		}
		out = append(out, stages.ReportLoss{Column: col, Source: src, Train: b.Use(models[name])})
	}
	return out
}

// learnedSources samples each source alone from a learned model (weights one-hot), for the
// "true vs learned sources" figure.
func (b *Builder) learnedSources(prof *spec.Profile, s *cell.Setting, col cell.Column, seed uint64, models map[string]*Node) []stages.ReportLearned {
	var out []stages.ReportLearned
	for a, src := range s.Sources {
		w := make([]float64, len(s.Sources))
		w[a] = 1
		smp := b.Add("sample", stages.SampleParams{
			Scores: string(col.Model), Dim: s.Dim, Weights: w, Method: stages.MethodSDE,
			N: prof.FigSamples, K: 1, Steps: prof.Steps, Seed: seed,
		}, models, s.ID, fmt.Sprintf("%s %s source %s", s.ID, col, src.Name))
		out = append(out, stages.ReportLearned{Source: src.Name, Column: col, Samples: b.Use(smp)})
	}
	return out
}

// Truth is the ground-truth node of one run of a setting (seed and tag are the run's).
func (b *Builder) Truth(s *cell.Setting, prof *spec.Profile, seed uint64, tag string) *Node {
	return b.Add("truth", stages.TruthParams{
		Sources: s.Specs(), Weights: s.Weights(), Method: s.Truth, N: prof.TruthN,
		Oversample: prof.OversampleFor(s), Safety: prof.SafetyFor(s), Seed: seed,
	}, nil, s.ID, tag+" truth")
}

// Pools are the training-pool nodes of one run of a setting, one per source, of size n.
func (b *Builder) Pools(s *cell.Setting, n int, seed uint64, tag string) []*Node {
	pools := make([]*Node, len(s.Sources))
	for a, src := range s.Sources {
		pools[a] = b.Add("dataset", stages.DatasetParams{Source: src.Spec, N: n, Seed: seed},
			nil, s.ID, fmt.Sprintf("%s pool %s N=%d", tag, src.Name, n))
	}
	return pools
}
