package stages

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/compdiff/compdiff/core/dsm"
	"github.com/compdiff/compdiff/core/nn"
	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/score"
	"github.com/compdiff/compdiff/data"
)

// TrainVersion: bump when trained weights change for the same params.
const TrainVersion = 2 // 2: SiLU is z/(1 + exp(−z)) with a shorter exp polynomial (last-ulp changes)

// TrainParams: an ε-prediction MLP trained by denoising score matching (SPEC §6) on the
// pools given as inputs "pool0".."pool{S-1}": one conditional network over S sources, or
// (S = 1) one separate expert.
type TrainParams struct {
	Kind      string  `json:"kind"` // conditional | separate | coind
	Dim       int     `json:"dim"`
	Sources   int     `json:"sources"`
	Width     int     `json:"width"`
	Depth     int     `json:"depth"`
	Act       string  `json:"act"`
	Batch     int     `json:"batch"`
	Iters     int     `json:"iters"`
	LR        float64 `json:"lr"`
	Beta1     float64 `json:"beta1"`
	Beta2     float64 `json:"beta2"`
	Eps       float64 `json:"eps"`
	LossEvery int     `json:"loss_every"`
	Seed      uint64  `json:"seed"`
	// CoInD only: the penalty weight λ and the joint condition of every pool.
	Lambda *float64   `json:"lambda,omitempty"`
	Labels []dsm.Cond `json:"labels,omitempty"`
	// Params is a registered kind's own description (RegisterTrainer); the built-in kinds
	// leave it out, so their keys are unchanged.
	Params json.RawMessage `json:"params,omitempty"`
}

// A Trainer trains a score network of a study's own kind (RegisterTrainer) from the train
// node's params (p.Params is the kind's own JSON) and inputs; progress must be called after
// every iteration with the number done (it stops the training when the run is cancelled).
// It returns the network, its loss curve and metadata that the weights artifact carries
// besides "kind" and "config" (what the kind's score fields need to rebuild it).
type Trainer func(env *Env, p *TrainParams, progress func(iter int)) (*nn.MLP, []dsm.LossPoint, map[string]string, error)

var trainers = map[string]Trainer{}

// RegisterTrainer adds a kind of train node: the seam through which a study brings its own
// networks (conditional, separate and coind are built in). Call it from an init function;
// registering a kind twice panics.
func RegisterTrainer(kind string, t Trainer) {
	switch kind {
	case ScoresConditional, ScoresSeparate, ScoresCoInD:
		panic("stages: train kind " + kind + " is built in")
	}
	if _, dup := trainers[kind]; dup {
		panic("stages: train kind " + kind + " registered twice")
	}
	trainers[kind] = t
}

func init() { register(Def{Name: "train", Version: TrainVersion, Run: runTrain}) }

func (p *TrainParams) config() dsm.TrainConfig {
	return dsm.TrainConfig{Width: p.Width, Depth: p.Depth, Batch: p.Batch, Iters: p.Iters,
		LR: p.LR, Beta1: p.Beta1, Beta2: p.Beta2, Eps: p.Eps, LossEvery: p.LossEvery}
}

func runTrain(ctx context.Context, env *Env, raw json.RawMessage) (*Output, error) {
	var p TrainParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	pools := make([][]float64, p.Sources)
	for a := range pools {
		t, err := env.Input("pool" + strconv.Itoa(a))
		if err != nil {
			return nil, err
		}
		x, d, err := t.Samples()
		if err != nil {
			return nil, err
		}
		if d != p.Dim {
			return nil, fmt.Errorf("pool %d has dimension %d, expected %d", a, d, p.Dim)
		}
		pools[a] = x
	}
	r := rng.New(p.Seed, "train/"+string(env.Key))
	progress := func(it int) {
		if it%64 == 0 {
			env.progress(float64(it) / float64(p.Iters))
		}
	}
	ctxProgress := func(it int) {
		if ctx.Err() != nil {
			panic(errCancelled{})
		}
		progress(it)
	}
	start := time.Now()
	var (
		m     *nn.MLP
		loss  []dsm.LossPoint
		extra map[string]string
		err   error
	)
	if err := catchCancel(func() {
		switch {
		case trainers[p.Kind] != nil:
			m, loss, extra, err = trainers[p.Kind](env, &p, ctxProgress)
		case p.Kind == ScoresConditional:
			m, loss, err = dsm.TrainConditional(pools, p.Dim, p.config(), r, ctxProgress)
		case p.Kind == ScoresCoInD:
			if p.Lambda == nil {
				err = fmt.Errorf("coind training node without lambda; the plan must set the penalty weight")
				return
			}
			m, loss, err = dsm.TrainCoInD(pools, p.Dim, coindConfig(p.Labels, *p.Lambda), p.config(), r, ctxProgress)
		default:
			m, loss, err = dsm.TrainSeparate(pools[0], p.Dim, p.config(), r, ctxProgress)
		}
	}); err != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	secs := time.Since(start).Seconds()
	meta := map[string]string{}
	for k, v := range extra {
		meta[k] = v
	}
	meta["kind"] = p.Kind
	if p.Kind == ScoresCoInD {
		lj, _ := json.Marshal(p.Labels)
		meta["labels"] = string(lj)
	}
	cfgJSON, _ := json.Marshal(m.Config())
	meta["config"] = string(cfgJSON)
	weights := &data.Table{
		Cols: []data.Column{{Name: "theta", F32: m.Params()}},
		Meta: meta,
	}
	iters := make([]int64, len(loss))
	vals := make([]float64, len(loss))
	for i, l := range loss {
		iters[i], vals[i] = int64(l.Iter), l.Loss
	}
	lossT := &data.Table{Cols: []data.Column{{Name: "iter", I64: iters}, {Name: "loss", F64: vals}}}
	info := map[string]string{
		"train_seconds": strconv.FormatFloat(secs, 'f', 2, 64),
		"ms_per_iter":   strconv.FormatFloat(1000*secs/float64(p.Iters), 'f', 3, 64),
	}
	if len(vals) > 0 {
		info["final_loss"] = strconv.FormatFloat(vals[len(vals)-1], 'g', 5, 64)
	}
	return &Output{Parts: map[string]*data.Table{"main": weights, "loss": lossT}, Info: info}, nil
}

type errCancelled struct{}

// catchCancel turns the cancellation panic thrown from a progress callback into an error,
// so a long training loop stops promptly on Ctrl-C without a context parameter.
func catchCancel(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(errCancelled); ok {
				err = context.Canceled
				return
			}
			panic(r)
		}
	}()
	f()
	return nil
}

// loadModel reads a trained network from a train artifact.
func loadModel(t *data.Table) (*nn.MLP, error) {
	var cfg nn.Config
	if err := json.Unmarshal([]byte(t.Meta["config"]), &cfg); err != nil {
		return nil, fmt.Errorf("model artifact has no readable config: %w", err)
	}
	theta, err := t.F32("theta")
	if err != nil {
		return nil, err
	}
	return nn.FromParams(cfg, theta)
}

// learnedField builds the score field of a conditional or CoInD network (input "model")
// or of separate experts (inputs "model0".."model{S-1}").
func learnedField(env *Env, kind string, d, sources int) (score.Field, error) {
	if kind == ScoresConditional || kind == ScoresCoInD {
		t, err := env.Input("model")
		if err != nil {
			return nil, err
		}
		m, err := loadModel(t)
		if err != nil {
			return nil, err
		}
		if kind == ScoresConditional {
			return dsm.ConditionalField(m, d, sources), nil
		}
		var labels []dsm.Cond
		if err := json.Unmarshal([]byte(t.Meta["labels"]), &labels); err != nil || len(labels) != sources {
			return nil, fmt.Errorf("coind model artifact has no labels for its %d sources (%v); recompute it with -force train", sources, err)
		}
		return dsm.CoInDField(m, d, coindConfig(labels, 0), coindMarginals(labels)), nil
	}
	ms := make([]*nn.MLP, sources)
	for a := range ms {
		t, err := env.Input("model" + strconv.Itoa(a))
		if err != nil {
			return nil, err
		}
		if ms[a], err = loadModel(t); err != nil {
			return nil, err
		}
	}
	return dsm.SeparateField(ms, d), nil
}
