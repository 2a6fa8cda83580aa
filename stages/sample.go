package stages

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/sampler"
	"github.com/compdiff/compdiff/core/score"
	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/data/cell"
)

// SampleVersion: bump when samples change for the same params.
const SampleVersion = 1

// Samplers a sample node may run.
// (the names of data/cell's Method, which results carry).
const (
	MethodFKC      = string(cell.FKC)
	MethodSDE      = string(cell.SDE)
	MethodODE      = string(cell.ODE)
	MethodSuperAnd = string(cell.SuperAnd)
	MethodSuperOr  = string(cell.SuperOr)
)

// Score models a sample node may use.
const (
	ScoresAnalytic    = "analytic"
	ScoresConditional = "conditional"
	ScoresSeparate    = "separate"
)

// SampleParams: n composed samples Σ_a w_a S_a from a score model.
type SampleParams struct {
	Scores  string       `json:"scores"`
	Sources []SourceSpec `json:"sources,omitempty"` // analytic scores only
	Dim     int          `json:"dim"`
	Weights []float64    `json:"weights"`
	Method  string       `json:"method"`
	N       int          `json:"n"`
	K       int          `json:"k"`
	Steps   int          `json:"steps"`
	GClip   *float64     `json:"g_clip"` // nil: no clipping
	Seed    uint64       `json:"seed"`
	// Cell names the result cell these samples are (nil for samples that are not one, such as
	// a single source's samples for the figures); it is written into the artifact's metadata.
	Cell *cell.Cell `json:"cell,omitempty"`
	// Cond is a registered score model's own conditioning (RegisterScores), e.g. the cells a
	// location-conditioned network is asked for; the built-in models leave it out, so their
	// keys are unchanged.
	Cond json.RawMessage `json:"cond,omitempty"`
}

// A ScoresBuilder builds the score field of a study's own kind of score model
// (RegisterScores) for a sample node, from its params (p.Cond is the kind's conditioning)
// and inputs (e.g. "model", the kind's train node).
type ScoresBuilder func(env *Env, p *SampleParams) (score.Field, error)

var scoreKinds = map[string]ScoresBuilder{}

// RegisterScores adds a kind of score model a sample node may use: the seam through which a
// study samples its own networks (analytic, conditional, separate and coind are built in).
// Call it from an init function; registering a kind twice panics.
func RegisterScores(kind string, b ScoresBuilder) {
	switch kind {
	case ScoresAnalytic, ScoresConditional, ScoresSeparate, ScoresCoInD:
		panic("stages: score model " + kind + " is built in")
	}
	if _, dup := scoreKinds[kind]; dup {
		panic("stages: score model " + kind + " registered twice")
	}
	scoreKinds[kind] = b
}

func init() { register(Def{Name: "sample", Version: SampleVersion, Run: runSample}) }

// field builds the score field a sample node composes.
func (p *SampleParams) field(env *Env) (score.Field, error) {
	switch p.Scores {
	case ScoresAnalytic:
		ds, err := Dists(p.Sources)
		if err != nil {
			return nil, err
		}
		return score.Analytic{Dists: ds}, nil
	case ScoresConditional, ScoresSeparate, ScoresCoInD:
		return learnedField(env, p.Scores, p.Dim, len(p.Weights))
	}
	if b, ok := scoreKinds[p.Scores]; ok {
		return b(env, p)
	}
	return nil, fmt.Errorf("unknown score model %q (want analytic, conditional, separate, coind or a registered kind)", p.Scores)
}

func runSample(ctx context.Context, env *Env, raw json.RawMessage) (*Output, error) {
	var p SampleParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	f, err := p.field(env)
	if err != nil {
		return nil, err
	}
	counted := score.Count(f)
	f = &watched{Field: counted, ctx: ctx, env: env, steps: p.Steps}
	r := rng.New(p.Seed, "sample/"+string(env.Key))
	info := map[string]string{}
	var x []float64
	switch p.Method {
	case MethodSDE:
		x = sampler.NaiveSDE(f, p.Weights, p.N, p.Steps, r)
	case MethodODE:
		x = sampler.NaiveODE(f, p.Weights, p.N, p.Steps, r)
	case MethodFKC:
		clip := math.Inf(1)
		if p.GClip != nil {
			clip = *p.GClip
		}
		var st sampler.FKCStats
		x, st, err = sampler.FKC(f, p.Weights, p.N, sampler.FKCConfig{K: p.K, Steps: p.Steps, GClip: clip}, r)
		if err != nil {
			return nil, err
		}
		if len(st.MeanESS) > 0 {
			m := 0.0
			for _, e := range st.MeanESS {
				m += e
			}
			info["mean_ess_frac"] = strconv.FormatFloat(m/float64(len(st.MeanESS)), 'g', 5, 64)
		}
	case MethodSuperAnd, MethodSuperOr:
		if x, err = superpose(f, &p, r); err != nil {
			return nil, err
		}
	default:
		if _, err := cell.ParseMethod(p.Method); err != nil { // names the samplers there are
			return nil, err
		}
		return nil, fmt.Errorf("sampler %q is known but the sample stage does not run it", p.Method)
	}
	// Network evaluations per output sample: one per source per point of every field call.
	info["nfe"] = strconv.FormatFloat(counted.PerSample(p.N), 'g', -1, 64)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t := data.SamplesTable(x, p.Dim)
	t.Meta = map[string]string{}
	for k, v := range info {
		t.Meta[k] = v
	}
	if p.Cell != nil {
		for k, v := range p.Cell.Meta() {
			t.Meta[k] = v
		}
	}
	return &Output{Parts: map[string]*data.Table{"main": t}, Info: info}, nil
}

// watched reports progress per score evaluation and stops work once the run is cancelled
// (the sampler then finishes with cheap no-op steps and the result is discarded).
type watched struct {
	score.Field
	ctx   context.Context
	env   *Env
	steps int
	calls int
}

func (w *watched) Scores(s float64, x []float64, out [][]float64) {
	if w.ctx.Err() != nil {
		return
	}
	w.Field.Scores(s, x, out)
	w.calls++
	if w.steps > 0 && w.calls%16 == 0 {
		w.env.progress(float64(w.calls) / float64(w.steps+1))
	}
}
