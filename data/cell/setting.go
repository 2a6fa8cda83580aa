package cell

import (
	"fmt"

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
}

// Dist builds the distribution.
func (s SourceSpec) Dist() (dist.Dist, error) {
	switch s.Family {
	case "gaussian":
		return dist.NewGaussian(s.Mean, s.Var)
	case "mixture":
		return dist.NewGMM(s.Means, s.Weights, s.Std)
	}
	return nil, fmt.Errorf("unknown source family %q (want gaussian or mixture)", s.Family)
}
