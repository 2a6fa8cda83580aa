package nn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

func randMat(r *rand.Rand, n int, scale float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(scale * r.NormFloat64())
	}
	return x
}

// TestGradFiniteDifferences checks LossGrad's gradient, for every parameter of every layer
// kind (input, hidden, output) and every activation, against central differences of a
// float64 re-implementation of the loss.
//
// Tolerance: with h = 1e-5 the float64 differences are exact to ~1e-9 (truncation ∝ h²
// plus 1e-16·L/h rounding). The float32 gradient carries rounding of order ε32·(number of
// terms)·(term size) ≈ 6e-8·50 ≈ 3e-6 relative to the gradient's scale, plus ~2 ulp from
// the fast exp. So |g − fd| ≤ 1e-5·max|fd| still holds (observed: ≤ 1e-7), while a wrong derivative
// (missing factor, misplaced bias, wrong transpose) is off by O(1) of the scale.
func TestGradFiniteDifferences(t *testing.T) { checkGradients(t) }

func checkGradients(t *testing.T) {
	for _, act := range []string{"silu", "relu", "tanh"} {
		for _, depth := range []int{0, 1, 3} {
			cfg := Config{In: 3, Out: 2, Width: 5, Depth: depth, Act: act}
			t.Run(act+"/depth"+string(rune('0'+depth)), func(t *testing.T) {
				r := rand.New(rand.NewPCG(11, uint64(depth)))
				m, err := New(cfg, r)
				if err != nil {
					t.Fatal(err)
				}
				const rows = 7
				x, tg := randMat(r, rows*cfg.In, 1.5), randMat(r, rows*cfg.Out, 1)
				grad := make([]float32, m.NumParams())
				loss := m.LossGrad(new(Workspace), x, tg, rows, grad)

				ref := newRef64(m)
				x64, t64 := to64(x), to64(tg)
				if _, minZ := ref.forward(x64, rows); act == "relu" && minZ < 1e-3 {
					t.Fatalf("a pre-activation is %g from the ReLU kink; differences would straddle it — change the seed", minZ)
				}
				want := ref.loss(x64, t64, rows)
				if math.Abs(loss-want) > 1e-5*want {
					t.Errorf("loss %v, float64 reference %v", loss, want)
				}
				const h = 1e-5
				fd := make([]float64, len(grad))
				scale := 0.0
				for i, p := range ref.params() {
					v := *p
					*p = v + h
					lp := ref.loss(x64, t64, rows)
					*p = v - h
					lm := ref.loss(x64, t64, rows)
					*p = v
					fd[i] = (lp - lm) / (2 * h)
					scale = math.Max(scale, math.Abs(fd[i]))
				}
				worst := 0.0
				for i := range fd {
					d := math.Abs(float64(grad[i]) - fd[i])
					worst = math.Max(worst, d/scale)
					if d > 1e-5*scale {
						t.Errorf("param %d: gradient %v, finite difference %v (scale %v)", i, grad[i], fd[i], scale)
					}
				}
				t.Logf("max |g − fd| / max|fd| = %.2g", worst)
			})
		}
	}
}

// TestForwardMatchesFloat64 runs more rows than one chunk through Forward and compares with
// the float64 network. Float32 dot products of length ≤ 64 with random-sign terms err by
// about √64·ε32 ≈ 5e-7 of the terms' size per layer; over four layers that stays well
// below 1e-5 of the outputs' RMS, the bound used.
func TestForwardMatchesFloat64(t *testing.T) { checkForward(t) }

func checkForward(t *testing.T) {
	for _, act := range []string{"silu", "relu", "tanh"} {
		r := rand.New(rand.NewPCG(3, 4))
		cfg := Config{In: 5, Out: 3, Width: 64, Depth: 3, Act: act}
		m, err := New(cfg, r)
		if err != nil {
			t.Fatal(err)
		}
		rows := 2*chunkRows + 123
		x := randMat(r, rows*cfg.In, 2)
		ws := new(Workspace)
		got := m.Forward(ws, x, rows)
		want, _ := newRef64(m).forward(to64(x), rows)
		rms, maxErr := 0.0, 0.0
		for k := range want {
			rms += want[k] * want[k]
			maxErr = math.Max(maxErr, math.Abs(float64(got[k])-want[k]))
		}
		rms = math.Sqrt(rms / float64(len(want)))
		t.Logf("%s: max error / RMS = %.2g", act, maxErr/rms)
		if maxErr > 1e-5*rms {
			t.Errorf("%s: max |float32 − float64| = %g, output RMS %g", act, maxErr, rms)
		}
		// Reusing the workspace gives the same answer and allocates nothing.
		again := append([]float32(nil), m.Forward(ws, x, rows)...)
		for k := range again {
			if again[k] != got[k] {
				t.Fatalf("%s: second call differs at %d", act, k)
			}
		}
		if a := testing.AllocsPerRun(3, func() { m.Forward(ws, x, rows) }); a != 0 && !raceEnabled {
			t.Errorf("%s: Forward allocates %v times per call in steady state", act, a)
		}
	}
}

// TestLossGradConsistentWithForward: the training forward (which also stores act') and the
// inference forward compute the same outputs, so the loss must agree to float32 rounding.
func TestLossGradConsistentWithForward(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	cfg := Config{In: 4, Out: 2, Width: 48, Depth: 2}
	m, _ := New(cfg, r)
	const rows = 300
	x, tg := randMat(r, rows*cfg.In, 1), randMat(r, rows*cfg.Out, 1)
	out := m.Forward(nil, x, rows)
	want := 0.0
	for k, o := range out {
		e := float64(o) - float64(tg[k])
		want += e * e
	}
	want /= rows
	ws := new(Workspace)
	grad := make([]float32, m.NumParams())
	got := m.LossGrad(ws, x, tg, rows, grad)
	if math.Abs(got-want) > 1e-6*want {
		t.Errorf("LossGrad loss %v, loss of Forward %v", got, want)
	}
	// A smaller batch after a larger one reuses the buffers and still agrees.
	got2 := m.LossGrad(ws, x[:10*cfg.In], tg[:10*cfg.Out], 10, grad)
	m2, _ := FromParams(cfg, append([]float32(nil), m.Params()...))
	fresh := make([]float32, len(grad))
	want2 := m2.LossGrad(nil, x[:10*cfg.In], tg[:10*cfg.Out], 10, fresh)
	if got2 != want2 {
		t.Errorf("reused workspace loss %v, fresh %v", got2, want2)
	}
	for i := range grad {
		if grad[i] != fresh[i] {
			t.Fatalf("reused workspace gradient differs at %d", i)
		}
	}
}

func TestNewInitAndFromParams(t *testing.T) {
	cfg := Config{In: 6, Out: 2, Width: 512, Depth: 4}
	m, err := New(cfg, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	want := (6+1)*512 + 3*(512+1)*512 + (512+1)*2
	if m.NumParams() != want || cfg.NumParams() != want {
		t.Fatalf("NumParams %d, want %d", m.NumParams(), want)
	}
	// U(−b, b) has variance b²/3; with ≥ 1000 draws per layer the sample std is within 5%.
	for li, l := range m.Layers() {
		bound := 1 / math.Sqrt(float64(l.In))
		ss := 0.0
		for _, v := range l.W {
			if math.Abs(float64(v)) > bound {
				t.Fatalf("layer %d weight %v outside ±%v", li, v, bound)
			}
			ss += float64(v) * float64(v)
		}
		std := math.Sqrt(ss / float64(len(l.W)))
		if math.Abs(std/(bound/math.Sqrt(3))-1) > 0.05 {
			t.Errorf("layer %d weight std %v, want %v", li, std, bound/math.Sqrt(3))
		}
		for _, v := range l.B {
			if math.Abs(float64(v)) > bound {
				t.Fatalf("layer %d bias %v outside ±%v", li, v, bound)
			}
		}
	}
	if _, err := FromParams(cfg, make([]float32, want-1)); err == nil || !strings.Contains(err.Error(), "needs") {
		t.Errorf("FromParams with a short vector: err = %v", err)
	}
	m2, err := FromParams(cfg, m.Params())
	if err != nil || &m2.Params()[0] != &m.Params()[0] {
		t.Errorf("FromParams should wrap the vector: %v", err)
	}
	for _, bad := range []Config{{In: 0, Out: 1}, {In: 1, Out: 0}, {In: 1, Out: 1, Depth: -1}, {In: 1, Out: 1, Depth: 2}, {In: 1, Out: 1, Act: "gelu"}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%+v validated", bad)
		}
	}
}

// TestAdamHand checks two steps against hand-computed values. Step 1: m̂ = g, v̂ = g², so
// every parameter with g ≠ 0 moves by LR·g/(|g|+eps) ≈ LR·sign(g); g = 0 leaves it alone.
// Step 2 for the first entry (g1 = 0.1, g2 = 0.2): m = 0.9·0.01 + 0.1·0.2 = 0.029,
// v = 0.999·1e-5 + 0.001·0.04 = 4.999e-5, bias corrections 0.19 and 0.001999, so
// Δ = 0.01·(0.029/0.19)/(√(4.999e-5/0.001999) + 1e-8) = 0.0096518... Tolerance 1e-6: float32
// rounding of |p| ≈ 1 values over a handful of operations.
func TestAdamHand(t *testing.T) {
	a := &Adam{LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	p := []float32{1, -2, 0.5}
	a.Step(p, []float32{0.1, -0.3, 0})
	for i, want := range []float64{0.99, -1.99, 0.5} {
		if math.Abs(float64(p[i])-want) > 1e-6 {
			t.Errorf("step 1 p[%d] = %v, want %v", i, p[i], want)
		}
	}
	a.Step(p, []float32{0.2, 0.1, 1})
	delta0 := 0.01 * (0.029 / 0.19) / (math.Sqrt(4.999e-5/0.001999) + 1e-8)
	if math.Abs(delta0-0.0096518) > 1e-6 {
		t.Fatalf("hand value %v", delta0)
	}
	// Entry 1: m = 0.9·(−0.03) + 0.1·0.1 = −0.017, v = 0.999·9e-5 + 0.001·0.01 = 9.991e-5.
	delta1 := 0.01 * (-0.017 / 0.19) / (math.Sqrt(9.991e-5/0.001999) + 1e-8)
	// Entry 2: first nonzero gradient at step 2: m = 0.1, v = 0.001.
	delta2 := 0.01 * (0.1 / 0.19) / (math.Sqrt(0.001/0.001999) + 1e-8)
	for i, want := range []float64{0.99 - delta0, -1.99 - delta1, 0.5 - delta2} {
		if math.Abs(float64(p[i])-want) > 1e-6 {
			t.Errorf("step 2 p[%d] = %v, want %v", i, p[i], want)
		}
	}
	if a.Steps() != 2 {
		t.Errorf("Steps = %d", a.Steps())
	}
}

// TestAdamSplitInvariant: the update is elementwise, so splitting it over goroutines must
// not change a single bit.
func TestAdamSplitInvariant(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	n := 5*adamGrain + 17
	p0, g := randMat(r, n, 1), randMat(r, n, 1)
	run := func(parallel bool) []float32 {
		p := append([]float32(nil), p0...)
		a := &Adam{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
		for s := 0; s < 3; s++ {
			if parallel {
				a.Step(p, g)
				continue
			}
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
			a.Step(p, g)
		}
		return p
	}
	par, ser := run(true), run(false)
	for i := range par {
		if par[i] != ser[i] {
			t.Fatalf("entry %d: split %v, one piece %v", i, par[i], ser[i])
		}
	}
}
