package linmap

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// W2 is the 2-Wasserstein distance between N(m1, S1) and N(m2, S2):
// W2² = |m1 − m2|² + tr S1 + tr S2 − 2·tr((S2^½ S1 S2^½)^½).
func W2(m1 []float64, S1 mat.Symmetric, m2 []float64, S2 mat.Symmetric) (float64, error) {
	d := S1.SymmetricDim()
	if S2.SymmetricDim() != d || len(m1) != d || len(m2) != d {
		return 0, fmt.Errorf("W2: dimensions differ (means %d and %d, covariances %d and %d)", len(m1), len(m2), d, S2.SymmetricDim())
	}
	r2, err := sqrtSym(S2)
	if err != nil {
		return 0, fmt.Errorf("W2: second covariance: %w", err)
	}
	var t1, t2 mat.Dense
	t1.Mul(r2, S1)
	t2.Mul(&t1, r2)
	inner, err := sqrtSym(symOf(&t2))
	if err != nil {
		return 0, fmt.Errorf("W2: cross term: %w", err)
	}
	w := mat.Trace(S1) + mat.Trace(S2) - 2*mat.Trace(inner)
	for j := range m1 {
		w += (m1[j] - m2[j]) * (m1[j] - m2[j])
	}
	return math.Sqrt(math.Max(w, 0)), nil
}

// KL is KL(N(m0, S0) ‖ N(m1, S1)) = ½[tr(S1⁻¹S0) + (m1−m0)ᵀS1⁻¹(m1−m0) − d + log det S1 − log det S0].
func KL(m0 []float64, S0 mat.Symmetric, m1 []float64, S1 mat.Symmetric) (float64, error) {
	d := S0.SymmetricDim()
	if S1.SymmetricDim() != d || len(m0) != d || len(m1) != d {
		return 0, fmt.Errorf("KL: dimensions differ")
	}
	var c0, c1 mat.Cholesky
	if !c0.Factorize(S0) || !c1.Factorize(S1) {
		return 0, fmt.Errorf("KL: a covariance is not positive definite")
	}
	var x mat.Dense
	if err := c1.SolveTo(&x, S0); err != nil {
		return 0, fmt.Errorf("KL: %w", err)
	}
	dm := make([]float64, d)
	for j := range dm {
		dm[j] = m1[j] - m0[j]
	}
	var y mat.VecDense
	if err := c1.SolveVecTo(&y, mat.NewVecDense(d, dm)); err != nil {
		return 0, fmt.Errorf("KL: %w", err)
	}
	q := mat.Dot(&y, mat.NewVecDense(d, dm))
	return 0.5 * (mat.Trace(&x) + q - float64(d) + c1.LogDet() - c0.LogDet()), nil
}

// sqrtSym is the symmetric square root of a positive semi-definite matrix.
func sqrtSym(S mat.Symmetric) (*mat.Dense, error) {
	var eig mat.EigenSym
	if !eig.Factorize(S, true) {
		return nil, fmt.Errorf("eigendecomposition failed")
	}
	vals := eig.Values(nil)
	var q mat.Dense
	eig.VectorsTo(&q)
	d := len(vals)
	out := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			s := 0.0
			for e, l := range vals {
				if l < -1e-12*math.Abs(vals[d-1]) {
					return nil, fmt.Errorf("eigenvalue %.3g < 0", l)
				}
				s += q.At(i, e) * q.At(j, e) * math.Sqrt(math.Max(l, 0))
			}
			out.Set(i, j, s)
		}
	}
	return out, nil
}
