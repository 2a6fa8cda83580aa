package dsm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/nn"
	"github.com/compdiff/compdiff/core/score"
)

// Null is the value of an attribute that is left out of a condition (the classifier-free
// guidance token ∅).
const Null = -1

// Cond is a condition on two attributes, each a value in [0, Values[k]) or Null.
type Cond [2]int

// CoInD configures training with the conditional-independence penalty of CoInD (seed 003):
// every pool is drawn from one joint condition (c1, c2), and the network sees
// [s, x, onehot(c1), onehot(c2)] with ∅ encoded as an all-zero block. Per point x_s the
// network is evaluated under the four conditions (c1,c2), (c1,∅), (∅,c2), (∅,∅) and the loss
// is
//
//	¼ Σ_v |ε̂_v − ε|² + λ |ε̂(c1,c2) − ε̂(c1,∅) − ε̂(∅,c2) + ε̂(∅,∅)|²,
//
// the denoising loss of every condition (the expectation over classifier-free dropout of
// each attribute with probability ½, computed exactly) plus the penalty, which is the
// score-space form of p(x|c1,c2) ∝ p(x|c1)·p(x|c2)/p(x).
type CoInD struct {
	Values [2]int  // number of values of each attribute
	Labels []Cond  // Labels[a] is the joint condition pool a was drawn from (no Null)
	Lambda float64 // penalty weight λ ≥ 0; 0 trains the plain conditional model
}

// Inputs is the network's input width for dimension d.
func (c CoInD) Inputs(d int) int { return 1 + d + c.Values[0] + c.Values[1] }

// Code is the condition block of the network input.
func (c CoInD) Code(k Cond) []float32 {
	v := make([]float32, c.Values[0]+c.Values[1])
	if k[0] != Null {
		v[k[0]] = 1
	}
	if k[1] != Null {
		v[c.Values[0]+k[1]] = 1
	}
	return v
}

// Check reports the first thing wrong with c for pools of sources.
func (c CoInD) Check(sources int) error {
	switch {
	case c.Values[0] < 1 || c.Values[1] < 1:
		return fmt.Errorf("coind: attribute value counts %v; each attribute needs at least one value", c.Values)
	case len(c.Labels) != sources:
		return fmt.Errorf("coind: %d labels for %d pools; give the joint condition of every pool", len(c.Labels), sources)
	case !(c.Lambda >= 0) || math.IsInf(c.Lambda, 0):
		return fmt.Errorf("coind: λ = %v; the penalty weight must be finite and ≥ 0", c.Lambda)
	}
	for a, l := range c.Labels {
		if err := c.checkCond(l, false); err != nil {
			return fmt.Errorf("coind: pool %d: %w", a, err)
		}
	}
	return nil
}

func (c CoInD) checkCond(k Cond, nullOK bool) error {
	for i, v := range k {
		if v == Null && nullOK {
			continue
		}
		if v < 0 || v >= c.Values[i] {
			if nullOK {
				return fmt.Errorf("condition %v: attribute %d must be in [0, %d) or Null", k, i+1, c.Values[i])
			}
			return fmt.Errorf("condition %v: attribute %d must be in [0, %d) (pools are drawn from joint conditions, never ∅)", k, i+1, c.Values[i])
		}
	}
	return nil
}

// variants of a joint condition, in the order of the penalty's signs.
func variants(k Cond) [4]Cond {
	return [4]Cond{k, {k[0], Null}, {Null, k[1]}, {Null, Null}}
}

var penaltySign = [4]float32{1, -1, -1, 1}

// TrainCoInD trains one network on the pools (pools[a] drawn from ci.Labels[a]) with the
// CoInD loss. A batch holds Batch/(4S) points of each of the S pools (integer division),
// each evaluated under its four conditions, so a batch costs the same network rows as
// TrainConditional's. Per pool, per point it draws: pool index, s ~ U(0,1), ε ~ N(0, I).
func TrainCoInD(pools [][]float64, d int, ci CoInD, cfg TrainConfig, r *rand.Rand, progress func(iter int)) (*nn.MLP, []LossPoint, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	if err := checkPools(pools, d); err != nil {
		return nil, nil, err
	}
	if err := ci.Check(len(pools)); err != nil {
		return nil, nil, err
	}
	per := cfg.Batch / (4 * len(pools))
	if per < 1 {
		return nil, nil, fmt.Errorf("coind: batch %d is smaller than 4 rows (one point under four conditions) for each of the %d pools; use a batch ≥ %d", cfg.Batch, len(pools), 4*len(pools))
	}
	in := ci.Inputs(d)
	m, err := nn.New(nn.Config{In: in, Out: d, Width: cfg.Width, Depth: cfg.Depth, Act: "silu"}, r)
	if err != nil {
		return nil, nil, err
	}
	var codes [][4][]float32
	for _, l := range ci.Labels {
		var c [4][]float32
		for v, k := range variants(l) {
			c[v] = ci.Code(k)
		}
		codes = append(codes, c)
	}
	opt := &nn.Adam{LR: cfg.LR, Beta1: cfg.Beta1, Beta2: cfg.Beta2, Eps: cfg.Eps}
	points := per * len(pools)
	x := make([]float32, 4*points*in)
	eps := make([]float32, points*d)
	grad := make([]float32, m.NumParams())
	var ws nn.Workspace
	step := func(r *rand.Rand) float64 {
		for a, pool := range pools {
			n := len(pool) / d
			for k := 0; k < per; k++ {
				p := a*per + k
				x0 := pool[r.IntN(n)*d:]
				s := r.Float64()
				al, sg := diffusion.Alpha(s), diffusion.Sigma(s)
				base := x[4*p*in : (4*p+1)*in]
				base[0] = float32(s)
				for j := 0; j < d; j++ {
					e := r.NormFloat64()
					base[1+j] = float32(al*x0[j] + sg*e)
					eps[p*d+j] = float32(e)
				}
				for v := 0; v < 4; v++ {
					row := x[(4*p+v)*in : (4*p+v+1)*in]
					copy(row[:1+d], base[:1+d])
					copy(row[1+d:], codes[a][v])
				}
			}
		}
		loss := m.GradWith(&ws, x, 4*points, grad, func(out []float32) float64 {
			return CoInDLossGrad(out, eps, d, ci.Lambda)
		})
		opt.Step(m.Params(), grad)
		return loss
	}
	return optimise(m, step, cfg, r, progress)
}

// CoInDLossGrad is the CoInD loss of network outputs out (4 rows per point: the four
// condition variants in the order (c1,c2), (c1,∅), (∅,c2), (∅,∅); d columns) against the
// noise eps (one row per point), averaged over points. It overwrites out with ∂L/∂out and
// returns L (accumulated in float64).
func CoInDLossGrad(out, eps []float32, d int, lambda float64) float64 {
	points := len(eps) / d
	inv := 1 / float64(points)
	var loss float64
	for p := 0; p < points; p++ {
		for j := 0; j < d; j++ {
			e := float64(eps[p*d+j])
			var o [4]float64
			res := 0.0
			for v := range o {
				o[v] = float64(out[(4*p+v)*d+j])
				res += float64(penaltySign[v]) * o[v]
			}
			for v := range o {
				diff := o[v] - e
				loss += 0.25 * diff * diff
				out[(4*p+v)*d+j] = float32(inv * (0.5*diff + 2*lambda*float64(penaltySign[v])*res))
			}
			loss += lambda * res * res
		}
	}
	return loss * inv
}

// CoInDField exposes a network trained by TrainCoInD as a score field whose source a is
// the condition conds[a] (attributes may be Null): score_a(x) = −ε̂(s, x, conds[a])/σ(s).
// Composing the marginals as CoInD does is conds = [(1,∅), (∅,1), (∅,∅)] with weights
// (+1, +1, −1). Same concurrency rule as ConditionalField; it panics on a shape mismatch.
func CoInDField(m *nn.MLP, d int, ci CoInD, conds []Cond) score.Field {
	checkShape(m, d, ci.Inputs(d), "coind")
	if len(conds) == 0 {
		panic("dsm.CoInDField: no conditions; give one per source of the field")
	}
	codes := make([][]float32, len(conds))
	for a, k := range conds {
		if err := ci.checkCond(k, true); err != nil {
			panic("dsm.CoInDField: " + err.Error())
		}
		codes[a] = ci.Code(k)
	}
	return &netField{nets: []*nn.MLP{m}, d: d, sources: len(conds), codes: codes}
}
