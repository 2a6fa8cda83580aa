package projective

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/compdiff/compdiff/pipeline/spec"
	"math"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/compdiff/compdiff/core/linmap"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/stages"
)

func init() { spec.RegisterFamily(stages.LinearMapFamily, linearMap{}) }

// linear-map settings are factorized Gaussian concepts seen through an invertible linear
// map A (seed 002 §6–7, core/linmap): the sources are A♯p_1 … A♯p_k and A♯p_b, Gaussians
// with full covariances A·D·Aᵀ, with the derived weights +1 and −(k−1); the ground truth
// is the closed-form composition. For example
//
//   - id: my-shear
//     family: linear-map
//     concepts: gauss-fc-id        # or gauss-fc-ood, or {background: [..], variances: [[..], ..]}
//     map: {shear: 1}              # or {rotation: 0.7} (radians) or {matrix: [[1, 1], [0, 1]]}
type linearMap struct{}

type linearMapSetting struct {
	Concepts conceptsField `yaml:"concepts"`
	Map      struct {
		Shear    *float64    `yaml:"shear"`
		Rotation *float64    `yaml:"rotation"`
		Matrix   [][]float64 `yaml:"matrix"`
	} `yaml:"map"`
}

// conceptsField is concepts: a built-in name or {background, variances}.
type conceptsField struct {
	linmap.Setup
	set bool
}

// UnmarshalYAML reads a name (linmap.Named) or a mapping, strictly.
func (f *conceptsField) UnmarshalYAML(n *yaml.Node) error {
	f.set = true
	if n.Kind == yaml.ScalarNode {
		c, err := linmap.Named(n.Value)
		if err != nil {
			return fmt.Errorf("line %d: %w", n.Line, err)
		}
		f.Name, f.Background, f.Concepts = n.Value, c.Background, c.Concepts
		return nil
	}
	var v struct {
		Background []float64   `yaml:"background"`
		Variances  [][]float64 `yaml:"variances"`
	}
	if err := spec.DecodeStrict(n, &v); err != nil {
		return err
	}
	f.Background, f.Concepts = v.Background, v.Variances
	return nil
}

// Build checks the concepts and the map (every problem at once), then derives the pushed-
// forward sources and the measurement.
func (linearMap) Build(node *yaml.Node, hdr spec.Header) (*cell.Setting, error) {
	var st linearMapSetting
	if err := spec.DecodeStrict(node, &st); err != nil {
		return nil, err
	}
	if hdr.Truth != "" && hdr.Truth != stages.ClosedForm {
		return nil, fmt.Errorf("truth: %s; linear-map settings have a closed-form ground truth (leave truth: out)", hdr.Truth)
	}
	if !st.Concepts.set {
		return nil, errors.New("concepts: missing; give gauss-fc-id, gauss-fc-ood or {background: [..], variances: [[..], ..]}")
	}
	su := st.Concepts.Setup
	su.Shear, su.Rotation, su.Matrix = st.Map.Shear, st.Map.Rotation, st.Map.Matrix
	if err := checkLinearMapBounds(su); err != nil {
		return nil, err
	}
	if err := su.Validate(); err != nil {
		return nil, err
	}
	A, _ := su.A()
	c := su.Of()
	covs, err := c.Covs(A)
	if err != nil {
		return nil, err
	}
	s := &cell.Setting{Truth: stages.ClosedForm, Dim: len(su.Background)}
	w := c.Weights()
	for a, cov := range covs {
		spec, err := stages.NewFullGaussianSource(make([]float64, s.Dim), cov)
		if err != nil {
			return nil, err
		}
		name := "bg"
		if a < len(c.Concepts) {
			name = "c" + strconv.Itoa(a+1)
		}
		s.Sources = append(s.Sources, cell.Source{Name: name, Weight: w[a], Spec: spec})
	}
	raw, err := json.Marshal(su)
	if err != nil {
		return nil, err
	}
	s.Measure = &cell.Measure{Family: stages.LinearMapFamily, Params: raw}
	return s, nil
}

// checkLinearMapBounds refuses numbers beyond the spec's bounds (the diffusion works at
// unit scale), naming all of them.
func checkLinearMapBounds(su linmap.Setup) error {
	var errs []error
	if len(su.Background) > spec.MaxDim {
		errs = append(errs, fmt.Errorf("the concepts have dimension %d; at most %d", len(su.Background), spec.MaxDim))
	}
	for j, v := range su.Background {
		if err := spec.InRange(fmt.Sprintf("background[%d]", j), v, spec.MinVar, spec.MaxVar); err != nil {
			errs = append(errs, err)
		}
	}
	for i, row := range su.Concepts {
		for j, v := range row {
			if err := spec.InRange(fmt.Sprintf("variances[%d][%d]", i, j), v, spec.MinVar, spec.MaxVar); err != nil {
				errs = append(errs, err)
			}
		}
	}
	lim := math.Sqrt(spec.MaxAbsMean)
	for _, p := range []struct {
		name string
		v    *float64
	}{{"map.shear", su.Shear}, {"map.rotation", su.Rotation}} {
		if p.v != nil {
			if err := spec.InRange(p.name, *p.v, -lim, lim); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for i, row := range su.Matrix {
		for j, v := range row {
			if err := spec.InRange(fmt.Sprintf("map.matrix[%d][%d]", i, j), v, -lim, lim); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
