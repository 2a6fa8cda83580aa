// Package superdiff superposes diffusion models at inference time (SuperDiff, seed 004):
// every model's log-density is tracked along the sampling path with the Itô estimator of
// its Theorem 1, and the models' scores are mixed per point either by estimated density
// (OR, a mixture) or with weights κ that keep the estimated log-densities equal (AND).
//
// The process is the project's VP SDE in denoising time s (core/diffusion): forward drift
// f = −β/2·x, diffusion g² = β, so the reverse step with mixed score u = Σ_m κ_m S_m is
//
//	Δx = (β/2·x + β·u)Δ + sqrt(βΔ)·ξ,
//
// Algorithm 1 of the paper with ξ_τ = g²/2. Only scores are needed, so exact fields and
// learned networks work alike.
package superdiff

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/score"
)

// Op is the superposition operator.
type Op int

const (
	// Or samples the mixture of the models: κ = softmax(T·log q + ℓ) (Prop. 4, eq. 15).
	Or Op = iota
	// And keeps the models' estimated log-densities equal along the path (Prop. 6).
	And
)

func (o Op) String() string {
	if o == And {
		return "and"
	}
	return "or"
}

// Config configures a superposition run.
type Config struct {
	Op    Op
	Steps int
	// Models are the field's sources that are superposed (all of them when empty).
	Models []int
	// Temperature T and Bias ℓ (one per model, nil for zeros) of OR's softmax; the paper
	// uses T = 1, ℓ = 0. AND ignores them.
	Temperature float64
	Bias        []float64
}

// Stats are diagnostics of a run.
type Stats struct {
	// LogQ[m][i] is the final estimated log-density of model m at sample i, started at
	// log N(x; 0, I) for every model.
	LogQ [][]float64
}

// LogDensityIncrement is Theorem 1 discretised at the left point: the change of
// log q_s(x) of a model with score S = ∇log q_s(x) over a step dx of length Δ in
// denoising time,
//
//	Δlog q = ⟨dx, S⟩ + (⟨∇, f⟩ + ⟨f − g²/2·S, S⟩)Δ,  f = −β/2·x, ⟨∇, f⟩ = −β·d/2.
//
// It holds for any drift of the step, provided the step's noise has variance βΔ per
// coordinate (Itô's lemma supplies the Laplacian term that the reverse drift cancels).
func LogDensityIncrement(x, dx, S []float64, beta, dt float64) float64 {
	dot, xs, ss := 0.0, 0.0, 0.0
	for j, sj := range S {
		dot += dx[j] * sj
		xs += x[j] * sj
		ss += sj * sj
	}
	return dot + (-beta*float64(len(S))/2-beta/2*xs-beta/2*ss)*dt
}

// Sample draws n samples (row-major n×d) from the superposition of the models of f. The
// initial points are drawn first from r (x ~ N(0, I), row-major), then each step draws
// its d normals per sample.
func Sample(f score.Field, n int, cfg Config, r *rand.Rand) ([]float64, Stats, error) {
	models, err := cfg.check(f, n)
	if err != nil {
		return nil, Stats{}, err
	}
	d, M, steps := f.Dim(), len(models), cfg.Steps
	x := make([]float64, n*d)
	rng.Normals(r, x)
	all := make([][]float64, f.Sources())
	for a := range all {
		all[a] = make([]float64, n*d)
	}
	logq := make([][]float64, M)
	for m := range logq {
		logq[m] = make([]float64, n)
	}
	for i := 0; i < n; i++ {
		l := stdNormalLogProb(x[i*d : (i+1)*d])
		for m := range logq {
			logq[m][i] = l
		}
	}
	var stats Stats
	grid := diffusion.Grid(steps)
	dt := 1 / float64(steps)
	var (
		kappa = make([]float64, M)
		xi    = make([]float64, d)
		dx    = make([]float64, d)
		sol   = newSolver(M)
		sc    = make([][]float64, M)
	)
	T := cfg.Temperature
	if T == 0 {
		T = 1
	}
	for it := 0; it < steps; it++ {
		f.Scores(grid[it], x, all)
		beta := diffusion.Beta(grid[it])
		noise := math.Sqrt(beta * dt)
		for i := 0; i < n; i++ {
			xr := x[i*d : (i+1)*d]
			for m, a := range models {
				sc[m] = all[a][i*d : (i+1)*d]
			}
			for j := range xi {
				xi[j] = r.NormFloat64()
			}
			// κ-free part of the step: the forward drift's reversal and the noise.
			for j := range dx {
				dx[j] = 0.5*beta*xr[j]*dt + noise*xi[j]
			}
			if cfg.Op == Or {
				softmaxInto(kappa, logq, i, T, cfg.Bias)
			} else {
				sol.equalDensity(kappa, xr, dx, sc, beta, dt)
			}
			for m, k := range kappa {
				for j := range dx {
					dx[j] += beta * k * sc[m][j] * dt
				}
			}
			for m := range models {
				logq[m][i] += LogDensityIncrement(xr, dx, sc[m], beta, dt)
			}
			for j := range xr {
				xr[j] += dx[j]
			}
		}
	}
	stats.LogQ = logq
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, Stats{}, fmt.Errorf("superdiff %v: sample %d became %v; the score field returned non-finite or overflowing scores", cfg.Op, i/d, v)
		}
	}
	return x, stats, nil
}

func (cfg Config) check(f score.Field, n int) ([]int, error) {
	models := cfg.Models
	if len(models) == 0 {
		for a := 0; a < f.Sources(); a++ {
			models = append(models, a)
		}
	}
	switch {
	case f.Dim() < 1:
		return nil, fmt.Errorf("superdiff: the score field has dimension %d; it must be ≥ 1", f.Dim())
	case n < 1:
		return nil, fmt.Errorf("superdiff: asked for %d samples; ask for at least 1", n)
	case cfg.Steps < 1:
		return nil, fmt.Errorf("superdiff: %d steps; use at least 1", cfg.Steps)
	case cfg.Op != Or && cfg.Op != And:
		return nil, fmt.Errorf("superdiff: unknown operator %d; use superdiff.Or or superdiff.And", cfg.Op)
	case cfg.Bias != nil && len(cfg.Bias) != len(models):
		return nil, fmt.Errorf("superdiff: %d biases for %d models; give one ℓ per model or none", len(cfg.Bias), len(models))
	case cfg.Temperature < 0 || math.IsNaN(cfg.Temperature) || math.IsInf(cfg.Temperature, 0):
		return nil, fmt.Errorf("superdiff: temperature %v; it must be finite and ≥ 0 (0 means the paper's T = 1)", cfg.Temperature)
	}
	seen := map[int]bool{}
	for _, a := range models {
		if a < 0 || a >= f.Sources() || seen[a] {
			return nil, fmt.Errorf("superdiff: model list %v; each entry must be a distinct source index in [0, %d)", models, f.Sources())
		}
		seen[a] = true
	}
	return models, nil
}

func stdNormalLogProb(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return -0.5*float64(len(x))*math.Log(2*math.Pi) - 0.5*s
}

// softmaxInto writes κ_m = softmax_m(T·logq[m][i] + ℓ_m).
func softmaxInto(kappa []float64, logq [][]float64, i int, T float64, bias []float64) {
	mx := math.Inf(-1)
	for m := range kappa {
		kappa[m] = T * logq[m][i]
		if bias != nil {
			kappa[m] += bias[m]
		}
		mx = math.Max(mx, kappa[m])
	}
	tot := 0.0
	for m := range kappa {
		kappa[m] = math.Exp(kappa[m] - mx)
		tot += kappa[m]
	}
	for m := range kappa {
		kappa[m] /= tot
	}
}
