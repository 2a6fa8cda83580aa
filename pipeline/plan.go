package pipeline

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/compdiff/compdiff/core/dsm"
	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/stages"
)

// StageOrder is the order in which stage kinds run; each depends only on earlier ones.
var StageOrder = []string{"dataset", "truth", "train", "sample", "metrics", "report"}

// Node is one unit of work: a stage kind applied to params and input artifacts.
type Node struct {
	Key      data.Key
	Stage    string
	Version  int
	Params   json.RawMessage
	Inputs   map[string]*Node
	Label    string   // human-readable, e.g. "gauss-nfc-id run 2 analytic K=16"
	Settings []string // settings whose results need this node (several when shared)
}

// InputKeys maps input names to keys.
func (n *Node) InputKeys() map[string]data.Key {
	m := make(map[string]data.Key, len(n.Inputs))
	for name, in := range n.Inputs {
		m[name] = in.Key
	}
	return m
}

// Plan is the DAG of a profile over a set of settings.
type Plan struct {
	Profile  *Profile
	Settings []*Setting
	Nodes    []*Node // creation order: every node comes after its inputs
	Report   *Node
	byKey    map[data.Key]*Node
	runs     map[string]int // per-setting run counts (PlanOptions.Runs)
}

// RunsOf is the number of runs the plan computes for a setting.
func (p *Plan) RunsOf(id string) int {
	if r, ok := p.runs[id]; ok && r > 0 {
		return r
	}
	return p.Profile.Runs
}

// Stage returns the plan's nodes of one stage kind.
func (p *Plan) Stage(name string) []*Node {
	var out []*Node
	for _, n := range p.Nodes {
		if n.Stage == name {
			out = append(out, n)
		}
	}
	return out
}

// Node returns the node with key k.
func (p *Plan) Node(k data.Key) *Node { return p.byKey[k] }

func (p *Plan) add(stage string, params any, inputs map[string]*Node, setting, label string) *Node {
	def, ok := stages.Lookup(stage)
	if !ok {
		panic("unknown stage " + stage)
	}
	raw, err := json.Marshal(params)
	if err != nil {
		panic(err)
	}
	n := &Node{Stage: stage, Version: def.Version, Params: raw, Inputs: inputs, Label: label}
	n.Key = NodeKey(stage, def.Version, raw, n.InputKeys())
	if old, ok := p.byKey[n.Key]; ok {
		old.addSetting(setting)
		return old
	}
	n.addSetting(setting)
	p.byKey[n.Key] = n
	p.Nodes = append(p.Nodes, n)
	return n
}

func (n *Node) addSetting(s string) {
	for _, x := range n.Settings {
		if x == s {
			return
		}
	}
	n.Settings = append(n.Settings, s)
}

// NewPlan builds the DAG for the profile over the settings.
func NewPlan(prof *Profile, settings []*Setting, command string, profiles map[string]*Profile) *Plan {
	return NewPlanWith(prof, settings, command, profiles, PlanOptions{})
}

// PlanOptions changes a plan beyond its profile (used by -decide).
type PlanOptions struct {
	// Runs overrides the profile's run count per setting id.
	Runs map[string]int
	// Sequential records the group-sequential looks so far for the report.
	Sequential *reports.Sequential
}

// NewPlanWith builds the DAG with options.
func NewPlanWith(prof *Profile, settings []*Setting, command string, profiles map[string]*Profile, opt PlanOptions) *Plan {
	p := &Plan{Profile: prof, Settings: settings, byKey: map[data.Key]*Node{}, runs: opt.Runs}
	rp := stages.ReportParams{
		Profile:  prof.Name,
		Command:  command,
		Template: templateFingerprint(),
		Seeds:    fmt.Sprintf("run r = 0..%d uses seed %d + r for every random stream of that run", prof.Runs-1, prof.Seed),
	}
	reportIn := map[string]*Node{}
	use := func(n *Node) string { // registers an input of the report, returns its name
		name := n.Stage + "/" + string(n.Key)
		reportIn[name] = n
		return name
	}
	for _, s := range settings {
		rs := p.addSetting(s, use)
		rp.Settings = append(rp.Settings, rs)
	}
	rp.Params = prof.params()
	rp.Protocol = prof.protocol()
	rp.Sequential = opt.Sequential
	if paper, ok := profiles["paper"]; ok {
		pp := paper.protocol()
		rp.Paper = &pp
		if paper != prof {
			rp.Notes = append(rp.Notes, deviations(prof, paper))
		}
	}
	p.Report = p.add("report", rp, reportIn, "", "report")
	p.Report.Settings = nil
	for _, s := range settings {
		p.Report.addSetting(s.ID)
	}
	return p
}

func (p *Plan) addSetting(s *Setting, use func(*Node) string) stages.ReportSetting {
	prof := p.Profile
	w := s.Weights()
	rs := stages.ReportSetting{Setting: *s, Ks: prof.Ks, Ns: prof.Ns, Exact: prof.Analytic}
	if len(prof.Ns) > 0 {
		for _, k := range prof.ModelKinds {
			rs.ModelKinds = append(rs.ModelKinds, cell.Model(k))
		}
	}
	clip := prof.GClip.Ptr()
	for run := 0; run < p.RunsOf(s.ID); run++ {
		seed := prof.Seed + uint64(run)
		tag := fmt.Sprintf("%s run %d", s.ID, run)
		truth := p.add("truth", stages.TruthParams{
			Sources: s.Specs(), Weights: w, Method: s.Truth, N: prof.TruthN,
			Oversample: oversample(s, prof), Safety: safety(s, prof), Seed: seed,
		}, nil, s.ID, tag+" truth")
		rs.Truths = append(rs.Truths, use(truth))
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
			smp := p.add("sample", stages.SampleParams{
				Scores: scores, Sources: sources, Dim: s.Dim, Weights: w, Method: string(c.Method),
				N: prof.Samples, K: c.K, Steps: prof.Steps, GClip: gclip, Seed: seed, Cell: &c,
			}, models, s.ID, label)
			met := p.add("metrics", stages.MetricsParams{Projections: prof.Proj, Seed: seed},
				map[string]*Node{"samples": smp, "truth": truth}, s.ID, smp.Label+" metrics")
			rc := stages.ReportCell{Metrics: use(met)}
			if run == 0 && c.OnPaperGrid() {
				rc.Samples = use(smp)
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
			for _, m := range methodsOf(s, prof) {
				result(cell.Cell{Column: col, Method: cell.Method(m), K: 1}, scores, models, sources)
			}
		}
		if prof.Analytic {
			fkcCells(cell.Exact(), stages.ScoresAnalytic, nil, s.Specs())
			methodCells(cell.Exact(), stages.ScoresAnalytic, nil, s.Specs())
		}
		for _, n := range prof.Ns {
			pools := make([]*Node, len(s.Sources))
			for a, src := range s.Sources {
				pools[a] = p.add("dataset", stages.DatasetParams{Source: src.Spec, N: n, Seed: seed},
					nil, s.ID, fmt.Sprintf("%s pool %s N=%d", tag, src.Name, n))
			}
			if labels, err := stages.CoInDLabels(w); err == nil && slices.Contains(prof.CoInDNs, n) {
				// CoInD's marginals composed naively (K = 1) and with FKC at every K.
				for _, lambda := range prof.CoInDLambdas {
					models := p.addCoInD(s, n, seed, pools, tag, lambda, labels)
					fkcCells(cell.CoInDModel(n, lambda), stages.ScoresCoInD, models, nil)
				}
			}
			cov := stages.ReportCoverage{N: n, Run: run, Truth: use(truth)}
			for _, pool := range pools {
				cov.Pools = append(cov.Pools, use(pool))
			}
			rs.Coverage = append(rs.Coverage, cov)
			for _, kind := range prof.ModelKinds {
				models := p.addModels(s, kind, n, seed, pools, tag)
				col := cell.Learned(cell.Model(kind), n)
				fkcCells(col, kind, models, nil)
				if kind == prof.ModelKinds[0] && (len(prof.MethodsNs) == 0 || slices.Contains(prof.MethodsNs, n)) {
					methodCells(col, kind, models, nil)
				}
				if run == 0 {
					rs.Loss = append(rs.Loss, p.lossRefs(s, col, models, use)...)
					rs.Learned = append(rs.Learned, p.learnedSources(s, col, seed, models, use)...)
				}
			}
		}
	}
	// Samples of each true source for the figures, and the naive ODE for Theorem 2.
	for _, src := range s.Sources {
		d := p.add("dataset", stages.DatasetParams{Source: src.Spec, N: prof.FigSamples, Seed: prof.Seed},
			nil, s.ID, fmt.Sprintf("%s figure samples %s", s.ID, src.Name))
		rs.TrueSources = append(rs.TrueSources, use(d))
	}
	if s.Family == "gaussian" {
		ode := p.add("sample", stages.SampleParams{
			Scores: stages.ScoresAnalytic, Sources: s.Specs(), Dim: s.Dim, Weights: w, Method: stages.MethodODE,
			N: prof.ODESamples, K: 1, Steps: prof.Steps, Seed: prof.Seed,
		}, nil, s.ID, s.ID+" naive ODE (Theorem 2)")
		rs.ODE = use(ode)
	}
	return rs
}

// addModels returns the inputs of a learned sample node: "model" for the conditional
// network, "model0".. for separate experts. A separate expert depends only on its source's
// pool, so settings sharing a source share the expert.
func (p *Plan) addModels(s *Setting, kind string, n int, seed uint64, pools []*Node, tag string) map[string]*Node {
	tp := p.Profile.trainParams(kind, s.Dim, seed)
	if kind == stages.ScoresConditional {
		tp.Sources = len(pools)
		in := map[string]*Node{}
		for a, pool := range pools {
			in["pool"+strconv.Itoa(a)] = pool
		}
		return map[string]*Node{"model": p.add("train", tp, in, s.ID, fmt.Sprintf("%s conditional N=%d", tag, n))}
	}
	out := map[string]*Node{}
	for a, pool := range pools {
		tp.Sources = 1
		m := p.add("train", tp, map[string]*Node{"pool0": pool}, s.ID,
			fmt.Sprintf("%s separate expert %s N=%d", tag, s.Sources[a].Name, n))
		out["model"+strconv.Itoa(a)] = m
	}
	return out
}

// methodsOf is the setting's list of extra samplers, or the profile's.
func methodsOf(s *Setting, prof *Profile) []string {
	if s.Methods != nil {
		return s.Methods
	}
	return prof.Methods
}

// addCoInD returns the input of a sample node over a CoInD network trained on all pools.
func (p *Plan) addCoInD(s *Setting, n int, seed uint64, pools []*Node, tag string, lambda float64, labels []dsm.Cond) map[string]*Node {
	tp := p.Profile.trainParams(stages.ScoresCoInD, s.Dim, seed)
	tp.Sources = len(pools)
	tp.Lambda = &lambda
	tp.Labels = labels
	in := map[string]*Node{}
	for a, pool := range pools {
		in["pool"+strconv.Itoa(a)] = pool
	}
	return map[string]*Node{"model": p.add("train", tp, in, s.ID, fmt.Sprintf("%s %s", tag, cell.CoInDModel(n, lambda)))}
}

func (p *Plan) lossRefs(s *Setting, col cell.Column, models map[string]*Node, use func(*Node) string) []stages.ReportLoss {
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
		out = append(out, stages.ReportLoss{Column: col, Source: src, Train: use(models[name])})
	}
	return out
}

// learnedSources samples each source alone from a learned model (weights one-hot), for the
// "true vs learned sources" figure.
func (p *Plan) learnedSources(s *Setting, col cell.Column, seed uint64, models map[string]*Node, use func(*Node) string) []stages.ReportLearned {
	var out []stages.ReportLearned
	for a, src := range s.Sources {
		w := make([]float64, len(s.Sources))
		w[a] = 1
		smp := p.add("sample", stages.SampleParams{
			Scores: string(col.Model), Dim: s.Dim, Weights: w, Method: stages.MethodSDE,
			N: p.Profile.FigSamples, K: 1, Steps: p.Profile.Steps, Seed: seed,
		}, models, s.ID, fmt.Sprintf("%s %s source %s", s.ID, col, src.Name))
		out = append(out, stages.ReportLearned{Source: src.Name, Column: col, Samples: use(smp)})
	}
	return out
}

func oversample(s *Setting, p *Profile) int {
	if s.Truth == stages.Importance {
		return p.Oversample
	}
	return 0
}

func safety(s *Setting, p *Profile) float64 {
	if s.Truth == stages.Rejection {
		return p.Safety
	}
	return 0
}

// templateFingerprint is part of the report's key (a variable so tests can stand in for a
// template edit).
var templateFingerprint = stages.TemplateFingerprint

// protocol is the profile's size as the report labels verdicts with it.
func (p *Profile) protocol() reports.Protocol {
	pr := reports.Protocol{Profile: p.Name, Runs: p.Runs, Samples: p.Samples, TruthSamples: p.TruthN, Steps: p.Steps,
		Ks: p.Ks, Ns: p.Ns, Width: p.Train.Width, Depth: p.Train.Depth, Iters: p.Train.Iters, Projections: p.Proj}
	for _, k := range p.ModelKinds {
		pr.Models = append(pr.Models, cell.Model(k))
	}
	return pr
}
