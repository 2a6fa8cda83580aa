// Package linmap holds seed 002 §6–7: factorized Gaussian concepts seen through an
// invertible linear map A. The composition operator is equivariant (Theorem 6.1,
// C[A♯p] = A♯C[p]) but diffusion sampling is not: noising adds σ²I, which commutes with A
// only when A is orthogonal. For zero-mean Gaussian sources the naive samplers are linear
// maps, so their output laws are Gaussians computed here in closed form (Flow), for the
// continuous dynamics and for the exact Euler schemes of core/sampler, together with the
// Gaussian distances (W2, KL) that measure the gap to the composition.
package linmap

import (
	"fmt"
	"math"

	"github.com/compdiff/compdiff/core/dist"
	"gonum.org/v1/gonum/mat"
)

// Concepts are factorized Gaussian concepts: a background p_b = N(0, diag(Background)) and
// k concepts p_i = N(0, diag(Concepts[i])), each differing from the background on its own
// coordinates only (Factorized Conditionals with blocks M_i = those coordinates).
type Concepts struct {
	Background []float64
	Concepts   [][]float64
}

// GaussFCOOD is SPEC §2's gauss-fc-ood in this form: p_b = N(0, I), p_1 = N(0, diag(10, 1)),
// p_2 = N(0, diag(1, 10)); the composition N(0, 10·I) lies outside every source.
func GaussFCOOD() Concepts {
	return Concepts{Background: []float64{1, 1}, Concepts: [][]float64{{10, 1}, {1, 10}}}
}

// GaussFCID is SPEC §2's gauss-fc-id: p_b = N(0, 10·I), p_1 = N(0, diag(10, 1)),
// p_2 = N(0, diag(1, 10)); the composition is N(0, I). Every concept is narrower than the
// background (D_i ≤ D_b), which keeps FKC's intermediate targets proper under any map
// (Flow.MinPrecision).
func GaussFCID() Concepts {
	return Concepts{Background: []float64{10, 10}, Concepts: [][]float64{{10, 1}, {1, 10}}}
}

// Validate checks dimensions, positive finite variances and the factorization: every
// coordinate is changed by at most one concept.
func (c Concepts) Validate() error {
	d := len(c.Background)
	if d == 0 || len(c.Concepts) == 0 {
		return fmt.Errorf("linmap concepts: background of dimension %d and %d concepts; give d ≥ 1 and at least one concept", d, len(c.Concepts))
	}
	check := func(who string, v []float64) error {
		if len(v) != d {
			return fmt.Errorf("linmap concepts: %s has %d variances, the background %d", who, len(v), d)
		}
		for j, x := range v {
			if !(x > 0) || math.IsInf(x, 0) {
				return fmt.Errorf("linmap concepts: %s variance[%d] = %v; variances must be positive and finite", who, j, x)
			}
		}
		return nil
	}
	if err := check("the background", c.Background); err != nil {
		return err
	}
	owner := make([]int, d)
	for i, v := range c.Concepts {
		if err := check(fmt.Sprintf("concept %d", i+1), v); err != nil {
			return err
		}
		for j := range v {
			if v[j] == c.Background[j] {
				continue
			}
			if owner[j] != 0 {
				return fmt.Errorf("linmap concepts: concepts %d and %d both change coordinate %d; factorized concepts change disjoint coordinates", owner[j], i+1, j)
			}
			owner[j] = i + 1
		}
	}
	return nil
}

// Weights are (+1, …, +1, −(k−1)): concepts first, background last (as Covs).
func (c Concepts) Weights() []float64 {
	k := len(c.Concepts)
	w := make([]float64, k+1)
	for i := range c.Concepts {
		w[i] = 1
	}
	w[k] = -float64(k - 1)
	return w
}

// ComposedDiag is D_C of C[p] = N(0, D_C): D_C⁻¹ = Σ_i D_i⁻¹ − (k−1)·D_b⁻¹ per coordinate.
func (c Concepts) ComposedDiag() ([]float64, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	k := float64(len(c.Concepts))
	out := make([]float64, len(c.Background))
	for j := range out {
		p := -(k - 1) / c.Background[j]
		for _, v := range c.Concepts {
			p += 1 / v[j]
		}
		if !(p > 0) {
			return nil, fmt.Errorf("linmap concepts: the composed precision of coordinate %d is %.4g ≤ 0, so the composition is improper", j, p)
		}
		out[j] = 1 / p
	}
	return out, nil
}

// Covs are the covariances A·D_a·Aᵀ of the pushed-forward sources A♯p_1…A♯p_k, A♯p_b.
func (c Concepts) Covs(A mat.Matrix) ([]*mat.SymDense, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var out []*mat.SymDense
	for _, v := range append(append([][]float64(nil), c.Concepts...), c.Background) {
		s, err := pushDiag(A, v)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Sources are the pushed-forward sources as Gaussians (for score.Analytic).
func (c Concepts) Sources(A mat.Matrix) ([]dist.Dist, error) {
	covs, err := c.Covs(A)
	if err != nil {
		return nil, err
	}
	out := make([]dist.Dist, len(covs))
	for a, s := range covs {
		g, err := dist.NewFullGaussian(make([]float64, s.SymmetricDim()), s)
		if err != nil {
			return nil, fmt.Errorf("linmap: source %d: %w", a+1, err)
		}
		out[a] = g
	}
	return out, nil
}

// Target is C[A♯p] = A♯C[p] = N(0, A·D_C·Aᵀ) (Theorem 6.1).
func (c Concepts) Target(A mat.Matrix) (*mat.SymDense, error) {
	dc, err := c.ComposedDiag()
	if err != nil {
		return nil, err
	}
	return pushDiag(A, dc)
}

// pushDiag is A·diag(v)·Aᵀ for a square invertible A.
func pushDiag(A mat.Matrix, v []float64) (*mat.SymDense, error) {
	m, n := A.Dims()
	if m != n || n != len(v) {
		return nil, fmt.Errorf("linmap: the map is %d×%d for dimension %d; it must be square of that size", m, n, len(v))
	}
	if math.Abs(mat.Det(A)) < 1e-12 {
		return nil, fmt.Errorf("linmap: the map is singular (det %.3g); Theorem 6.1 needs an invertible map", mat.Det(A))
	}
	out := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s := 0.0
			for k := 0; k < n; k++ {
				s += A.At(i, k) * v[k] * A.At(j, k)
			}
			out.SetSym(i, j, s)
		}
	}
	return out, nil
}

// Shear is the 2×2 map [[1, γ], [0, 1]].
func Shear(gamma float64) *mat.Dense { return mat.NewDense(2, 2, []float64{1, gamma, 0, 1}) }

// Rotation is the 2×2 rotation by θ.
func Rotation(theta float64) *mat.Dense {
	c, s := math.Cos(theta), math.Sin(theta)
	return mat.NewDense(2, 2, []float64{c, -s, s, c})
}
