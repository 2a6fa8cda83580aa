package stages

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/truth"
	"github.com/compdiff/compdiff/data"
)

// TruthVersion: bump when ground-truth samples change for the same params.
const TruthVersion = 1

// Ground-truth samplers a setting may name.
const (
	ClosedForm = "closed-form"
	Rejection  = "rejection"
	Importance = "importance"
)

// TruthParams: n samples of the composed target Π_a P_a^{w_a}.
type TruthParams struct {
	Sources    []SourceSpec `json:"sources"`
	Weights    []float64    `json:"weights"`
	Method     string       `json:"method"`
	N          int          `json:"n"`
	Oversample int          `json:"oversample,omitempty"` // importance: proposals per wanted sample
	Safety     float64      `json:"safety,omitempty"`     // rejection: factor ≥ 1 on the bound M
	Seed       uint64       `json:"seed"`
}

func init() {
	register(Def{Name: "truth", Version: TruthVersion, Run: runTruth})
	RegisterTruth(ClosedForm, TruthMethod{Check: checkClosedForm, Sample: sampleClosedForm})
	RegisterTruth(Rejection, TruthMethod{Check: checkRejection, Sample: sampleRejection})
	RegisterTruth(Importance, TruthMethod{Check: checkImportance, Sample: sampleImportance})
}

// A TruthMethod draws exact samples of a composition Π_a P_a^{w_a}: the seam through which
// a study brings its own ground truth (closed-form, rejection and importance are built
// in). A setting names its method with truth:; the truth node's params are TruthParams.
type TruthMethod struct {
	// Check tells whether the method can sample the composition of the sources (their
	// specs and built distributions) with weights w exactly; the error says why not and
	// what to do. The pipeline calls it when it reads a spec, before anything runs.
	Check func(specs []SourceSpec, ds []dist.Dist, w []float64) error
	// Sample draws p.N samples (row-major) once Check has passed, and returns facts for
	// the artifact's metadata and the report (e.g. "ess", "acceptance", "proposals").
	Sample func(p *TruthParams, ds []dist.Dist, r *rand.Rand) ([]float64, map[string]string, error)
}

// truthMethods are registered by init functions, before any node runs (no lock needed).
var truthMethods = map[string]TruthMethod{}

// RegisterTruth adds a ground-truth method under its spec name; call it from an init
// function. Registering a name twice panics.
func RegisterTruth(method string, m TruthMethod) {
	if _, dup := truthMethods[method]; dup {
		panic("stages: truth method " + method + " registered twice")
	}
	truthMethods[method] = m
}

// TruthMethods lists the registered ground-truth methods, sorted.
func TruthMethods() []string {
	names := make([]string, 0, len(truthMethods))
	for n := range truthMethods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// CheckTarget tells whether method can sample the composition exactly; the error says why
// not and what to do. The pipeline calls it when it reads a spec, before anything runs.
func CheckTarget(sources []SourceSpec, w []float64, method string) error {
	if len(sources) != len(w) {
		return fmt.Errorf("%d sources but %d weights", len(sources), len(w))
	}
	m, ok := truthMethods[method]
	if !ok {
		return fmt.Errorf("unknown ground-truth method %q (want one of %s)", method, strings.Join(TruthMethods(), ", "))
	}
	ds, err := Dists(sources)
	if err != nil {
		return err
	}
	return m.Check(sources, ds, w)
}

// closed form: Gaussian sources, diagonal (SPEC §3) or with full covariances (seed 002 §7).
func checkClosedForm(_ []SourceSpec, ds []dist.Dist, w []float64) error {
	_, err := composeClosedForm(ds, w)
	return err
}

func sampleClosedForm(p *TruthParams, ds []dist.Dist, r *rand.Rand) ([]float64, map[string]string, error) {
	g, err := composeClosedForm(ds, p.Weights)
	if err != nil {
		return nil, nil, err
	}
	return g.Sample(r, p.N), nil, nil
}

// composeClosedForm composes diagonal Gaussians in closed form (dist.ComposeGaussians) and,
// when some source has a full covariance, all of them as full Gaussians.
func composeClosedForm(ds []dist.Dist, w []float64) (dist.Dist, error) {
	gs, err := gaussians(ds)
	if err == nil {
		return dist.ComposeGaussians(gs, w)
	}
	fs := make([]*dist.FullGaussian, len(ds))
	for i, d := range ds {
		switch g := d.(type) {
		case *dist.FullGaussian:
			fs[i] = g
		case *dist.Gaussian:
			if fs[i], err = dist.Full(g); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("closed-form ground truth needs Gaussian sources: source %d is not Gaussian; use rejection or importance for mixtures", i)
		}
	}
	return dist.ComposeFullGaussians(fs, w)
}

func checkRejection(_ []SourceSpec, ds []dist.Dist, w []float64) error {
	_, _, _, err := rejectionRoles(ds, w)
	return err
}

func sampleRejection(p *TruthParams, ds []dist.Dist, r *rand.Rand) ([]float64, map[string]string, error) {
	a1, a2, p0, _ := rejectionRoles(ds, p.Weights)
	x, acc, err := truth.Rejection(a1, a2, p0, p.N, p.Safety, r)
	if err != nil {
		return nil, nil, err
	}
	return x, map[string]string{"acceptance": strconv.FormatFloat(acc, 'g', 6, 64)}, nil
}

func checkImportance(_ []SourceSpec, ds []dist.Dist, w []float64) error {
	_, _, _, err := importanceRoles(ds, w)
	return err
}

func sampleImportance(p *TruthParams, ds []dist.Dist, r *rand.Rand) ([]float64, map[string]string, error) {
	pos, neg, negW, _ := importanceRoles(ds, p.Weights)
	x, ess, err := truth.Importance(pos, neg, negW, p.N, p.Oversample, r)
	if err != nil {
		return nil, nil, err
	}
	return x, map[string]string{
		"ess":       strconv.FormatFloat(ess, 'g', 6, 64),
		"proposals": strconv.Itoa(p.N * p.Oversample),
	}, nil
}

func gaussians(ds []dist.Dist) ([]*dist.Gaussian, error) {
	gs := make([]*dist.Gaussian, len(ds))
	for i, d := range ds {
		g, ok := d.(*dist.Gaussian)
		if !ok {
			return nil, fmt.Errorf("source %d is not Gaussian", i)
		}
		gs[i] = g
	}
	return gs, nil
}

// rejectionRoles finds (Pa1, Pa2, P0) in a composition with weights (+1, +1, −1).
func rejectionRoles(ds []dist.Dist, w []float64) (a1, a2, p0 *dist.GMM, err error) {
	var pos, neg []*dist.GMM
	for i, d := range ds {
		g, ok := d.(*dist.GMM)
		if !ok {
			return nil, nil, nil, fmt.Errorf("rejection sampling needs mixture sources; source %d is %s", i, d.Describe())
		}
		switch w[i] {
		case 1:
			pos = append(pos, g)
		case -1:
			neg = append(neg, g)
		default:
			return nil, nil, nil, fmt.Errorf("rejection sampling handles weights (+1, +1, −1) only; source %d has weight %g — use importance sampling", i, w[i])
		}
	}
	if len(pos) != 2 || len(neg) != 1 {
		return nil, nil, nil, fmt.Errorf("rejection sampling needs exactly two sources of weight +1 and one of weight −1 (got %d and %d); use importance sampling", len(pos), len(neg))
	}
	if err := sameComponents(pos[1], neg[0]); err != nil {
		return nil, nil, nil, fmt.Errorf("rejection sampling bounds Pa2/P0 only when they share components: %w; use importance sampling", err)
	}
	for k := range neg[0].Weights {
		if pos[1].Weights[k] > 0 && neg[0].Weights[k] == 0 {
			return nil, nil, nil, fmt.Errorf("rejection sampling: component %d has weight in Pa2 but none in P0, so Pa2/P0 is unbounded; give it weight in P0 or use importance sampling", k)
		}
	}
	return pos[0], pos[1], neg[0], nil
}

func sameComponents(a, b *dist.GMM) error {
	if a.Std != b.Std || len(a.Means) != len(b.Means) {
		return fmt.Errorf("component lists differ")
	}
	for k := range a.Means {
		for j := range a.Means[k] {
			if a.Means[k][j] != b.Means[k][j] {
				return fmt.Errorf("component %d has different means", k)
			}
		}
	}
	return nil
}

// importanceRoles splits a composition into the positive factors (weight exactly +1,
// mixtures: their product is the proposal) and the rest (any weight ≤ 0... or < 0).
func importanceRoles(ds []dist.Dist, w []float64) (pos []*dist.GMM, neg []dist.Dist, negW []float64, err error) {
	for i, d := range ds {
		switch {
		case w[i] == 1:
			g, ok := d.(*dist.GMM)
			if !ok {
				return nil, nil, nil, fmt.Errorf("importance sampling draws proposals from the product of the weight-+1 mixtures; source %d is %s", i, d.Describe())
			}
			pos = append(pos, g)
		case w[i] < 0:
			neg = append(neg, d)
			negW = append(negW, w[i])
		case w[i] == 0:
		default:
			return nil, nil, nil, fmt.Errorf("importance sampling supports positive weights equal to 1 only; source %d has weight %g", i, w[i])
		}
	}
	if len(pos) == 0 {
		return nil, nil, nil, fmt.Errorf("importance sampling needs at least one source of weight +1 for the proposal")
	}
	return pos, neg, negW, nil
}

func runTruth(_ context.Context, env *Env, raw json.RawMessage) (*Output, error) {
	var p TruthParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	if err := CheckTarget(p.Sources, p.Weights, p.Method); err != nil {
		return nil, err
	}
	ds, _ := Dists(p.Sources)
	r := rng.New(p.Seed, "truth/"+string(env.Key))
	x, facts, err := truthMethods[p.Method].Sample(&p, ds, r)
	if err != nil {
		return nil, err
	}
	info := map[string]string{"method": p.Method}
	for k, v := range facts {
		info[k] = v
	}
	t := data.SamplesTable(x, ds[0].Dim())
	t.Meta = info
	return &Output{Parts: map[string]*data.Table{"main": t}, Info: info}, nil
}
