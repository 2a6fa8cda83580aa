package pipeline

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/compdiff/compdiff/core/dsm"
	"github.com/compdiff/compdiff/data"
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

// Column labels of the tables: learned pool sizes, then the analytic scores.
const Analytical = "analytical"

// NewPlan builds the DAG for the profile over the settings.
func NewPlan(prof *Profile, settings []*Setting, command string, profiles map[string]*Profile) *Plan {
	p := &Plan{Profile: prof, Settings: settings, byKey: map[data.Key]*Node{}}
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
	rp.Profiles = profileInfos(profiles)
	if paper, ok := profiles["paper"]; ok && paper != prof {
		rp.Notes = append(rp.Notes, deviations(prof, paper))
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
	rs := stages.ReportSetting{
		ID: s.ID, Title: s.Title, Kind: s.Kind, Dim: s.Dim, Weights: w, Ks: prof.Ks,
		TruthMethod: s.Truth, Notes: s.Notes, SourceSpecs: s.Specs(),
	}
	for _, src := range s.Sources {
		rs.Sources = append(rs.Sources, src.Name)
	}
	for _, n := range prof.Ns {
		rs.Ns = append(rs.Ns, strconv.Itoa(n))
	}
	if prof.Analytic {
		rs.Ns = append(rs.Ns, Analytical)
	}
	if len(prof.Ns) > 0 {
		rs.ModelKinds = prof.ModelKinds
	}
	clip := prof.GClip.Ptr()
	for run := 0; run < prof.Runs; run++ {
		seed := prof.Seed + uint64(run)
		tag := fmt.Sprintf("%s run %d", s.ID, run)
		truth := p.add("truth", stages.TruthParams{
			Sources: s.Specs(), Weights: w, Method: s.Truth, N: prof.TruthN,
			Oversample: oversample(s, prof), Safety: safety(s, prof), Seed: seed,
		}, nil, s.ID, tag+" truth")
		rs.Truths = append(rs.Truths, use(truth))
		// method cells: samplers besides FKC, each at its one budget (K = 1).
		methodCells := func(model, nLabel string, models map[string]*Node, sources []stages.SourceSpec) {
			for _, m := range methodsOf(s, prof) {
				smp := p.add("sample", stages.SampleParams{
					Scores: model, Sources: sources, Dim: s.Dim, Weights: w, Method: m,
					N: prof.Samples, K: 1, Steps: prof.Steps, Seed: seed,
				}, models, s.ID, fmt.Sprintf("%s %s N=%s %s", tag, model, nLabel, m))
				met := p.add("metrics", stages.MetricsParams{Projections: prof.Proj, Seed: seed},
					map[string]*Node{"samples": smp, "truth": truth}, s.ID, smp.Label+" metrics")
				rs.Methods = append(rs.Methods, stages.ReportCell{Method: m, Model: model, N: nLabel, K: 1, Run: run, Metrics: use(met)})
			}
		}
		cell := func(model, nLabel string, k int, scores string, models map[string]*Node, sources []stages.SourceSpec) {
			smp := p.add("sample", stages.SampleParams{
				Scores: scores, Sources: sources, Dim: s.Dim, Weights: w, Method: stages.MethodFKC,
				N: prof.Samples, K: k, Steps: prof.Steps, GClip: clip, Seed: seed,
			}, models, s.ID, fmt.Sprintf("%s %s N=%s K=%d", tag, model, nLabel, k))
			met := p.add("metrics", stages.MetricsParams{Projections: prof.Proj, Seed: seed},
				map[string]*Node{"samples": smp, "truth": truth}, s.ID, smp.Label+" metrics")
			c := stages.ReportCell{Model: model, N: nLabel, K: k, Run: run, Metrics: use(met)}
			if run == 0 {
				c.Samples = use(smp)
			}
			rs.Cells = append(rs.Cells, c)
		}
		if prof.Analytic {
			for _, k := range prof.Ks {
				cell(stages.ScoresAnalytic, Analytical, k, stages.ScoresAnalytic, nil, s.Specs())
			}
			methodCells(stages.ScoresAnalytic, Analytical, nil, s.Specs())
		}
		for _, n := range prof.Ns {
			nl := strconv.Itoa(n)
			pools := make([]*Node, len(s.Sources))
			for a, src := range s.Sources {
				pools[a] = p.add("dataset", stages.DatasetParams{Source: src.Spec, N: n, Seed: seed},
					nil, s.ID, fmt.Sprintf("%s pool %s N=%d", tag, src.Name, n))
			}
			if labels, err := stages.CoInDLabels(w); err == nil && slices.Contains(prof.CoInDNs, n) {
				for _, lambda := range prof.CoInDLambdas {
					models := p.addCoInD(s, n, seed, pools, tag, lambda, labels)
					model := coindModel(lambda)
					smp := p.add("sample", stages.SampleParams{
						Scores: stages.ScoresCoInD, Dim: s.Dim, Weights: w, Method: stages.MethodFKC,
						N: prof.Samples, K: 1, Steps: prof.Steps, GClip: clip, Seed: seed,
					}, models, s.ID, fmt.Sprintf("%s %s N=%d", tag, model, n))
					met := p.add("metrics", stages.MetricsParams{Projections: prof.Proj, Seed: seed},
						map[string]*Node{"samples": smp, "truth": truth}, s.ID, smp.Label+" metrics")
					rs.Methods = append(rs.Methods, stages.ReportCell{Method: stages.MethodFKC, Model: model, N: nl, K: 1, Run: run, Metrics: use(met)})
				}
			}
			cov := stages.ReportCoverage{N: nl, Run: run, Truth: use(truth)}
			for _, pool := range pools {
				cov.Pools = append(cov.Pools, use(pool))
			}
			rs.Coverage = append(rs.Coverage, cov)
			for _, kind := range prof.ModelKinds {
				models := p.addModels(s, kind, n, seed, pools, tag)
				for _, k := range prof.Ks {
					cell(kind, nl, k, kind, models, nil)
				}
				methodCells(kind, nl, models, nil)
				if run == 0 {
					rs.Loss = append(rs.Loss, p.lossRefs(s, kind, nl, models, use)...)
					rs.Learned = append(rs.Learned, p.learnedSources(s, kind, nl, seed, models, use)...)
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

// coindModel names a CoInD model column by its penalty weight.
func coindModel(lambda float64) string {
	return stages.ScoresCoInD + " λ=" + strconv.FormatFloat(lambda, 'g', -1, 64)
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
	return map[string]*Node{"model": p.add("train", tp, in, s.ID, fmt.Sprintf("%s %s N=%d", tag, coindModel(lambda), n))}
}

func (p *Plan) lossRefs(s *Setting, kind, nl string, models map[string]*Node, use func(*Node) string) []stages.ReportLoss {
	var out []stages.ReportLoss
	names := make([]string, 0, len(models))
	for name := range models {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		src := ""
		if kind == stages.ScoresSeparate {
			i, _ := strconv.Atoi(name[len("model"):])
			src = s.Sources[i].Name
		}
		out = append(out, stages.ReportLoss{Model: kind, N: nl, Source: src, Train: use(models[name])})
	}
	return out
}

// learnedSources samples each source alone from a learned model (weights one-hot), for the
// "true vs learned sources" figure.
func (p *Plan) learnedSources(s *Setting, kind, nl string, seed uint64, models map[string]*Node, use func(*Node) string) []stages.ReportLearned {
	var out []stages.ReportLearned
	for a, src := range s.Sources {
		w := make([]float64, len(s.Sources))
		w[a] = 1
		smp := p.add("sample", stages.SampleParams{
			Scores: kind, Dim: s.Dim, Weights: w, Method: stages.MethodSDE,
			N: p.Profile.FigSamples, K: 1, Steps: p.Profile.Steps, Seed: seed,
		}, models, s.ID, fmt.Sprintf("%s %s N=%s source %s", s.ID, kind, nl, src.Name))
		out = append(out, stages.ReportLearned{Source: src.Name, Model: kind, N: nl, Samples: use(smp)})
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

// profileInfos tells the claims check which profile computes which cells, cheapest first.
func profileInfos(profiles map[string]*Profile) []reports.ProfileInfo {
	var out []reports.ProfileInfo
	for _, p := range profiles {
		pi := reports.ProfileInfo{Name: p.Name, Ks: p.Ks, Runs: p.Runs, Models: p.ModelKinds}
		for _, n := range p.Ns {
			pi.Ns = append(pi.Ns, strconv.Itoa(n))
		}
		if p.Analytic {
			pi.Ns = append(pi.Ns, Analytical)
		}
		out = append(out, pi)
	}
	sort.Slice(out, func(i, j int) bool {
		ci, cj := profileCost(profiles[out[i].Name]), profileCost(profiles[out[j].Name])
		if ci != cj {
			return ci < cj
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// profileCost is a rough work estimate used only to order profiles.
func profileCost(p *Profile) float64 {
	k := 0
	for _, x := range p.Ks {
		k += x
	}
	t := p.Train
	return float64(p.Runs) * (float64(p.Samples*p.Steps*k) + float64(len(p.Ns)*t.Iters*t.Batch*t.Width*t.Width*t.Depth)/100)
}
