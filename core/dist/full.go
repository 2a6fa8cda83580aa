package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// FullGaussian is N(Mean, Cov) with a full covariance matrix (seed 002 §7: Gaussian
// concepts seen through a linear map). The noised score uses the eigendecomposition
// Cov = QΛQᵀ, so (α²Cov + σ²I)⁻¹ = Q·diag(1/(α²λ + σ²))·Qᵀ costs 2d² per call for any
// (α, σ), with no shared state: safe for the parallel score.Analytic.
type FullGaussian struct {
	mean   []float64
	cov    *mat.SymDense
	chol   mat.Cholesky
	lower  []float64 // Cholesky factor L (Cov = LLᵀ), row-major d×d
	eigval []float64
	eigvec []float64 // Q, row-major d×d (column j is eigenvector j)
	logDet float64
}

// NewFullGaussian validates and returns N(mean, cov); cov must be symmetric positive
// definite with finite entries.
func NewFullGaussian(mean []float64, cov mat.Symmetric) (*FullGaussian, error) {
	d := len(mean)
	if d == 0 || cov.SymmetricDim() != d {
		return nil, fmt.Errorf("full gaussian: mean has %d entries and the covariance is %d×%d; both need dimension d ≥ 1", d, cov.SymmetricDim(), cov.SymmetricDim())
	}
	for j, m := range mean {
		if math.IsNaN(m) || math.IsInf(m, 0) {
			return nil, fmt.Errorf("full gaussian: mean[%d] = %v; the mean must be finite", j, m)
		}
	}
	c := mat.NewSymDense(d, nil)
	c.CopySym(cov)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			if v := c.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("full gaussian: covariance[%d][%d] = %v; entries must be finite", i, j, v)
			}
		}
	}
	g := &FullGaussian{mean: append([]float64(nil), mean...), cov: c}
	var eig mat.EigenSym
	if !eig.Factorize(c, true) {
		return nil, fmt.Errorf("full gaussian: the eigendecomposition of the covariance failed")
	}
	g.eigval = eig.Values(nil)
	for j, l := range g.eigval {
		if !(l > 0) {
			return nil, fmt.Errorf("full gaussian: covariance eigenvalue %d is %.4g ≤ 0; the covariance must be positive definite", j, l)
		}
	}
	var q mat.Dense
	eig.VectorsTo(&q)
	g.eigvec = append([]float64(nil), q.RawMatrix().Data...)
	if q.RawMatrix().Stride != d {
		g.eigvec = make([]float64, d*d)
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				g.eigvec[i*d+j] = q.At(i, j)
			}
		}
	}
	if !g.chol.Factorize(c) {
		return nil, fmt.Errorf("full gaussian: the covariance is not positive definite (Cholesky failed)")
	}
	var L mat.TriDense
	g.chol.LTo(&L)
	g.lower = make([]float64, d*d)
	for i := 0; i < d; i++ {
		for j := 0; j <= i; j++ {
			g.lower[i*d+j] = L.At(i, j)
		}
	}
	g.logDet = g.chol.LogDet()
	return g, nil
}

// PushForward is the law of A·X for X ~ g: N(Aμ, AΣAᵀ). A is m×d; the result must be
// non-degenerate (A of full row rank).
func PushForward(A mat.Matrix, g *FullGaussian) (*FullGaussian, error) {
	m, d := A.Dims()
	if d != g.Dim() {
		return nil, fmt.Errorf("push-forward: the map is %d×%d but the Gaussian has dimension %d", m, d, g.Dim())
	}
	var mu mat.VecDense
	mu.MulVec(A, mat.NewVecDense(d, g.Mean()))
	var as, cov mat.Dense
	as.Mul(A, g.cov)
	cov.Mul(&as, A.T())
	sym := mat.NewSymDense(m, nil)
	for i := 0; i < m; i++ {
		for j := i; j < m; j++ {
			sym.SetSym(i, j, 0.5*(cov.At(i, j)+cov.At(j, i)))
		}
	}
	out, err := NewFullGaussian(mu.RawVector().Data, sym)
	if err != nil {
		return nil, fmt.Errorf("push-forward: %w (is the map of full row rank?)", err)
	}
	return out, nil
}

func (g *FullGaussian) Dim() int { return len(g.mean) }

// Mean returns a copy of the mean.
func (g *FullGaussian) Mean() []float64 { return append([]float64(nil), g.mean...) }

// Cov returns a copy of the covariance.
func (g *FullGaussian) Cov() *mat.SymDense {
	c := mat.NewSymDense(g.Dim(), nil)
	c.CopySym(g.cov)
	return c
}

// LogProb is −½(d·log 2π + log det Σ + |L⁻¹(x − μ)|²), by forward substitution.
func (g *FullGaussian) LogProb(x []float64) float64 {
	d := g.Dim()
	var buf [16]float64
	y := scratch(buf[:], d)
	q := 0.0
	for i := 0; i < d; i++ {
		s := x[i] - g.mean[i]
		for j := 0; j < i; j++ {
			s -= g.lower[i*d+j] * y[j]
		}
		y[i] = s / g.lower[i*d+i]
		q += y[i] * y[i]
	}
	return -0.5 * (float64(d)*log2Pi + g.logDet + q)
}

// Sample draws μ + L·z, z standard normal (row-major n×d, normals in row order).
func (g *FullGaussian) Sample(r *rand.Rand, n int) []float64 {
	d := g.Dim()
	x := make([]float64, n*d)
	z := make([]float64, d)
	for i := 0; i < n; i++ {
		for j := range z {
			z[j] = r.NormFloat64()
		}
		for a := 0; a < d; a++ {
			s := g.mean[a]
			for b := 0; b <= a; b++ {
				s += g.lower[a*d+b] * z[b]
			}
			x[i*d+a] = s
		}
	}
	return x
}

// NoisedScore: α·X + σ·ε ~ N(αμ, α²Σ + σ²I), score −Q·diag(1/(α²λ + σ²))·Qᵀ(x − αμ).
func (g *FullGaussian) NoisedScore(alpha, sigma float64, x, out []float64) {
	d := g.Dim()
	var buf [16]float64
	y := scratch(buf[:], d)
	for j := 0; j < d; j++ { // y = Qᵀ(x − αμ) / (α²λ + σ²)
		s := 0.0
		for i := 0; i < d; i++ {
			s += g.eigvec[i*d+j] * (x[i] - alpha*g.mean[i])
		}
		y[j] = s / (alpha*alpha*g.eigval[j] + sigma*sigma)
	}
	for i := 0; i < d; i++ {
		s := 0.0
		for j := 0; j < d; j++ {
			s += g.eigvec[i*d+j] * y[j]
		}
		out[i] = -s
	}
}

func (g *FullGaussian) Describe() string {
	d := g.Dim()
	s := fmt.Sprintf("N(mean=%s, cov=(", fmtVec(g.mean))
	for i := 0; i < d; i++ {
		if i > 0 {
			s += ","
		}
		row := make([]float64, d)
		for j := range row {
			row[j] = g.cov.At(i, j)
		}
		s += fmtVec(row)
	}
	return s + "))"
}

// ComposeFullGaussians is the closed-form composition Π_a N(μa, Σa)^{w_a} of Gaussians with
// full covariances: precision Λw = Σ_a w_a Σa⁻¹, mean Λw⁻¹·Σ_a w_a Σa⁻¹ μa (seed 002 §7:
// C[A♯p] of concepts seen through a map A). It fails when Λw is not positive definite (its
// least eigenvalue ≤ 1e−12), i.e. the target is improper.
func ComposeFullGaussians(gs []*FullGaussian, w []float64) (*FullGaussian, error) {
	if len(gs) == 0 || len(gs) != len(w) {
		return nil, fmt.Errorf("composition: %d sources but %d weights; give one weight per source", len(gs), len(w))
	}
	d := gs[0].Dim()
	prec := mat.NewSymDense(d, nil)
	eta := mat.NewVecDense(d, nil)
	for a, g := range gs {
		if g.Dim() != d {
			return nil, fmt.Errorf("composition: source %d has dimension %d, source 0 has %d", a, g.Dim(), d)
		}
		var inv mat.SymDense
		if err := g.chol.InverseTo(&inv); err != nil {
			return nil, fmt.Errorf("composition: source %d: %w", a, err)
		}
		prec.AddSym(prec, scaledSym(w[a], &inv))
		var v mat.VecDense
		v.MulVec(&inv, mat.NewVecDense(d, g.mean))
		eta.AddScaledVec(eta, w[a], &v)
	}
	var eig mat.EigenSym
	if !eig.Factorize(prec, false) {
		return nil, fmt.Errorf("composition: the eigendecomposition of the composed precision failed")
	}
	improper := func(e float64) error {
		return fmt.Errorf("the composed precision Λw = Σ_a w_a Σa⁻¹ has least eigenvalue %.4g ≤ 0, so the target is improper; give the negatively weighted sources a larger covariance or change the weights", e)
	}
	if vals := eig.Values(nil); !(vals[0] > 1e-12) {
		return nil, improper(vals[0])
	}
	var ch mat.Cholesky
	if !ch.Factorize(prec) {
		return nil, improper(0)
	}
	var cov mat.SymDense
	if err := ch.InverseTo(&cov); err != nil {
		return nil, fmt.Errorf("composition: inverting the composed precision: %w", err)
	}
	var mean mat.VecDense
	mean.MulVec(&cov, eta)
	return NewFullGaussian(mean.RawVector().Data, &cov)
}

// Full is the diagonal Gaussian g as a FullGaussian.
func Full(g *Gaussian) (*FullGaussian, error) {
	d := g.Dim()
	cov := mat.NewSymDense(d, nil)
	for j, v := range g.Var {
		cov.SetSym(j, j, v)
	}
	return NewFullGaussian(g.Mean, cov)
}

func scaledSym(c float64, s *mat.SymDense) *mat.SymDense {
	out := mat.NewSymDense(s.SymmetricDim(), nil)
	out.ScaleSym(c, s)
	return out
}
