package cell

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/compdiff/compdiff/core/dist"
)

// Setting is one composition task of the study, as the spec defines it. The same type
// travels from the spec (pipeline) through the report node's params (stages) into the
// report (reports).
type Setting struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Kind    string   `json:"kind"`   // e.g. "non-factorized, ID"
	Family  string   `json:"family"` // gaussian | mixture
	Truth   string   `json:"truth"`  // closed-form | rejection | importance
	Dim     int      `json:"dim"`
	Claim   string   `json:"claim,omitempty"` // the rule its numbers test (see reports.Rules); "" for none
	Sources []Source `json:"sources"`
	Notes   []string `json:"notes,omitempty"`
	// Methods, when not nil, replaces the profile's samplers besides FKC for this setting.
	Methods []string `json:"methods,omitempty"`
	// Measure, when set, is the family's own measurement, which the metrics stage computes
	// besides SW2 and MMD² (e.g. the class shares of room images).
	Measure *Measure `json:"measure,omitempty"`
}

// Measure names a family's measurement of a sample set and its parameters (the family's
// own JSON; the measurement decodes it).
type Measure struct {
	Family string          `json:"family"`
	Params json.RawMessage `json:"params,omitempty"`
}

// Source is one source of a setting with its weight in the composition.
type Source struct {
	Name   string     `json:"name"`
	Weight float64    `json:"weight"`
	Spec   SourceSpec `json:"spec"`
}

// Weights returns w in source order.
func (s *Setting) Weights() []float64 {
	w := make([]float64, len(s.Sources))
	for i, src := range s.Sources {
		w[i] = src.Weight
	}
	return w
}

// Specs returns the source specs in source order.
func (s *Setting) Specs() []SourceSpec {
	out := make([]SourceSpec, len(s.Sources))
	for i, src := range s.Sources {
		out[i] = src.Spec
	}
	return out
}

// Names returns the source names in source order.
func (s *Setting) Names() []string {
	out := make([]string, len(s.Sources))
	for i, src := range s.Sources {
		out[i] = src.Name
	}
	return out
}

// SourceSpec is the canonical description of a source distribution as it appears in node
// params. Two settings that share a source (same family, parameters) produce equal specs and
// therefore share dataset and separate-expert nodes.
type SourceSpec struct {
	Family  string      `json:"family"` // "gaussian" | "mixture"
	Mean    []float64   `json:"mean,omitempty"`
	Var     []float64   `json:"var,omitempty"`
	Means   [][]float64 `json:"means,omitempty"`
	Weights []float64   `json:"weights,omitempty"` // normalised
	Std     float64     `json:"std,omitempty"`
	// Params is a registered family's own compact description (see RegisterSource): a room
	// or a scene is described by its objects and placements, not by its templates.
	Params json.RawMessage `json:"params,omitempty"`
}

// SourceBuilder builds the distribution a source spec of one family describes.
type SourceBuilder func(SourceSpec) (dist.Dist, error)

var (
	sourceMu       sync.RWMutex
	sourceBuilders = map[string]SourceBuilder{
		"gaussian": func(s SourceSpec) (dist.Dist, error) { return dist.NewGaussian(s.Mean, s.Var) },
		"mixture":  func(s SourceSpec) (dist.Dist, error) { return dist.NewGMM(s.Means, s.Weights, s.Std) },
	}
)

// RegisterSource adds a source family: the seam through which a study brings its own
// distributions (gaussian and mixture are built in). Registering a name twice panics.
func RegisterSource(family string, b SourceBuilder) {
	sourceMu.Lock()
	defer sourceMu.Unlock()
	if _, dup := sourceBuilders[family]; dup {
		panic("cell: source family " + family + " registered twice")
	}
	sourceBuilders[family] = b
}

// Dist builds the distribution.
func (s SourceSpec) Dist() (dist.Dist, error) {
	sourceMu.RLock()
	b, ok := sourceBuilders[s.Family]
	var names []string
	if !ok {
		for n := range sourceBuilders {
			names = append(names, n)
		}
	}
	sourceMu.RUnlock()
	if !ok {
		sort.Strings(names)
		return nil, fmt.Errorf("unknown source family %q (want %s)", s.Family, strings.Join(names, ", "))
	}
	return b(s)
}
