package pipeline

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/compdiff/compdiff/stages"
)

// GClip is the FKC log-weight increment clip: a positive number, or none.
type GClip struct {
	Value float64
	None  bool
}

func (g *GClip) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && (n.Value == "none" || n.Value == "null" || n.Value == "~") {
		*g = GClip{None: true}
		return nil
	}
	v, err := strconv.ParseFloat(n.Value, 64)
	if err != nil || n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: g_clip must be a positive number or none, not %q", n.Line, n.Value)
	}
	*g = GClip{Value: v}
	return nil
}

// Ptr is the clip as node params carry it (nil = none).
func (g GClip) Ptr() *float64 {
	if g.None {
		return nil
	}
	v := g.Value
	return &v
}

func (g GClip) String() string {
	if g.None {
		return "none"
	}
	return strconv.FormatFloat(g.Value, 'g', -1, 64)
}

// TrainProfile holds the training hyper-parameters of SPEC §6.
type TrainProfile struct {
	Width     int     `yaml:"width"`
	Depth     int     `yaml:"depth"`
	Batch     int     `yaml:"batch"`
	Iters     int     `yaml:"iters"`
	LR        float64 `yaml:"lr"`
	Beta1     float64 `yaml:"beta1"`
	Beta2     float64 `yaml:"beta2"`
	Eps       float64 `yaml:"eps"`
	LossEvery int     `yaml:"loss_every"`
}

// Profile sets the size of a study: how many runs, samples, steps, which K and N.
type Profile struct {
	Name       string       `yaml:"-"`
	Base       string       `yaml:"base"` // a user profile may start from a built-in one
	Runs       int          `yaml:"runs"`
	Seed       uint64       `yaml:"seed"`          // run r (0-based) uses seed + r for everything in it
	Samples    int          `yaml:"samples"`       // model samples per cell
	TruthN     int          `yaml:"truth_samples"` // ground-truth samples per run
	Steps      int          `yaml:"steps"`
	Ks         []int        `yaml:"ks"`
	GClip      GClip        `yaml:"g_clip"`
	Proj       int          `yaml:"projections"`
	Oversample int          `yaml:"importance_oversample"`
	Safety     float64      `yaml:"rejection_safety"`
	Ns         []int        `yaml:"ns"`
	Analytic   bool         `yaml:"analytic"`
	ModelKinds []string     `yaml:"model_kinds"`
	FigSamples int          `yaml:"figure_samples"`
	ODESamples int          `yaml:"ode_samples"`
	Train      TrainProfile `yaml:"train"`
	// Methods are samplers run besides FKC (which covers every K) on every score model:
	// ode, superdiff-and, superdiff-or. A setting may override the list.
	Methods []string `yaml:"methods"`
	// MethodsNs limits the extra samplers on learned scores to these pool sizes (empty: all
	// of ns); they run on the exact scores and on the first of model_kinds.
	MethodsNs []int `yaml:"methods_ns"`
	// CoInD models: one per penalty weight λ, trained on the pools of CoInDNs.
	CoInDLambdas []float64 `yaml:"coind_lambdas"`
	CoInDNs      []int     `yaml:"coind_ns"`
}

// extraMethods are the samplers a profile or setting may list under methods.
var extraMethods = []string{stages.MethodODE, stages.MethodSuperAnd, stages.MethodSuperOr}

func checkMethods(ms []string) error {
	for _, m := range ms {
		if !slices.Contains(extraMethods, m) {
			return fmt.Errorf("methods contains %q; choose from %v (fkc always runs, over ks)", m, extraMethods)
		}
	}
	return nil
}

// Validate checks every field; errors name the profile, the field and the fix.
func (p *Profile) Validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("profile %s: %s %s", p.Name, field, fmt.Sprintf(format, args...))
	}
	if err := p.checkBounds(); err != nil {
		return err
	}
	switch {
	case p.Runs < 1:
		return bad("runs", "= %d; need at least 1", p.Runs)
	case p.Samples < 2:
		return bad("samples", "= %d; need at least 2 (metrics compare sample sets)", p.Samples)
	case p.TruthN < 2:
		return bad("truth_samples", "= %d; need at least 2 (metrics compare sample sets)", p.TruthN)
	case p.Steps < 1:
		return bad("steps", "= %d; need at least 1", p.Steps)
	case len(p.Ks) == 0:
		return bad("ks", "is empty; list at least one particle count K ≥ 1")
	case !p.GClip.None && !(p.GClip.Value > 0):
		return bad("g_clip", "= %v; give a positive number or none", p.GClip.Value)
	case p.Proj < 1:
		return bad("projections", "= %d; need at least 1", p.Proj)
	case p.Oversample < 1:
		return bad("importance_oversample", "= %d; need at least 1", p.Oversample)
	case p.Safety < 1 || math.IsInf(p.Safety, 0):
		return bad("rejection_safety", "= %v; need a finite factor ≥ 1", p.Safety)
	case !p.Analytic && len(p.Ns) == 0:
		return bad("ns", "is empty and analytic is false: nothing to compute")
	case p.FigSamples < 1 || p.ODESamples < 2:
		return bad("figure_samples/ode_samples", "must be ≥ 1 and ≥ 2")
	}
	if err := checkMethods(p.Methods); err != nil {
		return bad("methods", "%v", err)
	}
	for _, n := range p.MethodsNs {
		if !slices.Contains(p.Ns, n) {
			return bad("methods_ns", "contains N = %d, which is not in ns %v; the samplers run on the study's models", n, p.Ns)
		}
	}
	for _, l := range p.CoInDLambdas {
		if !(l >= 0) || math.IsInf(l, 0) {
			return bad("coind_lambdas", "contains λ = %v; every penalty weight must be finite and ≥ 0", l)
		}
	}
	if len(p.CoInDLambdas) > 0 {
		if len(p.CoInDNs) == 0 {
			return bad("coind_ns", "is empty but coind_lambdas is not; list the pool sizes N to train CoInD models on")
		}
		for _, n := range p.CoInDNs {
			if !slices.Contains(p.Ns, n) {
				return bad("coind_ns", "contains N = %d, which is not in ns %v; CoInD models reuse the study's pools", n, p.Ns)
			}
		}
	}
	for _, k := range p.Ks {
		if k < 1 {
			return bad("ks", "contains K = %d; every K must be ≥ 1 (K = 1 is the naive sampler)", k)
		}
	}
	for _, n := range p.Ns {
		if n < 1 {
			return bad("ns", "contains N = %d; every training-pool size must be ≥ 1", n)
		}
	}
	if len(p.Ns) > 0 {
		if len(p.ModelKinds) == 0 {
			return bad("model_kinds", "is empty; list conditional and/or separate")
		}
		for _, k := range p.ModelKinds {
			if k != "conditional" && k != "separate" {
				return bad("model_kinds", "contains %q; want conditional or separate", k)
			}
		}
		t := p.Train
		switch {
		case t.Width < 1 || t.Depth < 1:
			return bad("train", "width %d, depth %d; both must be ≥ 1", t.Width, t.Depth)
		case t.Batch < 1 || t.Iters < 1:
			return bad("train", "batch %d, iters %d; both must be ≥ 1", t.Batch, t.Iters)
		case !(t.LR > 0) || t.Beta1 < 0 || t.Beta1 >= 1 || t.Beta2 < 0 || t.Beta2 >= 1 || !(t.Eps > 0):
			return bad("train", "needs lr > 0, 0 ≤ beta1, beta2 < 1, eps > 0")
		case t.LossEvery < 1:
			return bad("train.loss_every", "= %d; need at least 1", t.LossEvery)
		}
	}
	return nil
}
