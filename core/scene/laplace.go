package scene

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// The tuple sampler draws the template-span part F(v) of a composition of scene mixtures
// (span.go) by importance sampling. Expanding the product of the conditionals,
//
//	F(v) = Σ_τ F_τ(v),  F_τ(v) = Π_i w_i(c_i) · N(v; 0, σ0²I) · exp(−φ_τ(v)),
//	φ_τ(v) = (k−1)·LSE_j(log w_b(j) + z_j(v)) − Σ_i z_{c_i}(v),
//	z_c(v) = (⟨m_c, v⟩ − |m_c|²/2)/σ0²,
//
// over tuples τ = (c_1…c_k) of conditional components; j runs over the background's. Each
// φ_τ is convex (a log-sum-exp minus an affine map), so every F_τ is strongly log-concave:
// one mode, found by Newton's method. The proposal is the mixture over τ of multivariate
// Student-t laws (ν = tupleNu) centred at the modes with tupleInfl²·H⁻¹ as scale matrix,
// weighted by the Laplace estimate of ∫F_τ. Its tails are heavier than F's (Gaussian
// factor), so the weights F/q are bounded; misestimated masses only lower the ESS.

const (
	// MaxTuples bounds the number of component tuples Π_i |supp p_i| of the tuple sampler:
	// each proposal's density sums a t density over all tuples (R² each, R = dim V), so
	// 1024 tuples cost ~10⁵ flops per proposal at R = 10.
	MaxTuples = 1024
	tupleNu   = 5 // degrees of freedom of the t proposal
	// tupleInfl widens the t laws beyond the inverse Hessian: F_τ's log-sum-exp turns
	// linear away from the mode (Laplace-like tails), which a Hessian-sized t covers
	// poorly. ν = 5 and 1.3 gave ESS/proposals of 0.2–0.37 over 12 seeds at k = 3, 4
	// (Bayes, default scene); ν = 5 unwidened dipped to 0.06.
	tupleInfl = 1.3
)

type tupleComp struct {
	mode []float64
	L    []float64 // lower Cholesky factor of the Hessian at the mode, H = L·Lᵀ, row-major
	logZ float64   // Laplace estimate of log ∫F_τ, then the proposal's log mixture weight
	lnrm float64   // log normaliser of the t density with scale matrix tupleInfl²·H⁻¹
}

// support lists a law's configurations with positive mass and their log-probabilities.
type support struct {
	cfgs [][]int
	logw []float64
}

func supportOf(l Law) support {
	var s support
	for _, c := range l.Support() {
		s.cfgs = append(s.cfgs, l.Config(c, make([]int, l.Slots)))
		s.logw = append(s.logw, math.Log(l.P[c]))
	}
	return s
}

// lse is log Σ exp(logw_j + z_c(v)) over the support, with the softmax written into pi
// when pi is not nil.
func (su support) lse(z []float64, K int, pi []float64) float64 {
	mx := math.Inf(-1)
	val := make([]float64, len(su.cfgs))
	for j, cfg := range su.cfgs {
		t := su.logw[j]
		for sl, k := range cfg {
			t += z[sl*K+k]
		}
		val[j] = t
		mx = math.Max(mx, t)
	}
	sum := 0.0
	for j := range val {
		val[j] = math.Exp(val[j] - mx)
		sum += val[j]
	}
	if pi != nil {
		for j := range val {
			pi[j] = val[j] / sum
		}
	}
	return mx + math.Log(sum)
}

type tupleSampler struct {
	sp    *span
	conds []support
	bg    support
	bgM   [][]float64 // V-coordinates of the background's components
	comps []tupleComp
}

// checkTuples refuses compositions with more than MaxTuples component tuples.
func (cm Composition) checkTuples() error {
	total := 1
	for _, l := range cm.Conditionals {
		if total *= len(l.Support()); total > MaxTuples {
			return fmt.Errorf("tuple sampler: the conditionals' supports give more than %d component tuples; this composition has no exact sampler here (use fewer conditionals, or conditionals with fewer configurations such as one-object data)", MaxTuples)
		}
	}
	return nil
}

func newTupleSampler(cm Composition) (*tupleSampler, error) {
	if err := cm.checkTuples(); err != nil {
		return nil, err
	}
	ts := &tupleSampler{sp: newSpan(cm.Spec), bg: supportOf(cm.Background)}
	for _, l := range cm.Conditionals {
		ts.conds = append(ts.conds, supportOf(l))
	}
	for _, cfg := range ts.bg.cfgs {
		m := make([]float64, ts.sp.R)
		ts.sp.mean(cm.Background.Index(cfg), m)
		ts.bgM = append(ts.bgM, m)
	}
	choice := make([]int, len(ts.conds))
	for {
		c, err := ts.mode(choice)
		if err != nil {
			return nil, err
		}
		ts.comps = append(ts.comps, c)
		i := 0
		for ; i < len(choice); i++ {
			if choice[i]++; choice[i] < len(ts.conds[i].cfgs) {
				break
			}
			choice[i] = 0
		}
		if i == len(choice) {
			break
		}
	}
	// Normalise the mixture weights of the proposal.
	mx := math.Inf(-1)
	for _, c := range ts.comps {
		mx = math.Max(mx, c.logZ)
	}
	sum := 0.0
	for _, c := range ts.comps {
		sum += math.Exp(c.logZ - mx)
	}
	for j := range ts.comps {
		ts.comps[j].logZ -= mx + math.Log(sum)
	}
	return ts, nil
}

// mode finds the mode of F_τ by damped Newton on U = −log F_τ and fills in the proposal
// component.
func (ts *tupleSampler) mode(choice []int) (tupleComp, error) {
	R, K := ts.sp.R, ts.sp.sp.Kinds()
	k := float64(len(ts.conds))
	inv := ts.sp.inv
	target := make([]float64, R) // Σ_i m_{c_i}
	lw := 0.0
	m := make([]float64, R)
	for i, su := range ts.conds {
		ts.sp.mean(index(su.cfgs[choice[i]], K), m)
		for j := range m {
			target[j] += m[j]
		}
		lw += su.logw[choice[i]]
	}
	z := make([]float64, ts.sp.sp.Slots*K)
	pi := make([]float64, len(ts.bgM))
	U := func(v []float64, grad []float64, hess *mat.SymDense) float64 {
		ts.sp.zeta(v, z)
		l := ts.bg.lse(z, K, pi)
		// U = |v|²/2σ0² − ⟨Σ_i m_{c_i}, v⟩/σ0² + (k−1)·LSE: −log F_τ up to constants
		// (Σ_i z_{c_i} = (⟨Σ_i m_{c_i}, v⟩ − Σ_i |m_{c_i}|²/2)/σ0²), added in logZ below.
		u := 0.5*dot(v, v)*inv - dot(target, v)*inv + (k-1)*l
		if grad != nil {
			mbar := make([]float64, R)
			for j, p := range pi {
				for a := range mbar {
					mbar[a] += p * ts.bgM[j][a]
				}
			}
			for a := range grad {
				grad[a] = (v[a] - target[a] + (k-1)*mbar[a]) * inv
			}
			if hess != nil {
				for a := 0; a < R; a++ {
					for b := a; b < R; b++ {
						c := 0.0
						for j, p := range pi {
							c += p * ts.bgM[j][a] * ts.bgM[j][b]
						}
						c = (c - mbar[a]*mbar[b]) * (k - 1) * inv * inv
						if a == b {
							c += inv
						}
						hess.SetSym(a, b, c)
					}
				}
			}
		}
		return u
	}
	v := make([]float64, R)
	for a := range v {
		v[a] = target[a] / k
	}
	grad := make([]float64, R)
	hess := mat.NewSymDense(R, nil)
	var chol mat.Cholesky
	step := mat.NewVecDense(R, nil)
	trial := make([]float64, R)
	u := U(v, grad, hess)
	for it := 0; ; it++ {
		if it == 200 {
			return tupleComp{}, fmt.Errorf("tuple sampler: Newton's method did not converge for tuple %v (|∇U| = %.3g); report this composition", choice, norm(grad))
		}
		if !chol.Factorize(hess) {
			return tupleComp{}, fmt.Errorf("tuple sampler: the Hessian at tuple %v is not positive definite", choice)
		}
		if err := chol.SolveVecTo(step, mat.NewVecDense(R, grad)); err != nil {
			return tupleComp{}, fmt.Errorf("tuple sampler: Newton step: %w", err)
		}
		// The Newton decrement² dec ≈ 2(U − min U); 1e−14 leaves the mode exact to far below
		// the proposal's scale (an inexact mode only costs ESS, never exactness).
		dec := dot(step.RawVector().Data, grad)
		if dec < 1e-14 {
			break
		}
		t := 1.0
		for ; t > 1e-12; t /= 2 { // backtracking (Armijo)
			for a := range v {
				trial[a] = v[a] - t*step.AtVec(a)
			}
			if U(trial, nil, nil) <= u-0.25*t*dec {
				break
			}
		}
		if t <= 1e-12 { // no decrease resolvable in floating point: at the mode
			break
		}
		copy(v, trial)
		u = U(v, grad, hess)
	}
	if !chol.Factorize(hess) {
		return tupleComp{}, fmt.Errorf("tuple sampler: the Hessian at the mode of tuple %v is not positive definite", choice)
	}
	var tri mat.TriDense
	chol.LTo(&tri)
	L := make([]float64, R*R)
	for a := 0; a < R; a++ {
		for b := 0; b <= a; b++ {
			L[a*R+b] = tri.At(a, b)
		}
	}
	// log F_τ(v*) = lw + log N(v*; 0) + Σ_i z_{c_i}(v*) − (k−1)·LSE, with Σ_i |m_{c_i}|²/2.
	half := 0.0
	for i, su := range ts.conds {
		ts.sp.mean(index(su.cfgs[choice[i]], K), m)
		half += 0.5 * dot(m, m)
	}
	logF := lw - 0.5*float64(R)*(log2Pi+math.Log(1/inv)) - u - half*inv
	logDetH := chol.LogDet()
	nu := float64(tupleNu)
	lg1, _ := math.Lgamma((nu + float64(R)) / 2)
	lg2, _ := math.Lgamma(nu / 2)
	return tupleComp{
		mode: v, L: L,
		logZ: logF + 0.5*float64(R)*log2Pi - 0.5*logDetH,
		lnrm: lg1 - lg2 - 0.5*float64(R)*math.Log(nu*math.Pi) + 0.5*logDetH - float64(R)*math.Log(tupleInfl),
	}, nil
}

func index(cfg []int, K int) int {
	c := 0
	for s := len(cfg) - 1; s >= 0; s-- {
		c = c*K + cfg[s]
	}
	return c
}

// logF is log F(v) = log N(v; 0) + Σ_i log f̃_i(v) − (k−1)·log f̃_b(v), f̃ = f/N(·; 0).
func (ts *tupleSampler) logF(v, z []float64) float64 {
	K := ts.sp.sp.Kinds()
	ts.sp.zeta(v, z)
	s := ts.sp.logNormal0(v)
	for _, su := range ts.conds {
		s += su.lse(z, K, nil)
	}
	return s - float64(len(ts.conds)-1)*ts.bg.lse(z, K, nil)
}

// logQ is the log-density of the proposal mixture at v.
func (ts *tupleSampler) logQ(v, d []float64) float64 {
	R := ts.sp.R
	nu := float64(tupleNu)
	mx := math.Inf(-1)
	vals := make([]float64, len(ts.comps))
	for j, c := range ts.comps {
		for a := range d {
			d[a] = v[a] - c.mode[a]
		}
		q := 0.0 // |Lᵀ d|² = dᵀ H d
		for a := 0; a < R; a++ {
			s := 0.0
			for b := a; b < R; b++ {
				s += c.L[b*R+a] * d[b]
			}
			q += s * s
		}
		vals[j] = c.logZ + c.lnrm - 0.5*(nu+float64(R))*math.Log1p(q/nu/tupleInfl/tupleInfl)
		mx = math.Max(mx, vals[j])
	}
	sum := 0.0
	for _, x := range vals {
		sum += math.Exp(x - mx)
	}
	return mx + math.Log(sum)
}

// draw writes one proposal into v: a component by its weight, then v = mode + L⁻ᵀ·ε·√(ν/g)
// with ε standard normal and g ~ χ²_ν.
func (ts *tupleSampler) draw(r *rand.Rand, cdf []float64, v []float64) {
	u := r.Float64() * cdf[len(cdf)-1]
	j := 0
	for j < len(cdf)-1 && u >= cdf[j] {
		j++
	}
	c := ts.comps[j]
	R := ts.sp.R
	eps := make([]float64, R)
	g := 0.0
	for a := 0; a < tupleNu; a++ {
		n := r.NormFloat64()
		g += n * n
	}
	scale := math.Sqrt(tupleNu/g) * tupleInfl
	for a := 0; a < R; a++ {
		eps[a] = r.NormFloat64() * scale
	}
	// Back substitution Lᵀ y = ε (Lᵀ upper triangular), written into v, then v += mode.
	for a := R - 1; a >= 0; a-- {
		s := eps[a]
		for b := a + 1; b < R; b++ {
			s -= c.L[b*R+a] * v[b]
		}
		v[a] = s / c.L[a*R+a]
	}
	for a := range v {
		v[a] += c.mode[a]
	}
}
