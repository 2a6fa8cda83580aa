package spec

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// problems collects what is wrong with a profile, one line per field: the first problem
// found for a field is the one named.
type problems struct {
	profile string
	lines   []error
	fields  map[string]bool
}

func (ps *problems) add(field, format string, args ...any) {
	if ps.fields[field] {
		return
	}
	ps.fields[field] = true
	ps.lines = append(ps.lines, fmt.Errorf("profile %s: %s %s", ps.profile, field, fmt.Sprintf(format, args...)))
}

// has tells whether any field named field or starting with prefix + "." has a problem.
func (ps *problems) has(prefix string) bool {
	for f := range ps.fields {
		if f == prefix || strings.HasPrefix(f, prefix+".") {
			return true
		}
	}
	return false
}

// Validate checks every field and returns every problem at once, one line each naming the
// profile, the field and the fix.
func (p *Profile) Validate() error { return errors.Join(p.problems()...) }

// problems lists every problem of the profile's fields, one error each.
func (p *Profile) problems() []error {
	ps := &problems{profile: p.Name, fields: map[string]bool{}}
	p.checkBounds(ps)
	if p.Runs < 1 {
		ps.add("runs", "= %d; need at least 1", p.Runs)
	}
	if p.Samples < 2 {
		ps.add("samples", "= %d; need at least 2 (metrics compare sample sets)", p.Samples)
	}
	if p.TruthN < 2 {
		ps.add("truth_samples", "= %d; need at least 2 (metrics compare sample sets)", p.TruthN)
	}
	if p.Steps < 1 {
		ps.add("steps", "= %d; need at least 1", p.Steps)
	}
	if len(p.Ks) == 0 {
		ps.add("ks", "is empty; list at least one particle count K ≥ 1")
	}
	if !p.GClip.None && !(p.GClip.Value > 0) {
		ps.add("g_clip", "= %v; give a positive number or none", p.GClip.Value)
	}
	if p.Proj < 1 {
		ps.add("projections", "= %d; need at least 1", p.Proj)
	}
	if p.Oversample < 1 {
		ps.add("importance_oversample", "= %d; need at least 1", p.Oversample)
	}
	if p.Safety < 1 || math.IsInf(p.Safety, 0) {
		ps.add("rejection_safety", "= %v; need a finite factor ≥ 1", p.Safety)
	}
	if !p.Analytic && len(p.Ns) == 0 {
		ps.add("ns", "is empty and analytic is false: nothing to compute")
	}
	if p.FigSamples < 1 || p.ODESamples < 2 {
		ps.add("figure_samples/ode_samples", "must be ≥ 1 and ≥ 2")
	}
	if err := checkMethods(p.Methods); err != nil {
		ps.add("methods", "%v", err)
	}
	for _, k := range p.Ks {
		if k < 1 {
			ps.add("ks", "contains K = %d; every K must be ≥ 1 (K = 1 is the naive sampler)", k)
		}
	}
	for _, n := range p.Ns {
		if n < 1 {
			ps.add("ns", "contains N = %d; every training-pool size must be ≥ 1", n)
		}
	}
	p.checkPools(ps)
	if len(p.Ns) > 0 {
		p.checkModels(ps)
	}
	return ps.lines
}

// checkPools checks the fields that name training-pool sizes: each must be one of ns. With
// ns empty, every one of them is named, so a user who empties the pools learns at once
// what else to empty.
func (p *Profile) checkPools(ps *problems) {
	notInNs := func(field string, v []int, why string) {
		var out []string
		for _, n := range v {
			if !slices.Contains(p.Ns, n) {
				out = append(out, fmt.Sprint(n))
			}
		}
		if len(out) > 0 {
			ps.add(field, "contains N = %s, which is not in ns %v; %s (list only sizes of ns, or set %s: [])", strings.Join(out, ", "), p.Ns, why, field)
		}
	}
	notInNs("methods_ns", p.MethodsNs, "the samplers run on the study's models")
	for _, l := range p.CoInDLambdas {
		if !(l >= 0) || math.IsInf(l, 0) {
			ps.add("coind_lambdas", "contains λ = %v; every penalty weight must be finite and ≥ 0", l)
		}
	}
	if len(p.CoInDLambdas) == 0 {
		return
	}
	notInNs("coind_ns", p.CoInDNs, "CoInD models reuse the study's pools")
	switch {
	case len(p.Ns) == 0:
		ps.add("coind_lambdas", "is %v but ns is empty: CoInD models train on the study's pools; set coind_lambdas: [] and coind_ns: [] (or list pool sizes in ns)", p.CoInDLambdas)
	case len(p.CoInDNs) == 0:
		ps.add("coind_ns", "is empty but coind_lambdas is not; list the pool sizes N to train CoInD models on")
	}
}

// checkModels checks the model kinds and the training hyper-parameters (used only when the
// profile trains models).
func (p *Profile) checkModels(ps *problems) {
	if len(p.ModelKinds) == 0 {
		ps.add("model_kinds", "is empty; list conditional and/or separate")
	}
	for _, k := range p.ModelKinds {
		if k != "conditional" && k != "separate" {
			ps.add("model_kinds", "contains %q; want conditional or separate", k)
		}
	}
	if ps.has("train") {
		return // the bounds already name the train field at fault
	}
	t := p.Train
	if t.Width < 1 || t.Depth < 1 {
		ps.add("train", "width %d, depth %d; both must be ≥ 1", t.Width, t.Depth)
	}
	if t.Batch < 1 || t.Iters < 1 {
		ps.add("train.batch/iters", "batch %d, iters %d; both must be ≥ 1", t.Batch, t.Iters)
	}
	if !(t.LR > 0) || t.Beta1 < 0 || t.Beta1 >= 1 || t.Beta2 < 0 || t.Beta2 >= 1 || !(t.Eps > 0) {
		ps.add("train.adam", "needs lr > 0, 0 ≤ beta1, beta2 < 1, eps > 0")
	}
	if t.LossEvery < 1 {
		ps.add("train.loss_every", "= %d; need at least 1", t.LossEvery)
	}
}

// checkBounds names the non-finite and out-of-range profile fields; Validate then checks
// what each field must mean.
func (p *Profile) checkBounds(ps *problems) {
	t := p.Train
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"rejection_safety", p.Safety}, {"g_clip", p.GClip.Value}, {"train.lr", t.LR},
		{"train.beta1", t.Beta1}, {"train.beta2", t.Beta2}, {"train.eps", t.Eps},
	} {
		if err := Finite(f.name, f.v); err != nil {
			ps.add(f.name, "%s", strings.TrimPrefix(err.Error(), f.name+" "))
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
		{"ks", len(p.Ks), maxListLen}, {"ns", len(p.Ns), maxListLen}, {"model_kinds", len(p.ModelKinds), maxListLen},
	}
	for _, f := range ints {
		if f.v > f.max {
			what := "= %d exceeds the limit %d; use a smaller value"
			if f.name == "ks" || f.name == "ns" || f.name == "model_kinds" {
				what = "has %d entries, above the limit %d; list fewer"
			}
			ps.add(f.name, what, f.v, f.max)
		}
	}
	// MMD² ranks the samples×truth_samples cross distances with 32-bit counts.
	if uint64(p.Samples)*uint64(p.TruthN) >= math.MaxUint32 {
		ps.add("samples × truth_samples", "= %d × %d is %d, at or above the MMD² limit of 2³²; reduce one of them", p.Samples, p.TruthN, uint64(p.Samples)*uint64(p.TruthN))
	}
	if p.Seed > math.MaxUint64-uint64(maxRuns) {
		ps.add("seed", "= %d leaves no room for seed + run; use a seed below %d", p.Seed, uint64(math.MaxUint64-maxRuns))
	}
	uniqueInts(ps, "ks", p.Ks, maxK)
	uniqueInts(ps, "ns", p.Ns, maxPoolN)
	seen := map[string]bool{}
	for _, k := range p.ModelKinds {
		if seen[k] {
			ps.add("model_kinds", "lists %q twice; list each kind once", k)
		}
		seen[k] = true
	}
}

// uniqueInts names repeated entries (they would plan the same cells twice) and entries
// beyond max.
func uniqueInts(ps *problems, field string, v []int, max int) {
	seen := map[int]bool{}
	for _, x := range v {
		if x > max {
			ps.add(field, "contains %d, above the limit %d", x, max)
		}
		if seen[x] {
			ps.add(field, "lists %d twice; list each value once", x)
		}
		seen[x] = true
	}
}
