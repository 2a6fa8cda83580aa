package spec

import (
	"fmt"
	"math"

	"gopkg.in/yaml.v3"

	"github.com/compdiff/compdiff/data/cell"
)

func init() { RegisterFamily("mixture", mixture{}) }

// mixture settings compose isotropic Gaussian mixtures sharing one list of component means
// and one std; each source weighs the components it lists (uniformly) or gives explicit
// component weights. The spec must name the ground-truth sampler.
type mixture struct{}

type mixtureSetting struct {
	Std     float64     `yaml:"std"`
	Means   [][]float64 `yaml:"means"`
	Sources []struct {
		Components       []int     `yaml:"components"`
		ComponentWeights []float64 `yaml:"component_weights"`
	} `yaml:"sources"`
}

// Build checks the shared means and std and every source's components, then describes each
// source as the mixture of the setting's means with its normalised weights.
func (mixture) Build(node *yaml.Node, hdr Header) (*cell.Setting, error) {
	var m mixtureSetting
	if err := DecodeStrict(node, &m); err != nil {
		return nil, err
	}
	if err := m.checkBounds(hdr); err != nil {
		return nil, err
	}
	s := &cell.Setting{Truth: hdr.Truth}
	for i := range m.Sources {
		w, err := m.weights(i)
		if err != nil {
			return nil, fmt.Errorf("source %s: %v", SourceName(hdr, i), err)
		}
		s.Sources = append(s.Sources, cell.Source{Spec: cell.SourceSpec{Family: "mixture", Means: m.Means, Weights: w, Std: m.Std}})
	}
	if s.Truth == "" {
		return nil, fmt.Errorf("names no ground-truth sampler; set truth: rejection or truth: importance")
	}
	return s, nil
}

// checkBounds refuses numbers that are not finite or exceed their bounds.
func (m *mixtureSetting) checkBounds(hdr Header) error {
	if err := Finite("std", m.Std); err != nil {
		return err
	}
	if m.Std != 0 { // zero (unset) is refused with its own message below
		if err := InRange("std", m.Std, math.Sqrt(MinVar), math.Sqrt(MaxVar)); err != nil {
			return err
		}
	}
	if len(m.Means) > maxComponents {
		return fmt.Errorf("means lists %d components; at most %d are supported", len(m.Means), maxComponents)
	}
	for k, mean := range m.Means {
		if len(mean) == 0 || len(mean) > MaxDim {
			return fmt.Errorf("means[%d] has dimension %d; want 1 to %d", k, len(mean), MaxDim)
		}
		if len(mean) != len(m.Means[0]) {
			return fmt.Errorf("means[%d] has dimension %d but means[0] has %d; all component means need one dimension", k, len(mean), len(m.Means[0]))
		}
		for j, v := range mean {
			if err := InRange(fmt.Sprintf("means[%d][%d]", k, j), v, -MaxAbsMean, MaxAbsMean); err != nil {
				return err
			}
		}
	}
	for i, src := range m.Sources {
		at := SourceAt(i, SourceName(hdr, i))
		if len(src.Components) > maxComponents || len(src.ComponentWeights) > maxComponents {
			return fmt.Errorf("%s lists more than %d components", at, maxComponents)
		}
		for j, v := range src.ComponentWeights {
			if err := Finite(fmt.Sprintf("%s.component_weights[%d]", at, j), v); err != nil {
				return err
			}
		}
	}
	return nil
}

// weights are source i's component weights, normalised to sum 1.
func (m *mixtureSetting) weights(i int) ([]float64, error) {
	src := m.Sources[i]
	if len(m.Means) == 0 || !(m.Std > 0) {
		return nil, fmt.Errorf("mixture settings need means: (component means) and std: > 0")
	}
	w := make([]float64, len(m.Means))
	switch {
	case len(src.ComponentWeights) > 0:
		if len(src.ComponentWeights) != len(m.Means) {
			return nil, fmt.Errorf("component_weights has %d entries for %d means", len(src.ComponentWeights), len(m.Means))
		}
		copy(w, src.ComponentWeights)
	case len(src.Components) > 0:
		for _, k := range src.Components {
			if k < 0 || k >= len(m.Means) {
				return nil, fmt.Errorf("component %d out of range (the setting has %d means, indices 0..%d)", k, len(m.Means), len(m.Means)-1)
			}
			w[k] = 1
		}
	default:
		return nil, fmt.Errorf("lists no components; give components: [indices] or component_weights:")
	}
	total := 0.0
	for _, v := range w {
		if v < 0 {
			return nil, fmt.Errorf("negative component weight %v", v)
		}
		total += v
	}
	if !(total > 0) {
		return nil, fmt.Errorf("all component weights are zero")
	}
	for k := range w {
		w[k] /= total
	}
	return w, nil
}
