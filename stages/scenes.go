package stages

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/sampler"
	"github.com/compdiff/compdiff/core/scene"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// The scene study (seed 002, core/scene): its source family, exact ground truth,
// measurement and theorem checks, each registered through its seam.
const (
	SceneSourceFamily = "scene"       // cell.SourceSpec.Family of one scene distribution
	SceneExact        = "scene-exact" // ground truth of scene compositions (scene.Composition.Exact)
	ScenesFamily      = "scenes"      // the setting family: measurement and checks
)

func init() {
	cell.RegisterSource(SceneSourceFamily, func(s SourceSpec) (dist.Dist, error) {
		sp, l, err := SceneOf(s)
		if err != nil {
			return nil, err
		}
		return scene.Source(sp, l)
	})
	RegisterTruth(SceneExact, TruthMethod{Check: checkSceneExact, Sample: sampleSceneExact})
	RegisterMeasure(ScenesFamily, measureScenes)
	RegisterChecks(ScenesFamily, sceneChecks)
}

// SceneSource is the compact description of a scene source (SourceSpec.Params): the scene
// and its configuration law written out canonically, so equal distributions reached by
// different law specs share their dataset and expert nodes.
type SceneSource struct {
	Scene scene.Spec  `json:"scene"`
	Law   scene.Table `json:"law"`
}

// NewSceneSource describes the scene distribution of law l.
func NewSceneSource(sp scene.Spec, l scene.Law) (SourceSpec, error) {
	raw, err := json.Marshal(SceneSource{Scene: sp, Law: l.Table()})
	if err != nil {
		return SourceSpec{}, err
	}
	return SourceSpec{Family: SceneSourceFamily, Params: raw}, nil
}

// SceneOf reads a scene source back: its scene spec and law.
func SceneOf(s SourceSpec) (scene.Spec, scene.Law, error) {
	var src SceneSource
	if err := strictJSON(s.Params, &src); err != nil {
		return scene.Spec{}, scene.Law{}, fmt.Errorf("scene source: %w", err)
	}
	l, err := src.Law.Law(src.Scene)
	return src.Scene, l, err
}

func strictJSON(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// SceneComposition rebuilds a composition from its sources: the sources of weight +1 are
// the conditionals (in order), the one other source is the background, of weight −(k−1).
func SceneComposition(specs []SourceSpec, w []float64) (scene.Composition, error) {
	var cm scene.Composition
	if len(specs) != len(w) {
		return cm, fmt.Errorf("%d sources but %d weights", len(specs), len(w))
	}
	var first []byte
	bg := -1
	for i, s := range specs {
		sp, l, err := SceneOf(s)
		if err != nil {
			return cm, fmt.Errorf("source %d: %w", i, err)
		}
		js, _ := json.Marshal(sp)
		if i == 0 {
			cm.Spec, first = sp, js
		} else if !bytes.Equal(js, first) {
			return cm, fmt.Errorf("source %d is a scene of another spec than source 0; a composition needs one scene", i)
		}
		switch {
		case w[i] == 1:
			cm.Conditionals = append(cm.Conditionals, l)
		case bg >= 0:
			return cm, fmt.Errorf("sources %d and %d both have weights other than +1; %s composes k conditionals of weight +1 over one background of weight −(k−1)", bg, i, SceneExact)
		default:
			bg, cm.Background = i, l
		}
	}
	if k := len(cm.Conditionals); bg < 0 || w[bg] != -float64(k-1) {
		return cm, fmt.Errorf("weights %v: %s composes k conditionals of weight +1 over one background of weight −(k−1) (here %d conditionals, so %g)", w, SceneExact, k, -float64(k-1))
	}
	return cm, cm.Validate()
}

func checkSceneExact(specs []SourceSpec, _ []dist.Dist, w []float64) error {
	cm, err := SceneComposition(specs, w)
	if err != nil {
		return err
	}
	if _, err := cm.ExactMethod(); err != nil {
		return fmt.Errorf("no exact ground truth: %w", err)
	}
	return nil
}

func sampleSceneExact(p *TruthParams, _ []dist.Dist, r *rand.Rand) ([]float64, map[string]string, error) {
	cm, err := SceneComposition(p.Sources, p.Weights)
	if err != nil {
		return nil, nil, err
	}
	x, rep, err := cm.Exact(p.N, scene.ExactOptions{Oversample: p.Oversample}, r)
	if err != nil {
		return nil, nil, err
	}
	info := map[string]string{"sampler": rep.Method}
	if rep.Proposals > 0 {
		info["ess"] = strconv.FormatFloat(rep.ESS, 'g', 6, 64)
		info["proposals"] = strconv.Itoa(rep.Proposals)
	}
	return x, info, nil
}

// TaskOf reads a scenes setting's task from its measurement params.
func TaskOf(m *cell.Measure) (scene.Task, error) {
	var t scene.Task
	return t, measureParams(m, ScenesFamily, &t)
}

// measureParams decodes a family's measurement params strictly into v.
func measureParams(m *cell.Measure, family string, v any) error {
	if m == nil || m.Family != family {
		return fmt.Errorf("the setting has no %s measurement", family)
	}
	if err := strictJSON(m.Params, v); err != nil {
		return fmt.Errorf("%s measurement params: %w", family, err)
	}
	return nil
}

// measureScenes reads each sample and each ground-truth scene (scene.Reader at
// scene.InvalidLevel): "exact" (share holding exactly the requested objects, the
// background's rule elsewhere), "content" (the same without the noise test), "invalid",
// "count.0" … "count.S" (object counts of the
// valid scenes), "other" (occupancy of the unrequested slots; absent when every slot is
// requested), "noise" (the valid scenes' residual power over σ0²: 1 for true scenes), and
// the ground truth's "exact.truth", "invalid.truth", "other.truth". Values that are not
// defined (no valid scene, no unrequested slot) are left out.
func measureScenes(params json.RawMessage, x, truth []float64, d int) ([]Value, error) {
	t, err := TaskOf(&cell.Measure{Family: ScenesFamily, Params: params})
	if err != nil {
		return nil, err
	}
	if d != t.Scene.Dim() {
		return nil, fmt.Errorf("samples of dimension %d for scenes of dimension %d", d, t.Scene.Dim())
	}
	rd, err := scene.NewReader(t.Scene, scene.InvalidLevel)
	if err != nil {
		return nil, err
	}
	got, err := t.Read(rd, x)
	if err != nil {
		return nil, err
	}
	ref, err := t.Read(rd, truth)
	if err != nil {
		return nil, err
	}
	out := Values{{"exact", got.Exact}, {"content", got.Content}, {"invalid", got.Invalid}}
	for n, c := range got.Counts {
		out = append(out, Value{"count." + strconv.Itoa(n), c})
	}
	add := out.Add
	add("other", got.Other)
	add("noise", got.Noise)
	add("exact.truth", ref.Exact)
	add("invalid.truth", ref.Invalid)
	add("other.truth", ref.Other)
	return out, nil
}

// checkTimes are the denoising times at which the checks evaluate scores.
var checkTimes = []float64{0.02, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.99}

// checkPoints is how many ground-truth points the score checks noise (each at every time).
const checkPoints = 400

// sceneChecks are the exact statements of seed 002 on a scenes setting, checked on the
// exact scores at noised ground-truth points:
//   - Theorem 5.3 (factorized conditionals): the summed noised scores Σ_a w_a S_a equal the
//     projective target's noised score, and FKC's weight rate g (core/sampler's) is 0.
//   - Lemma 8.1: the cosines of the mean differences μ_i − μ_b against their closed form (0
//     for factorized or coupled conditionals, −1/(S−1) for Bayes over one-object data).
//   - The counterexample: under the composition's σ0 → 0 law every unrequested slot is full.
//
// Tolerances: 1e−9 of the largest term (float64 rounding of sums of a few terms is ~1e−15
// of it); the cosines and the σ0 → 0 law are exact sums of ≤ 4096 terms, 1e−12.
func sceneChecks(env *Env, rs *ReportSetting) ([]reports.TheoremCheck, error) {
	t, err := TaskOf(rs.Measure)
	if err != nil {
		return nil, nil // not a scene task (a family of the same name from elsewhere)
	}
	cm, err := t.Composition()
	if err != nil {
		return nil, err
	}
	var out []reports.TheoremCheck
	check := checker(rs.ID, &out)
	if law, err := cm.Projective(); err == nil && len(rs.Truths) > 0 {
		pts, _, err := points(env, rs.Truths[0])
		if err != nil {
			return nil, err
		}
		diff, gmax, scale, err := factorizedScores(cm, law, pts)
		if err != nil {
			return nil, err
		}
		tol := 1e-9 * math.Max(scale, 1)
		check("Theorem 5.3 (seed 002)", "max |Σ_a w_a S_a − S_C| at noised target points, 8 times", 0, diff, tol,
			"the summed noised scores are the projective target's: naive samplers sample it exactly")
		check("Theorem 5.3, g ≡ 0 (seed 002)", "max |g| (core/sampler's FKC rate) at noised target points, 8 times", 0, gmax, tol,
			fmt.Sprintf("FKC's weights stay constant (largest term %.3g)", scale))
	}
	if want, ok := cosineClosedForm(t, cm); ok {
		cos, err := cm.Cosines()
		if err != nil {
			return nil, err
		}
		worst := want
		for i := range cos {
			for j := range cos[i] {
				if i != j && math.Abs(cos[i][j]-want) > math.Abs(worst-want) {
					worst = cos[i][j]
				}
			}
		}
		check("Lemma 8.1 (seed 002)", "cos∠(μ_i − μ_b, μ_j − μ_b), i ≠ j, farthest from the closed form", want, worst, 1e-12,
			"0: orthogonal mean differences (necessary for factorized conditionals); −1/(S−1): Bayes over one-object data")
	}
	if coupledAll(t) && t.K() >= 2 {
		if lim, err := cm.Limit(); err == nil {
			if got, ok := otherOccupancy(t, lim); ok {
				ref, _ := cm.Intended()
				q, _ := otherOccupancy(t, ref)
				check("Lemma 8.1 counterexample (seed 002)", "occupancy of the unrequested slots under C's σ0 → 0 law", 1, got, 1e-12,
					fmt.Sprintf("orthogonal mean differences, yet not projective: the projective reference keeps them at %.3g", q))
			}
		}
	}
	return out, nil
}

// factorizedScores evaluates, at noised ground-truth points, the largest deviation of the
// summed source scores from the projective law's score, the largest |g|, and the largest
// single term Σ_a |w_a|·β|S_a|² (the scale of both).
func factorizedScores(cm scene.Composition, law scene.Law, pts reports.Points) (diff, gmax, scale float64, err error) {
	ds, err := cm.Dists()
	if err != nil {
		return 0, 0, 0, err
	}
	target, err := scene.Source(cm.Spec, law)
	if err != nil {
		return 0, 0, 0, err
	}
	w := cm.Weights()
	d, n := pts.D, min(pts.Len(), checkPoints)
	r := rng.New(0, "theorem5.3")
	x := make([]float64, d)
	sc := make([][]float64, len(ds))
	for a := range sc {
		sc[a] = make([]float64, d)
	}
	tc := make([]float64, d)
	for _, s := range checkTimes {
		al, sg, beta := diffusion.Alpha(s), diffusion.Sigma(s), diffusion.Beta(s)
		for i := 0; i < n; i++ {
			for j := range x {
				x[j] = al*pts.X[i*d+j] + sg*r.NormFloat64()
			}
			term := 0.0
			for a, src := range ds {
				src.NoisedScore(al, sg, x, sc[a])
				term += math.Abs(w[a]) * beta * dot(sc[a], sc[a])
			}
			target.NoisedScore(al, sg, x, tc)
			for j := range x {
				sum := 0.0
				for a := range ds {
					sum += w[a] * sc[a][j]
				}
				diff = math.Max(diff, math.Abs(sum-tc[j]))
			}
			gmax = math.Max(gmax, math.Abs(sampler.LogWeightIncrement(w, sc, 0, d, beta)))
			scale = math.Max(scale, term)
		}
	}
	return diff, gmax, scale, nil
}

func dot(a, b []float64) float64 {
	s := 0.0
	for j := range a {
		s += a[j] * b[j]
	}
	return s
}

// cosineClosedForm is Lemma 8.1's value of the off-diagonal cosines when the task has one
// (k ≥ 2): 0 for factorized or coupled conditionals, −1/(S−1) for conditionals "an object
// at slot i" over one-object data (Bayes).
func cosineClosedForm(t scene.Task, cm scene.Composition) (float64, bool) {
	if t.K() < 2 {
		return 0, false
	}
	if _, err := cm.Blocks(); err == nil || coupledAll(t) {
		return 0, true
	}
	bayes := t.Background.Kind == scene.KindData && t.Background.M == 1 && len(t.Background.At) == 0
	for _, c := range t.Conditionals {
		bayes = bayes && c.Kind == scene.KindData && c.M == 1 && len(c.At) == 1 && c.At[0].Object == 0
	}
	if bayes {
		return -1 / float64(t.Scene.Slots-1), true
	}
	return 0, false
}

func coupledAll(t scene.Task) bool {
	for _, c := range t.Conditionals {
		if c.Kind != scene.KindCoupled {
			return false
		}
	}
	return t.K() > 0
}

// otherOccupancy is the mean occupancy, under l, of the slots the task does not request.
func otherOccupancy(t scene.Task, l scene.Law) (float64, bool) {
	asked := make([]bool, t.Scene.Slots)
	for _, w := range t.Wants() {
		asked[w.Slot] = true
	}
	sum, n := 0.0, 0
	for s, o := range l.Occupancy() {
		if !asked[s] {
			sum += o
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

// checker returns a function adding to out one check of setting: |measured − expected| ≤ tol.
func checker(setting string, out *[]reports.TheoremCheck) func(th, q string, want, got, tol float64, note string) {
	return func(th, q string, want, got, tol float64, note string) {
		*out = append(*out, reports.TheoremCheck{Theorem: th, Setting: setting, Quantity: q, Expected: want, Measured: got,
			Tolerance: tol, Pass: math.Abs(got-want) <= tol, Note: note})
	}
}
