package nn

import (
	"fmt"
	"math"
	"testing"

	"github.com/compdiff/compdiff/core/nn/parity"
)

func loadTrain(t *testing.T) (*parity.Fixture, Config) {
	t.Helper()
	f, err := parity.Load("train.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{In: f.Int("in"), Out: f.Int("out"), Width: f.Int("width"), Depth: f.Int("depth"), Act: "silu"}
	return f, cfg
}

// batch returns the inputs and targets of fixture batch b as float32 and float64.
func batch(f *parity.Fixture, cfg Config, b int) (x, target []float32, rows int) {
	rows = f.Int("sources") * f.Int("per")
	xs, eps := f.F32("x_in"), f.F32("eps")
	return xs[b*rows*cfg.In : (b+1)*rows*cfg.In], eps[b*rows*cfg.Out : (b+1)*rows*cfg.Out], rows
}

func widen(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// within reports the first entry where |got − want| > bound.
func within(got, want, bound []float64) (int, bool) {
	for i := range want {
		if !(math.Abs(got[i]-want[i]) <= bound[i]) {
			return i, false
		}
	}
	return -1, true
}

// TestParityLossGrad: the loss and every gradient entry of step 1 on PyTorch's initial
// weights and batch agree with PyTorch's float64 result within the a-priori float32 error
// bound of parity.Net.LossGrad, on every kernel path; PyTorch's own float32 result must
// satisfy the same bound (it is not too tight for a correct float32 implementation).
func TestParityLossGrad(t *testing.T) {
	f, cfg := loadTrain(t)
	x, target, rows := batch(f, cfg, 0)
	net := parity.NewNet(f.F64("p0"), cfg.In, cfg.Out, cfg.Width, cfg.Depth)
	_, lossErr, _, gradErr := net.LossGrad(widen(x), widen(target), rows)
	loss64, grad64 := f.Float("loss64"), f.F64("grad64")
	if math.Abs(f.Float("loss32")-loss64) > lossErr {
		t.Fatalf("PyTorch float32 loss %v vs float64 %v exceeds the bound %g", f.Float("loss32"), loss64, lossErr)
	}
	if i, ok := within(f.F64("grad32"), grad64, gradErr); !ok {
		t.Fatalf("PyTorch float32 gradient %d: %v vs float64 %v exceeds the bound %g", i, f.F64("grad32")[i], grad64[i], gradErr[i])
	}
	parity.OnEveryKernel(t, func(t *testing.T) {
		m, err := FromParams(cfg, f.F32("p0"))
		if err != nil {
			t.Fatal(err)
		}
		grad := make([]float32, m.NumParams())
		loss := m.LossGrad(nil, x, target, rows, grad)
		if math.Abs(loss-loss64) > lossErr {
			t.Errorf("loss %v, PyTorch %v: off by %g, bound %g", loss, loss64, math.Abs(loss-loss64), lossErr)
		}
		if i, ok := within(widen(grad), grad64, gradErr); !ok {
			t.Errorf("gradient %d: %v, PyTorch %v, bound %g", i, grad[i], grad64[i], gradErr[i])
		}
	})
}

// TestParityAdam trains from PyTorch's initial weights on the fixture's batches (batch
// (t−1) mod 4 at step t) and compares the weights after 1, 10 and 200 steps with PyTorch's
// float64 run.
//
// Step 1 has a bound per entry: Adam's first update is LR·g/(|g| + eps), whose derivative
// in g is eps/(|g| + eps)², so a gradient error B moves it by at most LR·eps·B/(|g| − B +
// eps)² (by 2·LR if |g| ≤ B, where the sign is undecided); the float32 Adam arithmetic adds
// 10 roundings of the update and the subtraction one of |p|.
//
// Later steps feed these differences back through the gradients; no a-priori bound is
// tight there, so the yardstick is float32 itself: PyTorch's float32 run drifts from its
// float64 run by D_t (in max-norm and in RMS), and compdiff may drift by at most
// 4·D_t + 10·t·LR·U (plus U·max|p| in max-norm, the rounding of the weights themselves).
// The factor 4 allows for a different summation order giving a random walk of different
// luck, not for a different algorithm: an error in Adam's formula or the loss scale moves
// the weights by O(LR) per step, hundreds of times D_t.
func TestParityAdam(t *testing.T) {
	f, cfg := loadTrain(t)
	lr := f.Float("lr")
	steps := []int{1, 10, 200}
	x0, t0, rows := batch(f, cfg, 0)
	net := parity.NewNet(f.F64("p0"), cfg.In, cfg.Out, cfg.Width, cfg.Depth)
	_, _, g64, gErr := net.LossGrad(widen(x0), widen(t0), rows)
	eps := f.Float("eps")
	want1 := f.F64("p64_1")
	bound1 := make([]float64, len(want1))
	for i, g := range g64 {
		a, b := math.Abs(g), gErr[i]
		bound1[i] = 2 * lr
		if a > b {
			bound1[i] = lr * eps * b / ((a - b + eps) * (a - b + eps))
		}
		bound1[i] += 10*U32*lr + U32*math.Abs(want1[i])
	}
	if i, ok := within(f.F64("p32_1"), want1, bound1); !ok {
		t.Fatalf("PyTorch float32 weight %d after 1 step: %v vs %v exceeds the bound %g", i, f.F64("p32_1")[i], want1[i], bound1[i])
	}
	drift, driftRMS := map[int]float64{}, map[int]float64{}
	for _, s := range steps[1:] {
		p32, p64 := f.F64(fmt.Sprintf("p32_%d", s)), f.F64(fmt.Sprintf("p64_%d", s))
		drift[s], driftRMS[s] = maxDiff(p32, p64), rmsDiff(p32, p64)
	}
	parity.OnEveryKernel(t, func(t *testing.T) {
		m, err := FromParams(cfg, f.F32("p0"))
		if err != nil {
			t.Fatal(err)
		}
		opt := &Adam{LR: lr, Beta1: f.Float("beta1"), Beta2: f.Float("beta2"), Eps: eps}
		grad := make([]float32, m.NumParams())
		var ws Workspace
		for step := 1; step <= steps[len(steps)-1]; step++ {
			x, target, rows := batch(f, cfg, (step-1)%f.Int("batches"))
			m.LossGrad(&ws, x, target, rows, grad)
			opt.Step(m.Params(), grad)
			if step == 1 {
				if i, ok := within(widen(m.Params()), want1, bound1); !ok {
					t.Errorf("weight %d after 1 step: %v, PyTorch %v, bound %g", i, m.Params()[i], want1[i], bound1[i])
				}
				continue
			}
			if d, ok := drift[step]; ok {
				want := f.F64(fmt.Sprintf("p64_%d", step))
				floor := float64(step) * 10 * lr * U32
				got, gotRMS := maxDiff(widen(m.Params()), want), rmsDiff(widen(m.Params()), want)
				if tol := 4*d + floor + maxAbs(want)*U32; got > tol {
					t.Errorf("after %d steps: max |compdiff − PyTorch float64| = %g > %g (PyTorch float32 drifts %g)", step, got, tol, d)
				}
				if tol := 4*driftRMS[step] + floor; gotRMS > tol {
					t.Errorf("after %d steps: RMS |compdiff − PyTorch float64| = %g > %g (PyTorch float32 drifts %g)", step, gotRMS, tol, driftRMS[step])
				}
				t.Logf("after %d steps: deviation from PyTorch float64 max %.3g, RMS %.3g (PyTorch float32: %.3g, %.3g)", step, got, gotRMS, d, driftRMS[step])
			}
		}
	})
}

// U32 is float32's unit roundoff.
const U32 = parity.U

func maxDiff(a, b []float64) float64 {
	m := 0.0
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

func rmsDiff(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s / float64(len(a)))
}

func maxAbs(a []float64) float64 {
	m := 0.0
	for _, v := range a {
		m = math.Max(m, math.Abs(v))
	}
	return m
}
