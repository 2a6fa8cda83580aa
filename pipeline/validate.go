package pipeline

import (
	"fmt"
	"io"
	"math"
	"os"
)

// Bounds on what a spec may ask for. They sit far above every built-in profile (paper is
// the largest) and exist so that no field, alone or multiplied with others, can overflow an
// int or make a single allocation absurd; the size check (size.go) bounds the whole plan.
const (
	maxSpecBytes   = 1 << 20 // a spec file; the built-in one is a few kB
	maxIDLen       = 64
	maxDim         = 1024
	maxSources     = 16
	maxComponents  = 4096
	maxRuns        = 10_000
	maxSamples     = 100_000_000 // per cell, ground truth, figures, ODE
	maxSteps       = 1_000_000
	maxK           = 1_000_000
	maxListLen     = 64 // ks, ns, model_kinds
	maxPoolN       = 1_000_000_000
	maxProjections = 1_000_000
	maxOversample  = 10_000
	maxWidth       = 65_536
	maxDepth       = 1_000
	maxBatch       = 10_000_000
	maxIters       = 1_000_000_000
	maxWeight      = 1e6 // |weight| of a source in a composition
	// Scales: the diffusion runs at unit scale, and squares of these stay far from overflow.
	maxAbsMean = 1e6
	minVar     = 1e-12
	maxVar     = 1e12
)

// inRange refuses v outside [lo, hi], naming the field and the reason.
func inRange(field string, v, lo, hi float64) error {
	if err := finite(field, v); err != nil {
		return err
	}
	if v < lo || v > hi {
		return fmt.Errorf("%s = %v is outside [%g, %g]; the diffusion works at unit scale, so rescale the setting", field, v, lo, hi)
	}
	return nil
}

// finite reports a non-finite number as an error naming the field.
func finite(field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%s = %v; every number in a spec must be finite (no .inf or .nan)", field, v)
	}
	return nil
}

// checkDefs refuses duplicate ids within one spec file and any setting field that is not
// finite or exceeds its bound, before a setting is built from it.
func checkDefs(defs []SettingDef, where string) error {
	seen := map[string]int{}
	for i, d := range defs {
		if j, dup := seen[d.ID]; dup {
			return fmt.Errorf("spec %s: settings %d and %d both have id %q; ids must be unique within a file (rename one)", where, j+1, i+1, d.ID)
		}
		seen[d.ID] = i
		if err := checkDef(d); err != nil {
			return fmt.Errorf("spec %s: setting %q: %w", where, d.ID, err)
		}
	}
	return nil
}

func checkDef(d SettingDef) error {
	if len(d.ID) > maxIDLen {
		return fmt.Errorf("id has %d characters; use at most %d", len(d.ID), maxIDLen)
	}
	if len(d.Sources) > maxSources {
		return fmt.Errorf("has %d sources; at most %d are supported", len(d.Sources), maxSources)
	}
	if err := finite("std", d.Std); err != nil {
		return err
	}
	if d.Std != 0 { // zero (unset) is refused with its own message when the setting is built
		if err := inRange("std", d.Std, math.Sqrt(minVar), math.Sqrt(maxVar)); err != nil {
			return err
		}
	}
	if len(d.Means) > maxComponents {
		return fmt.Errorf("means lists %d components; at most %d are supported", len(d.Means), maxComponents)
	}
	for k, m := range d.Means {
		if len(m) == 0 || len(m) > maxDim {
			return fmt.Errorf("means[%d] has dimension %d; want 1 to %d", k, len(m), maxDim)
		}
		if len(m) != len(d.Means[0]) {
			return fmt.Errorf("means[%d] has dimension %d but means[0] has %d; all component means need one dimension", k, len(m), len(d.Means[0]))
		}
		for j, v := range m {
			if err := inRange(fmt.Sprintf("means[%d][%d]", k, j), v, -maxAbsMean, maxAbsMean); err != nil {
				return err
			}
		}
	}
	for i, s := range d.Sources {
		at := fmt.Sprintf("sources[%d]", i)
		if s.Name != "" {
			at += " (" + s.Name + ")"
		}
		if s.Weight != nil {
			if err := finite(at+".weight", *s.Weight); err != nil {
				return err
			}
			if math.Abs(*s.Weight) > maxWeight {
				return fmt.Errorf("%s.weight = %v; |weight| must be at most %g", at, *s.Weight, maxWeight)
			}
		}
		if len(s.Mean) > maxDim || len(s.Var) > maxDim {
			return fmt.Errorf("%s: mean/var have %d/%d entries; the dimension can be at most %d", at, len(s.Mean), len(s.Var), maxDim)
		}
		for j, v := range s.Mean {
			if err := inRange(fmt.Sprintf("%s.mean[%d]", at, j), v, -maxAbsMean, maxAbsMean); err != nil {
				return err
			}
		}
		for j, v := range s.Var {
			if err := finite(fmt.Sprintf("%s.var[%d]", at, j), v); err != nil {
				return err
			}
			if v > 0 { // non-positive variances get their own message when the setting is built
				if err := inRange(fmt.Sprintf("%s.var[%d]", at, j), v, minVar, maxVar); err != nil {
					return err
				}
			}
		}
		if len(s.Components) > maxComponents || len(s.ComponentWeights) > maxComponents {
			return fmt.Errorf("%s lists more than %d components", at, maxComponents)
		}
		for j, v := range s.ComponentWeights {
			if err := finite(fmt.Sprintf("%s.component_weights[%d]", at, j), v); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkBounds refuses non-finite and out-of-range profile fields; Validate then checks
// what each field must mean.
func (p *Profile) checkBounds() error {
	t := p.Train
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"rejection_safety", p.Safety}, {"g_clip", p.GClip.Value}, {"train.lr", t.LR},
		{"train.beta1", t.Beta1}, {"train.beta2", t.Beta2}, {"train.eps", t.Eps},
	} {
		if err := finite(f.name, f.v); err != nil {
			return fmt.Errorf("profile %s: %w", p.Name, err)
		}
	}
	ints := []struct {
		name string
		v    int
		max  int
	}{
		{"runs", p.Runs, maxRuns}, {"samples", p.Samples, maxSamples}, {"truth_samples", p.TruthN, maxSamples},
		{"steps", p.Steps, maxSteps}, {"projections", p.Proj, maxProjections},
		{"importance_oversample", p.Oversample, maxOversample}, {"figure_samples", p.FigSamples, maxSamples},
		{"ode_samples", p.ODESamples, maxSamples}, {"train.width", t.Width, maxWidth}, {"train.depth", t.Depth, maxDepth},
		{"train.batch", t.Batch, maxBatch}, {"train.iters", t.Iters, maxIters}, {"train.loss_every", t.LossEvery, maxIters},
		{"ks (entries)", len(p.Ks), maxListLen}, {"ns (entries)", len(p.Ns), maxListLen},
		{"model_kinds (entries)", len(p.ModelKinds), maxListLen},
	}
	for _, f := range ints {
		if f.v > f.max {
			return fmt.Errorf("profile %s: %s = %d exceeds the limit %d; use a smaller value", p.Name, f.name, f.v, f.max)
		}
	}
	// MMD² ranks the samples×truth_samples cross distances with 32-bit counts.
	if uint64(p.Samples)*uint64(p.TruthN) >= math.MaxUint32 {
		return fmt.Errorf("profile %s: samples × truth_samples = %d × %d is %d, at or above the MMD² limit of 2³²; reduce one of them", p.Name, p.Samples, p.TruthN, uint64(p.Samples)*uint64(p.TruthN))
	}
	if p.Seed > math.MaxUint64-uint64(maxRuns) {
		return fmt.Errorf("profile %s: seed = %d leaves no room for seed + run; use a seed below %d", p.Name, p.Seed, uint64(math.MaxUint64-maxRuns))
	}
	if err := uniqueInts("ks", p.Ks, maxK); err != nil {
		return fmt.Errorf("profile %s: %w", p.Name, err)
	}
	if err := uniqueInts("ns", p.Ns, maxPoolN); err != nil {
		return fmt.Errorf("profile %s: %w", p.Name, err)
	}
	seen := map[string]bool{}
	for _, k := range p.ModelKinds {
		if seen[k] {
			return fmt.Errorf("profile %s: model_kinds lists %q twice; list each kind once", p.Name, k)
		}
		seen[k] = true
	}
	return nil
}

// uniqueInts refuses repeated entries (they would plan the same cells twice) and entries
// beyond max.
func uniqueInts(field string, v []int, max int) error {
	seen := map[int]bool{}
	for _, x := range v {
		if x > max {
			return fmt.Errorf("%s contains %d, above the limit %d", field, x, max)
		}
		if seen[x] {
			return fmt.Errorf("%s lists %d twice; list each value once", field, x)
		}
		seen[x] = true
	}
	return nil
}

// readSpecFile reads a user spec, refusing files too large to be a spec.
func readSpecFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading spec file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSpecBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading spec file %s: %w", path, err)
	}
	if len(b) > maxSpecBytes {
		return nil, fmt.Errorf("spec file %s is larger than %d bytes; a spec lists settings and profiles, not data", path, maxSpecBytes)
	}
	return b, nil
}
