// Package plan turns a profile and settings into the DAG of content-keyed nodes: each
// node is a stage kind applied to params and input nodes, keyed by all of them. A setting's
// nodes come from its family's planner (RegisterPlanner), by default the composition study
// (Compose). The package also holds the cost model of the nodes.
package plan

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/pipeline/spec"
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

func (n *Node) addSetting(s string) {
	for _, x := range n.Settings {
		if x == s {
			return
		}
	}
	n.Settings = append(n.Settings, s)
}

// Plan is the DAG of a profile over a set of settings.
type Plan struct {
	Profile  *spec.Profile
	Settings []*spec.Setting
	Nodes    []*Node // creation order: every node comes after its inputs
	Report   *Node
	byKey    map[data.Key]*Node
	runs     map[string]int // per-setting run counts (Options.Runs)
	samples  map[string]int // per-setting model samples per cell (Options.Samples)
}

// RunsOf is the number of runs the plan computes for a setting.
func (p *Plan) RunsOf(id string) int {
	if r, ok := p.runs[id]; ok && r > 0 {
		return r
	}
	for _, s := range p.Settings {
		if s.ID == id {
			return p.Profile.For(s.Family).Runs
		}
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

// add returns the node of stage over params and inputs, creating it unless a node with its
// key exists (then setting is added to the settings that need it).
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

// New builds the DAG for the profile over the settings.
func New(prof *spec.Profile, settings []*spec.Setting, command string, profiles map[string]*spec.Profile) *Plan {
	return NewWith(prof, settings, command, profiles, Options{})
}

// Options changes a plan beyond its profile (used by -decide).
type Options struct {
	// Runs overrides the profile's run count per setting id.
	Runs map[string]int
	// Samples overrides the model samples per cell per setting id (-decide buys more
	// samples where that decides a claim more cheaply than more runs).
	Samples map[string]int
	// Sequential records the group-sequential looks so far for the report.
	Sequential *reports.Sequential
	// Calibration is the profile's computed calibration node (Calibrate), which the report
	// then reads to say whether each setting's network passed; nil when not computed.
	Calibration *Node
}

// TemplateFingerprint is part of the report's key (a variable so tests can stand in for a
// template edit).
var TemplateFingerprint = stages.TemplateFingerprint

// NewWith builds the DAG with options: each setting's nodes by its family's planner, then
// the report over all of them.
func NewWith(prof *spec.Profile, settings []*spec.Setting, command string, profiles map[string]*spec.Profile, opt Options) *Plan {
	p := &Plan{Profile: prof, Settings: settings, byKey: map[data.Key]*Node{}, runs: opt.Runs, samples: opt.Samples}
	rp := stages.ReportParams{
		Profile:  prof.Name,
		Command:  command,
		Template: TemplateFingerprint(),
		Seeds:    fmt.Sprintf("run r = 0..%d uses seed %d + r for every random stream of that run", prof.Runs-1, prof.Seed),
	}
	b := &Builder{Profile: prof, plan: p, reportIn: map[string]*Node{}}
	for _, s := range settings {
		rp.Settings = append(rp.Settings, plannerOf(s.Family)(b, s))
	}
	for i, s := range settings {
		rp.Settings[i].Cost = p.runCost(s.ID)
	}
	if opt.Calibration != nil {
		rp.Calibration = b.Use(opt.Calibration)
	}
	rp.Params = profileParams(prof)
	rp.Protocol = protocol(prof)
	rp.Sequential = opt.Sequential
	if paper, ok := profiles["paper"]; ok {
		pp := protocol(paper)
		rp.Paper = &pp
		if paper != prof {
			rp.Notes = append(rp.Notes, deviations(prof, paper))
		}
	}
	p.Report = p.add("report", rp, b.reportIn, "", "report")
	p.Report.Settings = nil
	for _, s := range settings {
		p.Report.addSetting(s.ID)
	}
	return p
}

// runCost is what one more run of a setting costs by the cost model (CoreSeconds): the
// setting's nodes over its runs, and the part of it that sampling and measuring take (what
// more samples per cell multiply). A node several settings share counts for each: the price
// of a run is an upper bound, as the power analysis's prices are meant to be.
func (p *Plan) runCost(id string) *stages.RunCost {
	runs := float64(p.RunsOf(id))
	c := &stages.RunCost{}
	for _, n := range p.Nodes {
		if !slices.Contains(n.Settings, id) {
			continue
		}
		sec := CoreSeconds(n) / runs
		c.Run += sec
		if n.Stage == "sample" || n.Stage == "metrics" {
			c.Sampling += sec
		}
	}
	return c
}
