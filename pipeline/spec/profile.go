package spec

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compdiff/compdiff/stages"
)

// GClip is the FKC log-weight increment clip: a positive number, or none.
type GClip struct {
	Value float64
	None  bool
}

// UnmarshalYAML reads a positive number or none.
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

// String prints the clip as the spec writes it.
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
	// Families overrides fields of this profile for the settings of one family, e.g.
	// families: {rooms: {ns: [1000], train: {width: 256}}} — a study's own network size or
	// pools, its run count. seed stays the profile's. A profile entry of a -spec file replaces
	// a family's whole block. Read it through For.
	Families map[string]yaml.Node `yaml:"families"`
	family   map[string]*Profile
	// Calibration checks the profile's network against the paper's (calibrate task).
	Calibration *Calibration `yaml:"calibration"`
}

// For is the profile as the settings of a family see it: with the family's overrides, or
// the profile itself when it has none.
func (p *Profile) For(family string) *Profile {
	if f, ok := p.family[family]; ok {
		return f
	}
	return p
}

// Clone is a copy of p whose slices and maps the copy may change without touching p.
func (p *Profile) Clone() *Profile { return p.clone() }

// clone is a copy of p whose slices and maps the copy may change without touching p.
func (p *Profile) clone() *Profile {
	c := *p
	c.Ks, c.Ns, c.MethodsNs, c.CoInDNs = slices.Clone(p.Ks), slices.Clone(p.Ns), slices.Clone(p.MethodsNs), slices.Clone(p.CoInDNs)
	c.ModelKinds, c.Methods = slices.Clone(p.ModelKinds), slices.Clone(p.Methods)
	c.CoInDLambdas = slices.Clone(p.CoInDLambdas)
	c.Families, c.family = maps.Clone(p.Families), nil
	return &c
}

// resolveFamilies builds and validates the profile of every family block; the problems of
// all blocks come back together.
func (p *Profile) resolveFamilies(where string) error {
	p.family = map[string]*Profile{}
	var errs []error
	names := slices.Sorted(maps.Keys(p.Families))
	for _, fam := range names {
		if !slices.Contains(Families(), fam) {
			errs = append(errs, fmt.Errorf("profile %s: families has %q, which is no setting family; use one of %s", p.Name, fam, strings.Join(Families(), ", ")))
			continue
		}
		node := p.Families[fam]
		f := p.clone()
		f.Families = nil
		if err := decodeProfile(&node, f, where); err != nil {
			errs = append(errs, fmt.Errorf("profile %s: families.%s: %w", p.Name, fam, err))
			continue
		}
		if f.Seed != p.Seed || f.Base != p.Base || f.Families != nil {
			errs = append(errs, fmt.Errorf("profile %s: families.%s sets seed, base or families; those belong to the whole profile (run r uses seed + r in every study), so set them there", p.Name, fam))
			continue
		}
		f.Name = p.Name
		// Only what the block itself gets wrong: the whole profile's problems are named once.
		base := map[string]bool{}
		for _, e := range p.problems() {
			base[e.Error()] = true
		}
		bad := false
		for _, e := range f.problems() {
			if !base[e.Error()] {
				errs, bad = append(errs, fmt.Errorf("families.%s: %w", fam, e)), true
			}
		}
		if !bad {
			p.family[fam] = f
		}
	}
	return errors.Join(errs...)
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

// MethodsFor is the setting's list of extra samplers, or the profile's.
func (p *Profile) MethodsFor(s *Setting) []string {
	if s.Methods != nil {
		return s.Methods
	}
	return p.Methods
}

// OversampleFor is the importance oversampling of a setting's ground truth (0 unless it
// uses importance sampling).
func (p *Profile) OversampleFor(s *Setting) int {
	if s.Truth == stages.Importance {
		return p.Oversample
	}
	return 0
}

// SafetyFor is the rejection safety factor of a setting's ground truth (0 unless it uses
// rejection sampling).
func (p *Profile) SafetyFor(s *Setting) float64 {
	if s.Truth == stages.Rejection {
		return p.Safety
	}
	return 0
}
