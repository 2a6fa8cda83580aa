package spec

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/stages"
)

func init() { RegisterFamily("gaussian", gaussian{}) }

// gaussian settings compose diagonal Gaussians: each source has mean and var (SPEC §5.1);
// the composition is closed-form unless the spec names another truth.
type gaussian struct{}

type gaussianSetting struct {
	Sources []struct {
		Mean []float64 `yaml:"mean"`
		Var  []float64 `yaml:"var"`
	} `yaml:"sources"`
}

// Build checks every number of the sources (finite, within the unit-scale bounds) and
// their shapes, then describes each source.
func (gaussian) Build(node *yaml.Node, hdr Header) (*cell.Setting, error) {
	var g gaussianSetting
	if err := DecodeStrict(node, &g); err != nil {
		return nil, err
	}
	for i, src := range g.Sources {
		if err := checkGaussianSource(i, SourceName(hdr, i), src.Mean, src.Var); err != nil {
			return nil, err
		}
	}
	s := &cell.Setting{Truth: hdr.Truth}
	if s.Truth == "" {
		s.Truth = stages.ClosedForm
	}
	for i, src := range g.Sources {
		if len(src.Mean) == 0 || len(src.Mean) != len(src.Var) {
			return nil, fmt.Errorf("source %s: needs mean and var of equal length d ≥ 1 (got %d and %d)", SourceName(hdr, i), len(src.Mean), len(src.Var))
		}
		for j, v := range src.Var {
			if !(v > 0) {
				return nil, fmt.Errorf("source %s: var[%d] = %v; variances must be positive", SourceName(hdr, i), j, v)
			}
		}
		s.Sources = append(s.Sources, cell.Source{Spec: cell.SourceSpec{Family: "gaussian", Mean: src.Mean, Var: src.Var}})
	}
	return s, nil
}

// checkGaussianSource refuses numbers that are not finite or exceed their bounds.
func checkGaussianSource(i int, name string, mean, variance []float64) error {
	at := SourceAt(i, name)
	if len(mean) > MaxDim || len(variance) > MaxDim {
		return fmt.Errorf("%s: mean/var have %d/%d entries; the dimension can be at most %d", at, len(mean), len(variance), MaxDim)
	}
	for j, v := range mean {
		if err := InRange(fmt.Sprintf("%s.mean[%d]", at, j), v, -MaxAbsMean, MaxAbsMean); err != nil {
			return err
		}
	}
	for j, v := range variance {
		field := fmt.Sprintf("%s.var[%d]", at, j)
		if err := Finite(field, v); err != nil {
			return err
		}
		if v > 0 { // non-positive variances get their own message below
			if err := InRange(field, v, MinVar, MaxVar); err != nil {
				return err
			}
		}
	}
	return nil
}

// sourceName is the name of source i as the header gives it.
func SourceName(hdr Header, i int) string {
	if i < len(hdr.Sources) {
		return hdr.Sources[i].Name
	}
	return fmt.Sprintf("s%d", i)
}
