// Package coverage predicts, before any training, how badly a composition will suffer from
// score-estimation error: the target lives where the sources' training pools are thin.
//
// The number is the effective sample size of each training pool reweighted toward the
// target: the pool's points x_j get importance weights p_target(x_j)/p_source(x_j), with
// both densities Gaussians fitted (mean and full covariance) to the ground-truth sample
// and to the pool, and ESS = (Σw)²/Σw². It counts the training points that effectively
// inform a source's score where the target lives; the composition's diagnostic is the
// smallest over its sources. Its large-pool limit is N times the closed-form efficiency
// 1/∫p_t²/p_s = 1/(1 + χ²(target‖source)) when that is finite; when the target has heavier
// tails than a source in some direction (2Λ_t − Λ_s not positive definite, every OOD
// setting) the efficiency is 0 and the ESS grows slower than N — the finite pool still
// gives a graded number.
package coverage

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Gaussian is a fitted N(Mean, Cov).
type Gaussian struct {
	Mean []float64
	Cov  *mat.SymDense
}

// Fit returns the sample mean and (unbiased) covariance of the n×d row-major sample x.
func Fit(x []float64, d int) (Gaussian, error) {
	if d < 1 || len(x)%d != 0 || len(x)/d < d+1 {
		return Gaussian{}, fmt.Errorf("coverage: a sample of %d values in d = %d; fitting a Gaussian needs at least d+1 = %d full rows", len(x), d, d+1)
	}
	n := len(x) / d
	mean := make([]float64, d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			mean[j] += x[i*d+j]
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	cov := mat.NewSymDense(d, nil)
	for a := 0; a < d; a++ {
		for b := a; b < d; b++ {
			s := 0.0
			for i := 0; i < n; i++ {
				s += (x[i*d+a] - mean[a]) * (x[i*d+b] - mean[b])
			}
			cov.SetSym(a, b, s/float64(n-1))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(cov) {
		return Gaussian{}, fmt.Errorf("coverage: the sample covariance is singular (the %d points lie in a lower-dimensional set); give a sample that spans all %d dimensions", n, d)
	}
	return Gaussian{Mean: mean, Cov: cov}, nil
}

// Efficiency is ESS/n of importance sampling target with proposal source,
// 1/∫ p_t²/p_s dx. With Λ = Σ⁻¹, P = 2Λ_t − Λ_s, h = 2Λ_t μ_t − Λ_s μ_s and
// c = 2μ_tᵀΛ_t μ_t − μ_sᵀΛ_s μ_s,
//
//	log ∫ p_t²/p_s = −log|Σ_t| + ½log|Σ_s| − ½log|P| + ½(hᵀP⁻¹h − c),
//
// finite only when P is positive definite; otherwise the efficiency is 0.
func Efficiency(target, source Gaussian) (float64, error) {
	d := len(target.Mean)
	if len(source.Mean) != d {
		return 0, fmt.Errorf("coverage: target in d = %d, source in d = %d; both must live in the same space", d, len(source.Mean))
	}
	lt, ldt, err := precision(target)
	if err != nil {
		return 0, fmt.Errorf("coverage: target: %w", err)
	}
	ls, lds, err := precision(source)
	if err != nil {
		return 0, fmt.Errorf("coverage: source: %w", err)
	}
	P := mat.NewSymDense(d, nil)
	for a := 0; a < d; a++ {
		for b := a; b < d; b++ {
			P.SetSym(a, b, 2*lt.At(a, b)-ls.At(a, b))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(P) {
		return 0, nil
	}
	mt, ms := mat.NewVecDense(d, append([]float64(nil), target.Mean...)), mat.NewVecDense(d, append([]float64(nil), source.Mean...))
	var ltm, lsm, h, ph mat.VecDense
	ltm.MulVec(lt, mt)
	lsm.MulVec(ls, ms)
	h.AddScaledVec(&lsm, -2, &ltm) // Λ_s μ_s − 2Λ_t μ_t = −h
	h.ScaleVec(-1, &h)
	if err := ch.SolveVecTo(&ph, &h); err != nil {
		return 0, nil
	}
	c := 2*mat.Dot(mt, &ltm) - mat.Dot(ms, &lsm)
	// log|Σ| = −log|Λ|.
	logI := ldt - 0.5*lds - 0.5*ch.LogDet() + 0.5*(mat.Dot(&h, &ph)-c)
	return math.Exp(-logI), nil
}

// precision returns Σ⁻¹ and log|Σ⁻¹|.
func precision(g Gaussian) (*mat.SymDense, float64, error) {
	if g.Cov == nil || g.Cov.SymmetricDim() != len(g.Mean) {
		return nil, 0, fmt.Errorf("covariance does not match the mean's dimension %d", len(g.Mean))
	}
	var ch mat.Cholesky
	if !ch.Factorize(g.Cov) {
		return nil, 0, fmt.Errorf("covariance is not positive definite")
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return nil, 0, err
	}
	return &inv, -ch.LogDet(), nil
}

// logDensity returns the log-density function of g.
func logDensity(g Gaussian) (func(x []float64) float64, error) {
	lam, logDet, err := precision(g)
	if err != nil {
		return nil, err
	}
	d := len(g.Mean)
	c := 0.5*logDet - 0.5*float64(d)*math.Log(2*math.Pi)
	diff := make([]float64, d)
	return func(x []float64) float64 {
		for j := range diff {
			diff[j] = x[j] - g.Mean[j]
		}
		q := 0.0
		for a := 0; a < d; a++ {
			for b := 0; b < d; b++ {
				q += diff[a] * lam.At(a, b) * diff[b]
			}
		}
		return c - 0.5*q
	}, nil
}

// PoolESS is the effective sample size of pool (n×d) reweighted from source to target:
// w_j = target(x_j)/source(x_j), ESS = (Σw)²/Σw², computed from log-weights.
func PoolESS(pool []float64, d int, target, source Gaussian) (float64, error) {
	lt, err := logDensity(target)
	if err != nil {
		return 0, fmt.Errorf("coverage: target: %w", err)
	}
	ls, err := logDensity(source)
	if err != nil {
		return 0, fmt.Errorf("coverage: source: %w", err)
	}
	n := len(pool) / d
	lw := make([]float64, n)
	mx := math.Inf(-1)
	for j := range lw {
		x := pool[j*d : (j+1)*d]
		lw[j] = lt(x) - ls(x)
		mx = math.Max(mx, lw[j])
	}
	s1, s2 := 0.0, 0.0
	for _, l := range lw {
		w := math.Exp(l - mx)
		s1 += w
		s2 += w * w
	}
	return s1 * s1 / s2, nil
}

// Report is the coverage of one target by the training pools of its sources.
type Report struct {
	// ESS[a] is pool a's effective size toward the target; Efficiency[a] the closed-form
	// large-pool limit of ESS[a]/N_a between the fitted Gaussians (0 when infinite χ²).
	ESS, Efficiency []float64
	// EffectivePool is the smallest ESS: the training points that inform the least-covered
	// source's score where the target lives.
	EffectivePool float64
}

// Assess fits Gaussians to every pool and to the ground-truth sample (all n×d row-major)
// and returns their coverage.
func Assess(pools [][]float64, truth []float64, d int) (Report, error) {
	if len(pools) == 0 {
		return Report{}, fmt.Errorf("coverage: no pools; give one training pool per source")
	}
	t, err := Fit(truth, d)
	if err != nil {
		return Report{}, fmt.Errorf("ground truth: %w", err)
	}
	r := Report{EffectivePool: math.Inf(1)}
	for a, p := range pools {
		s, err := Fit(p, d)
		if err != nil {
			return Report{}, fmt.Errorf("pool %d: %w", a, err)
		}
		e, err := Efficiency(t, s)
		if err != nil {
			return Report{}, fmt.Errorf("pool %d: %w", a, err)
		}
		ess, err := PoolESS(p, d, t, s)
		if err != nil {
			return Report{}, fmt.Errorf("pool %d: %w", a, err)
		}
		r.Efficiency = append(r.Efficiency, e)
		r.ESS = append(r.ESS, ess)
		r.EffectivePool = math.Min(r.EffectivePool, ess)
	}
	return r, nil
}
