package linmap

import (
	"fmt"
	"math"

	"github.com/compdiff/compdiff/core/diffusion"
	"gonum.org/v1/gonum/mat"
)

// Flow is the naive samplers' dynamics for zero-mean Gaussian sources N(0, Σ_a) composed
// with weights w. The summed noised score is −Λ(s)·x with
//
//	Λ(s) = Σ_a w_a (α(s)²Σ_a + σ(s)²I)⁻¹   (α, σ from core/diffusion, denoising time s),
//
// so both samplers of core/sampler are linear in x (naive.go step()):
//
//	ODE: dx/ds = M(s)·x,             M = ½β(I − Λ)
//	SDE: dx = M(s)·x ds + √β dW,     M = ½β·I − β·Λ
//
// started from x ~ N(0, I) at s = 0. The output is N(0, Σ(1)) with the Lyapunov equation
// dΣ/ds = MΣ + ΣMᵀ (+ βI for the SDE), Σ(0) = I.
type Flow struct {
	d    int
	w    []float64
	vals [][]float64 // eigenvalues of each Σ_a
	vecs []*mat.Dense
}

// NewFlow prepares the dynamics of sources with covariances covs and weights w.
func NewFlow(covs []*mat.SymDense, w []float64) (*Flow, error) {
	if len(covs) == 0 || len(covs) != len(w) {
		return nil, fmt.Errorf("linmap flow: %d covariances and %d weights; give one weight per source", len(covs), len(w))
	}
	f := &Flow{d: covs[0].SymmetricDim(), w: append([]float64(nil), w...)}
	for a, c := range covs {
		if c.SymmetricDim() != f.d {
			return nil, fmt.Errorf("linmap flow: source %d has dimension %d, source 1 has %d", a+1, c.SymmetricDim(), f.d)
		}
		var eig mat.EigenSym
		if !eig.Factorize(c, true) {
			return nil, fmt.Errorf("linmap flow: eigendecomposition of source %d failed", a+1)
		}
		vals := eig.Values(nil)
		for _, l := range vals {
			if !(l > 0) {
				return nil, fmt.Errorf("linmap flow: source %d has covariance eigenvalue %.3g ≤ 0", a+1, l)
			}
		}
		var q mat.Dense
		eig.VectorsTo(&q)
		f.vals = append(f.vals, vals)
		f.vecs = append(f.vecs, &q)
	}
	return f, nil
}

// Lambda is Λ(s) = Σ_a w_a (α²Σ_a + σ²I)⁻¹.
func (f *Flow) Lambda(s float64) *mat.Dense {
	a, sg := diffusion.Alpha(s), diffusion.Sigma(s)
	out := mat.NewDense(f.d, f.d, nil)
	for k, q := range f.vecs {
		for i := 0; i < f.d; i++ {
			for j := 0; j < f.d; j++ {
				v := 0.0
				for e, l := range f.vals[k] {
					v += q.At(i, e) * q.At(j, e) / (a*a*l + sg*sg)
				}
				out.Set(i, j, out.At(i, j)+f.w[k]*v)
			}
		}
	}
	return out
}

// drift is M(s) and the diffusion coefficient β(s) (0 for the ODE).
func (f *Flow) drift(s float64, sde bool) (*mat.Dense, float64) {
	beta := diffusion.Beta(s)
	M := f.Lambda(s)
	c := -0.5 * beta
	if sde {
		c = -beta
	}
	M.Scale(c, M)
	for i := 0; i < f.d; i++ {
		M.Set(i, i, M.At(i, i)+0.5*beta)
	}
	if !sde {
		beta = 0
	}
	return M, beta
}

// lyapunov is dΣ/ds = MΣ + ΣMᵀ + q·I.
func (f *Flow) lyapunov(s float64, S *mat.Dense, sde bool) *mat.Dense {
	M, q := f.drift(s, sde)
	var ms, out mat.Dense
	ms.Mul(M, S)
	out.Add(&ms, ms.T())
	for i := 0; i < f.d; i++ {
		out.Set(i, i, out.At(i, i)+q)
	}
	return &out
}

// continuous integrates the Lyapunov equation over s ∈ [0, 1] by classical RK4 with n
// steps (error O(n⁻⁴); ODE(n) and ODE(2n) agree to ~1e−12 at n = 4000, see the tests).
func (f *Flow) continuous(n int, sde bool) *mat.SymDense {
	S := eye(f.d)
	h := 1 / float64(n)
	for i := 0; i < n; i++ {
		s := float64(i) * h
		k1 := f.lyapunov(s, S, sde)
		k2 := f.lyapunov(s+h/2, axpy(S, h/2, k1), sde)
		k3 := f.lyapunov(s+h/2, axpy(S, h/2, k2), sde)
		k4 := f.lyapunov(s+h, axpy(S, h, k3), sde)
		for _, k := range []struct {
			m *mat.Dense
			c float64
		}{{k1, h / 6}, {k2, h / 3}, {k3, h / 3}, {k4, h / 6}} {
			S = axpy(S, k.c, k.m)
		}
	}
	return symOf(S)
}

// ODE is the output covariance of the continuous naive probability-flow ODE (RK4, n steps).
func (f *Flow) ODE(n int) *mat.SymDense { return f.continuous(n, false) }

// SDE is the output covariance of the continuous naive reverse SDE (RK4, n steps).
func (f *Flow) SDE(n int) *mat.SymDense { return f.continuous(n, true) }

// ODEEuler is sampler.NaiveODE with exact scores in closed form: on diffusion.Grid(steps)
// with Δ = 1/steps each step is x ← (I + Δ·M(s_i))·x, so the output is Φ·x0 with
// Φ = Π_i (I + Δ·M(s_i)) (later steps on the left) and covariance ΦΦᵀ.
func (f *Flow) ODEEuler(steps int) (phi *mat.Dense, cov *mat.SymDense) {
	P := eye(f.d)
	for _, s := range diffusion.Grid(steps)[:steps] {
		P = f.eulerStep(s, steps, P, false)
	}
	var c mat.Dense
	c.Mul(P, P.T())
	return P, symOf(&c)
}

// SDEEuler is sampler.NaiveSDE's output covariance: Σ ← (I + ΔM_i)Σ(I + ΔM_i)ᵀ + β_iΔ·I.
func (f *Flow) SDEEuler(steps int) *mat.SymDense {
	S := eye(f.d)
	dt := 1 / float64(steps)
	for _, s := range diffusion.Grid(steps)[:steps] {
		T := f.eulerStep(s, steps, eye(f.d), true)
		var ts, tst mat.Dense
		ts.Mul(T, S)
		tst.Mul(&ts, T.T())
		beta := diffusion.Beta(s)
		for i := 0; i < f.d; i++ {
			tst.Set(i, i, tst.At(i, i)+beta*dt)
		}
		S = &tst
	}
	return symOf(S)
}

// eulerStep returns (I + Δ·M(s))·P.
func (f *Flow) eulerStep(s float64, steps int, P *mat.Dense, sde bool) *mat.Dense {
	M, _ := f.drift(s, sde)
	M.Scale(1/float64(steps), M)
	for i := 0; i < f.d; i++ {
		M.Set(i, i, M.At(i, i)+1)
	}
	var out mat.Dense
	out.Mul(M, P)
	return &out
}

func eye(d int) *mat.Dense {
	m := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		m.Set(i, i, 1)
	}
	return m
}

// axpy returns S + c·K.
func axpy(S *mat.Dense, c float64, K *mat.Dense) *mat.Dense {
	var out mat.Dense
	out.Scale(c, K)
	out.Add(S, &out)
	return &out
}

// symOf symmetrises a matrix that is symmetric up to rounding.
func symOf(m mat.Matrix) *mat.SymDense {
	d, _ := m.Dims()
	s := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			s.SetSym(i, j, 0.5*(m.At(i, j)+m.At(j, i)))
		}
	}
	return s
}

// MinPrecision is the smallest eigenvalue of Λ(s) over the n+1 points s = i/n, and the s
// where it occurs. Λ(s) is the precision of the intermediate composition Π_a p_{a,s}^{w_a}
// that FKC reweights toward; where it is ≤ 0 that law is improper, and FKC, exact only
// for proper intermediate targets, cannot converge (its particles spread without bound
// as K grows). For concepts narrower than the background (D_i ≤ D_b, so
// A·D_i·Aᵀ ≤ A·D_b·Aᵀ in Loewner order) Λ ≥ Σ_i P_i − (k−1)P_b ≥ P_b > 0 with
// P = (α²AD·Aᵀ + σ²I)⁻¹, for every map A; for wider concepts a shear can break it.
func (f *Flow) MinPrecision(n int) (eig, at float64) {
	eig = math.Inf(1)
	for i := 0; i <= n; i++ {
		s := float64(i) / float64(n)
		var e mat.EigenSym
		if !e.Factorize(symOf(f.Lambda(s)), false) {
			return math.NaN(), s
		}
		if v := e.Values(nil)[0]; v < eig {
			eig, at = v, s
		}
	}
	return eig, at
}
