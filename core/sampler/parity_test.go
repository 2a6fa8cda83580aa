package sampler

import (
	"math"
	"testing"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/dsm"
	"github.com/compdiff/compdiff/core/gemm"
	"github.com/compdiff/compdiff/core/nn"
	"github.com/compdiff/compdiff/core/nn/parity"
	"github.com/compdiff/compdiff/core/resample"
)

// fkcBounds follows one FKC step of the float64 reference and bounds a float32-network
// implementation's error at every stage: the scores at s0 (forward bound), the Euler step
// (|δx1| ≤ β·Δ·Σ|w_a||δS_a| plus stateU times the magnitudes for the state arithmetic),
// the scores at s1 (forward bound with that input error), then
// |δg| ≤ ½β·Σ_j (2|Ŝ||δŜ| + δŜ² + Σ_a |w_a|(2|S_a||δS_a| + δS_a²)), clipping (1-Lipschitz)
// and Δ for the log-weights, and |δπ_i| ≤ π_i·(exp(2·max|δl|) − 1) for a swarm's
// normalised weights.
type fkcBounds struct {
	x1, g, logw, weights []float64
}

func boundFKCStep(net *parity.Net, f *parity.Fixture, stateU, sigmaRel float64) fkcBounds {
	d, S := f.Int("out"), f.Int("in")-1-f.Int("out")
	n, K, steps, st := f.Int("n"), f.Int("k"), f.Int("steps"), f.Int("step")
	w := f.Floats("weights")
	grid := diffusion.Grid(steps)
	s0, s1, dt := grid[st], grid[st+1], 1/float64(steps)
	x, xi := f.F64("x"), f.F64("xi")
	x1ref := f.F64("x1_64")
	sc0, b0 := net.Scores(s0, x, nil, d, S, diffusion.Sigma(s0), sigmaRel)
	beta0 := diffusion.Beta(s0)
	var out fkcBounds
	out.x1 = make([]float64, len(x))
	for k := range x {
		comp, cb := 0.0, 0.0
		for a := range w {
			comp += w[a] * sc0[a][k]
			cb += math.Abs(w[a]) * b0[a][k]
		}
		mag := math.Abs(x[k]) + (0.5*beta0*math.Abs(x[k])+beta0*math.Abs(comp))*dt + math.Sqrt(beta0*dt)*math.Abs(xi[k])
		out.x1[k] = beta0*dt*cb + 4*stateU*mag
	}
	sc1, b1 := net.Scores(s1, x1ref, out.x1, d, S, diffusion.Sigma(s1), sigmaRel)
	beta1 := diffusion.Beta(s1)
	P := n * K
	out.g, out.logw, out.weights = make([]float64, P), make([]float64, P), make([]float64, P)
	for p := 0; p < P; p++ {
		e := 0.0
		for j := p * d; j < (p+1)*d; j++ {
			comp, cb := 0.0, 0.0
			for a := range w {
				comp += w[a] * sc1[a][j]
				cb += math.Abs(w[a]) * b1[a][j]
				e += math.Abs(w[a]) * (2*math.Abs(sc1[a][j])*b1[a][j] + b1[a][j]*b1[a][j])
			}
			e += 2*math.Abs(comp)*cb + cb*cb
		}
		out.g[p] = 0.5*beta1*e + 1e-12
		out.logw[p] = out.g[p] * dt
	}
	pi := f.F64("weights64")
	for sw := 0; sw < n; sw++ {
		m := 0.0
		for k := 0; k < K; k++ {
			m = math.Max(m, out.logw[sw*K+k])
		}
		for k := 0; k < K; k++ {
			out.weights[sw*K+k] = pi[sw*K+k]*(math.Exp(2*m)-1) + 1e-15
		}
	}
	return out
}

func checkWithin(t *testing.T, what string, got, want, bound []float64) {
	t.Helper()
	for i := range want {
		if !(math.Abs(got[i]-want[i]) <= bound[i]) {
			t.Fatalf("%s %d: %v, PyTorch float64 %v, bound %g", what, i, got[i], want[i], bound[i])
		}
	}
}

// TestParityFKCStep: one FKC step of compdiff's code (ConditionalField, step,
// LogWeightIncrement, addLogWeights, resample.Weights, resample.SystematicFromWeights) from
// the fixture's particles, with its fixed noise and uniforms, on PyTorch's network: the new
// particles, the increments g, the clipped log-weights, each swarm's normalised weights
// and the systematic-resampling indices (before the slot shuffle) match PyTorch's float64
// step within the bounds of fkcBounds, on every kernel path. PyTorch's float32 step
// satisfies the same bounds with float32 state arithmetic and σ(t) in float32.
func TestParityFKCStep(t *testing.T) {
	f, err := parity.Load("fkc.json")
	if err != nil {
		t.Fatal(err)
	}
	d, S := f.Int("out"), f.Int("in")-1-f.Int("out")
	n, K, steps, st := f.Int("n"), f.Int("k"), f.Int("steps"), f.Int("step")
	w, gClip := f.Floats("weights"), f.Float("g_clip")
	net := parity.NewNet(f.F64("p"), f.Int("in"), d, f.Int("width"), f.Int("depth"))
	grid := diffusion.Grid(steps)
	s0, s1, dt := grid[st], grid[st+1], 1/float64(steps)

	a := diffusion.Alpha(s0)
	b32 := boundFKCStep(net, f, parity.U, 2*parity.U/(1-a*a))
	checkWithin(t, "PyTorch float32 particle coordinate", f.F64("x1_32"), f.F64("x1_64"), b32.x1)
	checkWithin(t, "PyTorch float32 increment", f.F64("g32"), f.F64("g64"), b32.g)
	checkWithin(t, "PyTorch float32 weight", f.F64("weights32"), f.F64("weights64"), b32.weights)

	bound := boundFKCStep(net, f, 0x1p-53, 0)
	wantIdx := f.Ints("idx64")
	cum := f.F64("weights64")
	u0 := f.F64("u0")
	cfg := nn.Config{In: f.Int("in"), Out: d, Width: f.Int("width"), Depth: f.Int("depth"), Act: "silu"}
	for _, kern := range gemm.Kernels() {
		t.Run(kern, func(t *testing.T) {
			restore, err := gemm.SetKernel(kern)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			m, err := nn.FromParams(cfg, f.F32("p"))
			if err != nil {
				t.Fatal(err)
			}
			field := dsm.ConditionalField(m, d, S)
			P := n * K
			x := f.F64("x")
			scores := newScores(S, P*d)
			field.Scores(s0, x, scores)
			xi, next := f.F64("xi"), 0
			step(x, scores, w, diffusion.Beta(s0), dt, func() float64 { next++; return xi[next-1] })
			checkWithin(t, "particle coordinate", x, f.F64("x1_64"), bound.x1)
			field.Scores(s1, x, scores)
			g := make([]float64, P)
			for p := range g {
				g[p] = LogWeightIncrement(w, scores, p, d, diffusion.Beta(s1))
			}
			checkWithin(t, "increment", g, f.F64("g64"), bound.g)
			logw := make([]float64, P)
			if p, _ := addLogWeights(logw, w, scores, d, diffusion.Beta(s1), gClip, dt); p >= 0 {
				t.Fatalf("particle %d: non-finite increment", p)
			}
			checkWithin(t, "log-weight", logw, f.F64("logw64"), bound.logw)
			wts, idx := make([]float64, P), make([]int, K)
			for sw := 0; sw < n; sw++ {
				lw, ws := logw[sw*K:(sw+1)*K], wts[sw*K:(sw+1)*K]
				total := resample.Weights(lw, ws)
				norm := make([]float64, K)
				for k := range ws {
					norm[k] = ws[k] / total
				}
				checkWithin(t, "swarm weight", norm, cum[sw*K:(sw+1)*K], bound.weights[sw*K:(sw+1)*K])
				resample.SystematicFromWeights(idx, ws, total, u0[sw])
				// Indices must agree wherever no resampling position lies within the weights'
				// error of a cumulative boundary; the fixture has none that close.
				c, margin := 0.0, math.Inf(1)
				for k := 0; k < K-1; k++ {
					c += cum[sw*K+k]
					for j := 0; j < K; j++ {
						margin = math.Min(margin, math.Abs((u0[sw]+float64(j))/float64(K)-c))
					}
				}
				eb := 0.0
				for _, b := range bound.weights[sw*K : (sw+1)*K] {
					eb += b
				}
				if margin <= eb {
					t.Fatalf("swarm %d: a resampling position is within %g of a boundary (bound %g); regenerate the fixture with other uniforms", sw, margin, eb)
				}
				for k := range idx {
					if idx[k] != wantIdx[sw*K+k] {
						t.Errorf("swarm %d slot %d: index %d, PyTorch %d", sw, k, idx[k], wantIdx[sw*K+k])
					}
				}
			}
		})
	}
}
