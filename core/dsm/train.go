// Package dsm trains ε-prediction score networks by denoising score matching (SPEC §6) and
// exposes trained networks as score fields for the samplers.
//
// A network sees [s, x_s] (one "separate" expert per source) or [s, x_s, onehot(c)] (one
// conditional network over all sources), with x_s = α(s)·x0 + σ(s)·ε, and predicts ε.
// The score of the noised law is then −ε̂/σ(s).
package dsm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/nn"
)

// TrainConfig holds the network shape and optimisation settings.
type TrainConfig struct {
	Width, Depth, Batch, Iters int
	LR, Beta1, Beta2, Eps      float64
	// LossEvery is how many iterations each point of the loss curve averages.
	LossEvery int
}

// PaperTrainConfig is SPEC §6: 4 hidden layers of 512 SiLU units, batch 512, 20 000 Adam
// iterations at lr 2e-4, β = (0.9, 0.999), eps 1e-8; the loss curve averages 100 iterations.
func PaperTrainConfig() TrainConfig {
	return TrainConfig{Width: 512, Depth: 4, Batch: 512, Iters: 20000,
		LR: 2e-4, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, LossEvery: 100}
}

// Validate reports the first setting that cannot train.
func (c TrainConfig) Validate() error {
	switch {
	case c.Width < 1 || c.Depth < 1:
		return fmt.Errorf("dsm: width %d, depth %d; the network needs width ≥ 1 and depth ≥ 1", c.Width, c.Depth)
	case c.Batch < 1:
		return fmt.Errorf("dsm: batch %d; use a batch of at least one row per source", c.Batch)
	case c.Iters < 1:
		return fmt.Errorf("dsm: %d iterations; train for at least one", c.Iters)
	case !(c.LR > 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("dsm: learning rate %v; it must be a positive finite number", c.LR)
	case !(c.Beta1 >= 0 && c.Beta1 < 1) || !(c.Beta2 >= 0 && c.Beta2 < 1):
		return fmt.Errorf("dsm: Adam betas (%v, %v); both must lie in [0, 1)", c.Beta1, c.Beta2)
	case !(c.Eps >= 0) || math.IsInf(c.Eps, 0):
		return fmt.Errorf("dsm: Adam eps %v; it must be finite and ≥ 0", c.Eps)
	case c.LossEvery < 1:
		return fmt.Errorf("dsm: LossEvery %d; average the loss over at least one iteration", c.LossEvery)
	}
	return nil
}

// LossPoint is the mean training loss over the LossEvery iterations ending at Iter
// (1-based; the last point may average fewer when Iters is not a multiple).
type LossPoint struct {
	Iter int
	Loss float64
}

// TrainConditional trains one network with input [s, x, onehot(c)] on S = len(pools)
// sources; pools[a] is an n_a×d row-major sample of source a. Every batch holds Batch/S
// rows of each source (integer division), drawn with replacement. progress, if not nil, is
// called after every iteration with the number of iterations done. All randomness comes
// from r, so a seed fixes the result bit for bit (whatever GOMAXPROCS is).
func TrainConditional(pools [][]float64, d int, cfg TrainConfig, r *rand.Rand, progress func(iter int)) (*nn.MLP, []LossPoint, error) {
	if len(pools) == 0 {
		return nil, nil, fmt.Errorf("dsm: no sources to train on; give at least one pool")
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	if cfg.Batch < len(pools) {
		return nil, nil, fmt.Errorf("dsm: batch %d is smaller than the %d sources; each source needs at least one row per batch", cfg.Batch, len(pools))
	}
	return train(pools, d, true, cfg, r, progress)
}

// TrainSeparate trains one network with input [s, x] on pool (n×d row-major).
func TrainSeparate(pool []float64, d int, cfg TrainConfig, r *rand.Rand, progress func(iter int)) (*nn.MLP, []LossPoint, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	return train([][]float64{pool}, d, false, cfg, r, progress)
}

func train(pools [][]float64, d int, conditional bool, cfg TrainConfig, r *rand.Rand, progress func(int)) (*nn.MLP, []LossPoint, error) {
	t, err := newTrainer(pools, d, conditional, cfg, r)
	if err != nil {
		return nil, nil, err
	}
	return optimise(t.m, t.step, cfg, r, progress)
}

// optimise runs cfg.Iters steps of step (one batch and one Adam update each, returning the
// batch loss), records the loss curve and stops on a non-finite loss.
func optimise(m *nn.MLP, step func(r *rand.Rand) float64, cfg TrainConfig, r *rand.Rand, progress func(int)) (*nn.MLP, []LossPoint, error) {
	var curve []LossPoint
	sum, count := 0.0, 0
	for it := 1; it <= cfg.Iters; it++ {
		loss := step(r)
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return nil, nil, fmt.Errorf("dsm: loss became %v at iteration %d; lower the learning rate", loss, it)
		}
		sum += loss
		count++
		if count == cfg.LossEvery || it == cfg.Iters {
			curve = append(curve, LossPoint{Iter: it, Loss: sum / float64(count)})
			sum, count = 0, 0
		}
		if progress != nil {
			progress(it)
		}
	}
	return m, curve, nil
}

// trainer holds the model, optimizer and the reusable batch buffers.
type trainer struct {
	pools     [][]float64
	d, in     int
	per, rows int
	onehot    bool
	m         *nn.MLP
	opt       *nn.Adam
	ws        nn.Workspace
	x, target []float32
	grad      []float32
	eps       []float64 // one row's noise
}

func newTrainer(pools [][]float64, d int, conditional bool, cfg TrainConfig, r *rand.Rand) (*trainer, error) {
	if err := checkPools(pools, d); err != nil {
		return nil, err
	}
	in := 1 + d
	if conditional {
		in += len(pools)
	}
	m, err := nn.New(nn.Config{In: in, Out: d, Width: cfg.Width, Depth: cfg.Depth, Act: "silu"}, r)
	if err != nil {
		return nil, err
	}
	t := &trainer{pools: pools, d: d, in: in, onehot: conditional, m: m,
		opt: &nn.Adam{LR: cfg.LR, Beta1: cfg.Beta1, Beta2: cfg.Beta2, Eps: cfg.Eps}}
	t.per = cfg.Batch / len(pools)
	t.rows = t.per * len(pools)
	t.x = make([]float32, t.rows*in)
	t.target = make([]float32, t.rows*d)
	t.grad = make([]float32, m.NumParams())
	t.eps = make([]float64, d)
	return t, nil
}

// step draws one batch — per source, per row: pool index, s ~ U(0,1), ε ~ N(0, I), in
// that order — and takes one Adam step on it. It returns the batch loss.
func (t *trainer) step(r *rand.Rand) float64 {
	d, in := t.d, t.in
	for a, pool := range t.pools {
		n := len(pool) / d
		for k := 0; k < t.per; k++ {
			row := a*t.per + k
			x0 := pool[r.IntN(n)*d:]
			s := r.Float64()
			for j := range t.eps {
				t.eps[j] = r.NormFloat64()
			}
			class := -1
			if t.onehot {
				class = a
			}
			noisedRow(t.x[row*in:(row+1)*in], t.target[row*d:(row+1)*d], x0[:d], s, t.eps, class)
		}
	}
	loss := t.m.LossGrad(&t.ws, t.x, t.target, t.rows, t.grad)
	t.opt.Step(t.m.Params(), t.grad)
	return loss
}

func checkPools(pools [][]float64, d int) error {
	if d < 1 {
		return fmt.Errorf("dsm: dimension %d; it must be ≥ 1", d)
	}
	for a, p := range pools {
		if len(p) == 0 || len(p)%d != 0 {
			return fmt.Errorf("dsm: pool of source %d has %d values, not a positive multiple of d = %d", a, len(p), d)
		}
		for k, v := range p {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("dsm: pool of source %d has %v at row %d, column %d; samples must be finite", a, v, k/d, k%d)
			}
		}
	}
	return nil
}

// noisedRow writes one training row: the input [s, α(s)·x0 + σ(s)·ε, onehot(class)] (no
// one-hot part for class < 0) and the target ε. Everything is computed in float64 and
// rounded to float32 once.
func noisedRow(in, target []float32, x0 []float64, s float64, eps []float64, class int) {
	al, sg := diffusion.Alpha(s), diffusion.Sigma(s)
	in[0] = float32(s)
	for j, e := range eps {
		in[1+j] = float32(al*x0[j] + sg*e)
		target[j] = float32(e)
	}
	if class >= 0 {
		oh := in[1+len(x0):]
		clear(oh)
		oh[class] = 1
	}
}
