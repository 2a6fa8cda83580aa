package stages

import (
	"fmt"

	"github.com/compdiff/compdiff/core/dist"
)

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

// Dists builds every source.
func Dists(specs []SourceSpec) ([]dist.Dist, error) {
	out := make([]dist.Dist, len(specs))
	for i, s := range specs {
		d, err := s.Dist()
		if err != nil {
			return nil, fmt.Errorf("source %d: %w", i, err)
		}
		out[i] = d
	}
	return out, nil
}
