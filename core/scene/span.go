package scene

import (
	"math"
)

// span is the template span of a spec: V = ⊕_s V_s, V_s = span{t_o − e·1 : o = 1…T} in slot
// s's pixels, with an orthonormal basis per slot (Gram–Schmidt). Every component mean of
// every scene mixture lies in e + V (e the empty scene), so each source factorizes exactly
// as p_a(x) = f_a(v)·N(u; 0, σ0² I_⊥) with v = Bᵀ(x − e), u = x − e − Bv, and so does any
// composition with weights summing to 1: C(x) ∝ F(v)·N(u; 0, σ0² I_⊥).
type span struct {
	sp    Spec
	basis [][]float64 // per-slot orthonormal vectors in R^P (the same for every slot)
	coef  [][]float64 // coef[k]: coordinates of t_k − e·1 in basis (coef[0] = 0)
	half  []float64   // |coef[k]|²/2
	R     int         // dim V = S·len(basis)
	inv   float64     // 1/σ0²
}

func newSpan(sp Spec) *span {
	e := sp.Template(0)
	var basis [][]float64
	for o := 1; o <= len(sp.Objects); o++ {
		w := sub(sp.Objects[o-1], e)
		for _, b := range basis {
			c := dot(w, b)
			for j := range w {
				w[j] -= c * b[j]
			}
		}
		// Templates are ≥ MinSeparation·σ0 apart, but one may still lie in the span of the
		// others; drop directions that vanish relative to the template scale.
		if n := norm(w); n > 1e-9*norm(sub(sp.Objects[o-1], e)) {
			for j := range w {
				w[j] /= n
			}
			basis = append(basis, w)
		}
	}
	s := &span{sp: sp, basis: basis, R: sp.Slots * len(basis), inv: 1 / (sp.Noise * sp.Noise)}
	for k := 0; k < sp.Kinds(); k++ {
		t := sub(sp.Template(k), e)
		c := make([]float64, len(basis))
		for b := range basis {
			c[b] = dot(t, basis[b])
		}
		s.coef = append(s.coef, c)
		s.half = append(s.half, dot(c, c)/2)
	}
	return s
}

// coords writes v = Bᵀ(x − e) for one scene x.
func (s *span) coords(x, v []float64) {
	P, nb := s.sp.Cell, len(s.basis)
	for sl := 0; sl < s.sp.Slots; sl++ {
		cell := x[sl*P : (sl+1)*P]
		for b, vec := range s.basis {
			c := 0.0
			for j, bj := range vec {
				c += (cell[j] - s.sp.Empty) * bj
			}
			v[sl*nb+b] = c
		}
	}
}

// scene writes x = e + Bv + u, where u is σ0·ε projected off V (ε from the normals draw).
func (s *span) scene(v []float64, normal func() float64, x []float64) {
	P, nb := s.sp.Cell, len(s.basis)
	for sl := 0; sl < s.sp.Slots; sl++ {
		cell := x[sl*P : (sl+1)*P]
		for j := range cell {
			cell[j] = s.sp.Noise * normal()
		}
		for _, vec := range s.basis { // project the noise off V_s
			c := dot(cell, vec)
			for j := range cell {
				cell[j] -= c * vec[j]
			}
		}
		for b, vec := range s.basis {
			for j := range cell {
				cell[j] += v[sl*nb+b] * vec[j]
			}
		}
		for j := range cell {
			cell[j] += s.sp.Empty
		}
	}
}

// zeta writes ζ[sl·K + k] = (⟨m_k, v_sl⟩ − |m_k|²/2)/σ0² for every slot and content, so
// that log N(v; m_c, σ0²I) = log N(v; 0, σ0²I) + Σ_sl ζ[sl·K + c_sl].
func (s *span) zeta(v, z []float64) {
	K, nb := s.sp.Kinds(), len(s.basis)
	for sl := 0; sl < s.sp.Slots; sl++ {
		vs := v[sl*nb : (sl+1)*nb]
		for k := 0; k < K; k++ {
			z[sl*K+k] = (dot(s.coef[k], vs) - s.half[k]) * s.inv
		}
	}
}

// mean writes the V-coordinates m_c of configuration c's template.
func (s *span) mean(c int, m []float64) {
	K, nb := s.sp.Kinds(), len(s.basis)
	for sl := 0; sl < s.sp.Slots; sl++ {
		copy(m[sl*nb:(sl+1)*nb], s.coef[c%K])
		c /= K
	}
}

// logNormal0 is log N(v; 0, σ0² I_R).
func (s *span) logNormal0(v []float64) float64 {
	return -0.5*float64(s.R)*(log2Pi+math.Log(s.sp.Noise*s.sp.Noise)) - 0.5*dot(v, v)*s.inv
}

const log2Pi = 1.8378770664093453 // log(2π)
