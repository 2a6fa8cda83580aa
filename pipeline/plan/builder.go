package plan

import (
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/pipeline/spec"
	"github.com/compdiff/compdiff/stages"
)

// A Planner adds the nodes of one setting to a plan through b and returns what the report
// reads of them. Compose, the composition study, is the planner of every family that
// registers none.
type Planner func(b *Builder, s *cell.Setting) stages.ReportSetting

// Builder is what a planner needs of the plan it adds to.
type Builder struct {
	// Profile is the plan's profile.
	Profile  *spec.Profile
	plan     *Plan
	reportIn map[string]*Node
}

// RunsOf is the number of runs the plan computes for a setting.
func (b *Builder) RunsOf(id string) int { return b.plan.RunsOf(id) }

// ProfileOf is the profile a setting's nodes are planned with: its family's (Profile.For),
// with the model samples per cell -decide bought for it (Options.Samples). It is the family's
// profile itself unless the samples were raised.
func (b *Builder) ProfileOf(s *cell.Setting) *spec.Profile {
	p := b.Profile.For(s.Family)
	if n, ok := b.plan.samples[s.ID]; ok && n > 0 && n != p.Samples {
		c := p.Clone()
		c.Samples = n
		return c
	}
	return p
}

// Add returns the node of stage over params (JSON-encoded into its key) and inputs, for
// setting, creating it unless the plan has a node with the same key: then that node is
// returned, and setting is added to the settings needing it.
func (b *Builder) Add(stage string, params any, inputs map[string]*Node, setting, label string) *Node {
	return b.plan.add(stage, params, inputs, setting, label)
}

// Use makes n an input of the report and returns its name there (what ReportSetting's
// fields hold).
func (b *Builder) Use(n *Node) string {
	name := n.Stage + "/" + string(n.Key)
	b.reportIn[name] = n
	return name
}

// planners are the registered planners by family, registered by init functions before any
// plan is built (so the map needs no lock).
var planners = map[string]Planner{}

// RegisterPlanner makes p the planner of a setting family (spec.RegisterFamily); call it
// from an init function. Registering a family twice panics.
func RegisterPlanner(family string, p Planner) {
	if _, dup := planners[family]; dup {
		panic("plan: planner of family " + family + " registered twice")
	}
	planners[family] = p
}

// plannerOf returns the family's planner, or Compose.
func plannerOf(family string) Planner {
	if p, ok := planners[family]; ok {
		return p
	}
	return Compose
}
