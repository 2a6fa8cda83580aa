package spec

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gopkg.in/yaml.v3"
)

// Calibration describes how the profile's reduced network is checked against the paper's:
// both are trained on the pools of Ns for the settings of Families, for Runs runs, and
// sampled naively (K = 1) at the profile's sizes; a network is calibrated on a setting when
// the per-run difference of its SW2 from the reference's is shown to lie within ±Margin·scale
// (equivalence, two one-sided tests, Holm over the settings). Candidates are further
// trainings the calibrate task measures the same way, to choose the cheapest that passes.
// Training fields left out of the reference or a candidate are the profile's.
type Calibration struct {
	Reference  yaml.Node   `yaml:"reference"`
	Candidates []yaml.Node `yaml:"candidates"`
	Ns         []int       `yaml:"ns"`
	Runs       int         `yaml:"runs"`
	Margin     float64     `yaml:"margin"`
	Families   []string    `yaml:"families"`

	ref   TrainProfile
	cands []TrainProfile
}

// Trainings are the reference training, the profile's own, and the candidates, resolved
// against the profile's train.
func (c *Calibration) Trainings() (ref TrainProfile, cands []TrainProfile) { return c.ref, c.cands }

// resolveCalibration fills the reference and candidates in from the profile's train and
// checks the block; every problem is named.
func (p *Profile) resolveCalibration() error {
	c := p.Calibration
	if c == nil {
		return nil
	}
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("profile %s: calibration: %s", p.Name, fmt.Sprintf(format, args...)))
	}
	train := func(node *yaml.Node, what string) TrainProfile {
		f := p.clone()
		if node.Kind != 0 {
			if err := DecodeStrict(node, &f.Train); err != nil {
				bad("%s: %v", what, err)
			}
		}
		ps := &problems{profile: p.Name, fields: map[string]bool{}}
		f.checkModels(ps)
		for _, e := range ps.lines {
			bad("%s: %v", what, e)
		}
		return f.Train
	}
	c.ref = train(&c.Reference, "reference")
	c.cands = nil
	for i := range c.Candidates {
		c.cands = append(c.cands, train(&c.Candidates[i], fmt.Sprintf("candidates[%d]", i)))
	}
	if c.Runs < 2 {
		bad("runs = %d; a paired test needs at least 2", c.Runs)
	}
	if !(c.Margin > 0) || math.IsInf(c.Margin, 0) {
		bad("margin = %v; give the equivalence margin in units of the target's scale (e.g. 0.03)", c.Margin)
	}
	if len(c.Ns) == 0 {
		bad("ns is empty; list the pool sizes whose conditional models the claims read as well trained")
	}
	for _, n := range c.Ns {
		if n < 1 {
			bad("ns contains N = %d; pool sizes must be ≥ 1", n)
		}
	}
	for _, f := range c.Families {
		if !slices.Contains(Families(), f) {
			bad("families has %q, which is no setting family", f)
		}
	}
	return errors.Join(errs...)
}
