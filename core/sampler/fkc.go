package sampler

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/resample"
	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/score"
)

// FKCConfig configures the Feynman–Kac corrector.
type FKCConfig struct {
	K     int     // particles per swarm (one swarm per output sample); K = 1 is the naive SDE
	Steps int     // Euler–Maruyama steps (500 in the paper)
	GClip float64 // |g| is clipped to GClip before it enters the log-weights; math.Inf(1) for none
}

// FKCStats are diagnostics of an FKC run.
type FKCStats struct {
	// MeanESS[i] is the mean over swarms of ESS/K of the log-weights after step i, before
	// resampling: 1 means the weights were uniform, 1/K that one particle took all mass.
	MeanESS []float64
}

// FKC samples the composition Π_a p_a^{w_a} with the Feynman–Kac corrector: n swarms of K
// particles run the naive SDE as one batch. After each step the scores are evaluated at
// the new time s_{i+1} (and reused for the next step's drift, so one field evaluation per
// step), every particle's log-weight grows by clip(g, ±GClip)·Δ with g from
// LogWeightIncrement at β(s_{i+1}), and each swarm is resampled systematically, its slots
// shuffled and its log-weights reset. After the last step one particle per swarm is drawn
// from its weights.
//
// With K = 1 resampling is the identity and draws nothing, so FKC consumes exactly the
// naive SDE's normals in the same order and returns bit-identical samples.
func FKC(f score.Field, w []float64, n int, cfg FKCConfig, r *rand.Rand) ([]float64, FKCStats, error) {
	if err := checkArgs(f, w, n, cfg.Steps); err != nil {
		return nil, FKCStats{}, fmt.Errorf("fkc: %w", err)
	}
	if cfg.K < 1 {
		return nil, FKCStats{}, fmt.Errorf("fkc: K = %d particles per swarm; it must be ≥ 1 (K = 1 is the naive SDE)", cfg.K)
	}
	if !(cfg.GClip > 0) {
		return nil, FKCStats{}, fmt.Errorf("fkc: g_clip = %v; it must be > 0 (use +Inf for no clipping)", cfg.GClip)
	}
	d, K, steps := f.Dim(), cfg.K, cfg.Steps
	P := n * K
	x := make([]float64, P*d)
	rng.Normals(r, x)
	scores := newScores(f.Sources(), P*d)
	stats := FKCStats{MeanESS: make([]float64, steps)}
	grid := diffusion.Grid(steps)
	dt := 1 / float64(steps)

	// Resampling state, allocated once: gather buffers swapped with x and scores each step.
	var (
		logw    []float64
		xb      []float64
		sb      [][]float64
		weights []float64
		idx     = make([]int, K)
	)
	if K > 1 {
		logw = make([]float64, P)
		weights = make([]float64, P)
		xb = make([]float64, P*d)
		sb = newScores(f.Sources(), P*d)
	}

	f.Scores(grid[0], x, scores)
	for i := 0; i < steps; i++ {
		step(x, scores, w, diffusion.Beta(grid[i]), dt, r.NormFloat64)
		f.Scores(grid[i+1], x, scores)
		if K == 1 {
			stats.MeanESS[i] = 1
			continue
		}
		if p, g := addLogWeights(logw, w, scores, d, diffusion.Beta(grid[i+1]), cfg.GClip, dt); p >= 0 {
			return nil, FKCStats{}, fmt.Errorf("fkc: step %d (s = %.4g): the log-weight increment of particle %d is %v; the score field returned non-finite or overflowing scores", i, grid[i+1], p, g)
		}
		// Each swarm's weights are computed once, for the ESS diagnostic and for resampling.
		last := i == steps-1
		ess := 0.0
		for sw := 0; sw < n; sw++ {
			lw := logw[sw*K : (sw+1)*K]
			wts := weights[sw*K : (sw+1)*K]
			total := resample.Weights(lw, wts)
			ess += resample.ESSFromWeights(wts, total)
			if last {
				continue // the final draw below uses these weights
			}
			resample.SystematicFromWeights(idx, wts, total, r.Float64())
			for k := K - 1; k > 0; k-- { // Fisher–Yates: shuffle the slots
				j := r.IntN(k + 1)
				idx[k], idx[j] = idx[j], idx[k]
			}
			base := sw * K
			for k, src := range idx {
				dst, from := (base+k)*d, (base+src)*d
				copy(xb[dst:dst+d], x[from:from+d])
				for a := range scores {
					copy(sb[a][dst:dst+d], scores[a][from:from+d])
				}
			}
			clear(lw)
		}
		stats.MeanESS[i] = ess / float64(P)
		if last {
			break
		}
		x, xb = xb, x
		scores, sb = sb, scores
	}
	if K == 1 {
		return x, stats, nil
	}
	out := make([]float64, n*d)
	one := idx[:1]
	for sw := 0; sw < n; sw++ {
		// Systematic resampling of a single index is a draw from the categorical weights.
		wts := weights[sw*K : (sw+1)*K]
		resample.SystematicFromWeights(one, wts, sum(wts), r.Float64())
		from := (sw*K + one[0]) * d
		copy(out[sw*d:(sw+1)*d], x[from:from+d])
	}
	return out, stats, nil
}

// LogWeightIncrement is the FKC log-weight rate of particle i (scores[a] row-major with
// dimension d) for the composition Π_a p_a^{w_a}, in denoising time:
//
//	g = (1 − Σ_a w_a)·d·β/2 + ½β(|Σ_a w_a S_a|² − Σ_a w_a |S_a|²).
//
// It is the residual of the composition's Fokker–Planck equation under the naive SDE
// (the paper's eq. 11 with dt → −ds, u = −β/2·x, σ² = β). SPEC §5 writes the first term
// as (Σw − 1)·d·β/2; that sign is wrong (see TestLogWeightIncrementFokkerPlanck), but the
// term is constant in x, so it only matters when clipping, and vanishes for Σw = 1.
func LogWeightIncrement(w []float64, scores [][]float64, i, d int, beta float64) float64 {
	sumW := 0.0
	for _, wa := range w {
		sumW += wa
	}
	comp, each := 0.0, 0.0
	for j := i * d; j < (i+1)*d; j++ {
		c := 0.0
		for a, wa := range w {
			s := scores[a][j]
			c += wa * s
			each += wa * s * s
		}
		comp += c * c
	}
	return (1-sumW)*float64(d)*beta/2 + 0.5*beta*(comp-each)
}

// addLogWeights adds clip(g, ±gClip)·dt to every particle's log-weight, g from
// LogWeightIncrement at β. It returns the first particle whose g is not finite (and g),
// or −1.
func addLogWeights(logw, w []float64, scores [][]float64, d int, beta, gClip, dt float64) (int, float64) {
	for p := range logw {
		g := LogWeightIncrement(w, scores, p, d, beta)
		if math.IsNaN(g) || math.IsInf(g, 0) {
			return p, g
		}
		logw[p] += math.Max(-gClip, math.Min(gClip, g)) * dt
	}
	return -1, 0
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}
