package spec

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
	MaxDim         = 1024 // the dimension of a setting
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
)

// Scales every family's numbers must keep: the diffusion runs at unit scale, and squares of
// these stay far from overflow.
const (
	MaxWeight  = maxWeight // |weight| of a source in a composition
	MaxAbsMean = 1e6       // |mean|
	MinVar     = 1e-12     // a variance
	MaxVar     = 1e12
)

// InRange refuses v outside [lo, hi] (or not finite), naming the field and the reason.
func InRange(field string, v, lo, hi float64) error {
	if err := Finite(field, v); err != nil {
		return err
	}
	if v < lo || v > hi {
		return fmt.Errorf("%s = %v is outside [%g, %g]; the diffusion works at unit scale, so rescale the setting", field, v, lo, hi)
	}
	return nil
}

// Finite reports a non-finite number as an error naming the field.
func Finite(field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%s = %v; every number in a spec must be finite (no .inf or .nan)", field, v)
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
