package dsm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/nn"
)

// The study's sources as CoInD attributes: a1 = (1,0), a2 = (0,1), base = (0,0); the
// target (1,1) is never observed.
var studyCoInD = CoInD{Values: [2]int{2, 2}, Labels: []Cond{{1, 0}, {0, 1}, {0, 0}}}

// Central differences of CoInDLossGrad's loss against its gradient. The loss is a quadratic
// in the outputs, so the difference quotient is exact up to float rounding of the loss
// (float64 sums of float32 inputs, relative 1e-7 over the step 1e-3).
func TestCoInDLossGradFiniteDifference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const d, points, lambda = 3, 5, 0.7
	out := make([]float32, 4*points*d)
	eps := make([]float32, points*d)
	for k := range out {
		out[k] = float32(r.NormFloat64())
	}
	for k := range eps {
		eps[k] = float32(r.NormFloat64())
	}
	grad := append([]float32(nil), out...)
	CoInDLossGrad(grad, eps, d, lambda)
	loss := func(o []float32) float64 { return CoInDLossGrad(append([]float32(nil), o...), eps, d, lambda) }
	const h = 1.0 / 1024
	for k := range out {
		o := append([]float32(nil), out...)
		hi, lo := out[k]+h, out[k]-h // the float32 points actually evaluated
		o[k] = hi
		up := loss(o)
		o[k] = lo
		down := loss(o)
		fd := (up - down) / (float64(hi) - float64(lo))
		if math.Abs(fd-float64(grad[k])) > 1e-4*math.Max(1, math.Abs(fd)) {
			t.Errorf("output %d: finite difference %.6g, gradient %.6g", k, fd, grad[k])
		}
	}
}

// The penalty at x: the residual ε̂(c1,c2) − ε̂(c1,∅) − ε̂(∅,c2) + ε̂(∅,∅) for a joint k.
func residual(m *nn.MLP, ci CoInD, s float64, x []float64, k Cond) []float64 {
	d := len(x)
	in := ci.Inputs(d)
	rows := make([]float32, 4*in)
	for v, c := range variants(k) {
		row := rows[v*in : (v+1)*in]
		row[0] = float32(s)
		for j, xv := range x {
			row[1+j] = float32(xv)
		}
		copy(row[1+d:], ci.Code(c))
	}
	out := m.Forward(nil, rows, 4)
	res := make([]float64, d)
	for v := 0; v < 4; v++ {
		for j := 0; j < d; j++ {
			res[j] += float64(penaltySign[v]) * float64(out[v*d+j])
		}
	}
	return res
}

// A network with no hidden layer is linear in its condition blocks, hence exactly
// factorized: the residual vanishes up to float32 rounding of four outputs, and composing
// the marginals (1,∅) + (∅,1) − (∅,∅) gives the unseen joint (1,1) itself.
func TestCoInDFactorizedModelHasZeroPenalty(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	m, err := nn.New(nn.Config{In: studyCoInD.Inputs(2), Out: 2, Depth: 0}, r)
	if err != nil {
		t.Fatal(err)
	}
	deep, err := nn.New(nn.Config{In: studyCoInD.Inputs(2), Out: 2, Width: 16, Depth: 2}, r)
	if err != nil {
		t.Fatal(err)
	}
	maxDeep := 0.0
	for i := 0; i < 50; i++ {
		x := []float64{3 * r.NormFloat64(), 3 * r.NormFloat64()}
		s := r.Float64()
		for _, k := range []Cond{{1, 0}, {0, 1}, {0, 0}, {1, 1}} {
			for j, v := range residual(m, studyCoInD, s, x, k) {
				if math.Abs(v) > 1e-5 {
					t.Fatalf("linear model at %v, joint %v: residual[%d] = %g; it must vanish", x, k, j, v)
				}
			}
			for _, v := range residual(deep, studyCoInD, s, x, k) {
				maxDeep = math.Max(maxDeep, math.Abs(v))
			}
		}
		// Composition of the marginals equals the joint (1,1).
		f := CoInDField(m, 2, studyCoInD, []Cond{{1, Null}, {Null, 1}, {Null, Null}, {1, 1}})
		out := [][]float64{make([]float64, 2), make([]float64, 2), make([]float64, 2), make([]float64, 2)}
		f.Scores(s, x, out)
		for j := 0; j < 2; j++ {
			comp := out[0][j] + out[1][j] - out[2][j]
			if math.Abs(comp-out[3][j]) > 1e-5/diffusion.Sigma(s) {
				t.Fatalf("at %v: composed marginal score %g, joint (1,1) score %g", x, comp, out[3][j])
			}
		}
	}
	if maxDeep < 1e-3 {
		t.Errorf("a random SiLU network has residual at most %g; the check cannot tell factorized from not", maxDeep)
	}
}

// Training with the penalty must leave a much smaller residual at the training points than
// training the same network on the same batches without it.
func TestCoInDPenaltyReducesResidual(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	var pools [][]float64
	for _, v := range [][2]float64{{10, 1}, {1, 10}, {10, 10}} {
		p := make([]float64, 2*400)
		for i := 0; i < 400; i++ {
			p[2*i] = math.Sqrt(v[0]) * r.NormFloat64()
			p[2*i+1] = math.Sqrt(v[1]) * r.NormFloat64()
		}
		pools = append(pools, p)
	}
	cfg := TrainConfig{Width: 32, Depth: 2, Batch: 120, Iters: 400, LR: 2e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, LossEvery: 100}
	meanRes := func(lambda float64) float64 {
		ci := studyCoInD
		ci.Lambda = lambda
		m, _, err := TrainCoInD(pools, 2, ci, cfg, rand.New(rand.NewPCG(1, 1)), nil)
		if err != nil {
			t.Fatal(err)
		}
		rr := rand.New(rand.NewPCG(5, 6))
		sum := 0.0
		const n = 300
		for i := 0; i < n; i++ {
			a := i % 3
			p := pools[a][2*rr.IntN(400):]
			s := 0.05 + 0.9*rr.Float64()
			al, sg := diffusion.Alpha(s), diffusion.Sigma(s)
			x := []float64{al*p[0] + sg*rr.NormFloat64(), al*p[1] + sg*rr.NormFloat64()}
			for _, v := range residual(m, ci, s, x, ci.Labels[a]) {
				sum += v * v
			}
		}
		return sum / n
	}
	r0, r5 := meanRes(0), meanRes(5)
	t.Logf("mean squared residual: λ = 0 %.4g, λ = 5 %.4g", r0, r5)
	if r5 > r0/4 {
		t.Errorf("λ = 5 leaves residual %.4g against %.4g without the penalty; it must be far smaller", r5, r0)
	}
}

func TestCoInDConfigErrors(t *testing.T) {
	pools := [][]float64{{0, 1, 2, 3}, {1, 1, 2, 2}}
	cfg := TrainConfig{Width: 4, Depth: 1, Batch: 8, Iters: 1, LR: 1e-3, Beta1: 0.9, Beta2: 0.999, LossEvery: 1}
	r := rand.New(rand.NewPCG(1, 1))
	for _, ci := range []CoInD{
		{Values: [2]int{2, 2}, Labels: []Cond{{1, 0}}},                     // one label for two pools
		{Values: [2]int{2, 2}, Labels: []Cond{{1, 0}, {0, Null}}},          // a pool with ∅
		{Values: [2]int{2, 2}, Labels: []Cond{{1, 0}, {0, 2}}},             // value out of range
		{Values: [2]int{2, 2}, Labels: []Cond{{1, 0}, {0, 1}}, Lambda: -1}, // negative λ
		{Values: [2]int{0, 2}, Labels: []Cond{{0, 0}, {0, 1}}},             // no values
	} {
		if _, _, err := TrainCoInD(pools, 2, ci, cfg, r, nil); err == nil {
			t.Errorf("%+v: no error", ci)
		}
	}
	ok := CoInD{Values: [2]int{2, 2}, Labels: []Cond{{1, 0}, {0, 1}}}
	small := cfg
	small.Batch = 7
	if _, _, err := TrainCoInD(pools, 2, ok, small, r, nil); err == nil {
		t.Error("batch 7 for two pools (needs 8): no error")
	}
}
