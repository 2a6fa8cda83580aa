package linmap

import (
	"math"
	"testing"

	"github.com/compdiff/compdiff/core/diffusion"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

var fourD = Concepts{Background: []float64{1, 1, 2, 2}, Concepts: [][]float64{{4, 0.5, 2, 2}, {1, 1, 3, 6}}}

// Theorem 6.1: the composition of the pushed-forward sources, (Σ_a w_a Σ_a⁻¹)⁻¹ with
// Σ_a = A·D_a·Aᵀ, is A·D_C·Aᵀ.
func TestTheorem61(t *testing.T) {
	maps := []*mat.Dense{Shear(2), Rotation(0.4), mat.NewDense(2, 2, []float64{2, 0.3, -1, 1.5})}
	four := mat.NewDense(4, 4, []float64{1, 2, 0, 0.5, 0, 1, 1, 0, 0.3, 0, 1, 2, 0, 0, 0.7, 1})
	for _, c := range []struct {
		name string
		c    Concepts
		maps []*mat.Dense
	}{{"ood", GaussFCOOD(), maps}, {"id", GaussFCID(), maps}, {"4-d", fourD, []*mat.Dense{four}}} {
		for _, A := range c.maps {
			covs, err := c.c.Covs(A)
			if err != nil {
				t.Fatal(err)
			}
			d := covs[0].SymmetricDim()
			prec := mat.NewDense(d, d, nil)
			for a, s := range covs {
				var inv mat.Dense
				if err := inv.Inverse(s); err != nil {
					t.Fatal(err)
				}
				inv.Scale(c.c.Weights()[a], &inv)
				prec.Add(prec, &inv)
			}
			var comp mat.Dense
			if err := comp.Inverse(prec); err != nil {
				t.Fatal(err)
			}
			target, err := c.c.Target(A)
			if err != nil {
				t.Fatal(err)
			}
			if !mat.EqualApprox(&comp, target, 1e-9*mat.Norm(target, 2)) {
				t.Errorf("%s: composition of the pushed sources %v, A·D_C·Aᵀ %v", c.name, mat.Formatted(&comp), mat.Formatted(target))
			}
		}
	}
	if _, err := (Concepts{Background: []float64{1, 1}, Concepts: [][]float64{{2, 1}, {3, 1}}}).ComposedDiag(); err == nil {
		t.Error("two concepts changing the same coordinate were accepted")
	}
}

// RK4 at 2000 and 4000 steps agree to 1e−9 (relative Frobenius) on the strongest shear.
func TestContinuousAccuracy(t *testing.T) {
	covs, _ := GaussFCOOD().Covs(Shear(4))
	f, err := NewFlow(covs, GaussFCOOD().Weights())
	if err != nil {
		t.Fatal(err)
	}
	for _, sde := range []bool{false, true} {
		a, b := f.continuous(rk4Steps, sde), f.continuous(2*rk4Steps, sde)
		var d mat.Dense
		d.Sub(a, b)
		if rel := mat.Norm(&d, 2) / mat.Norm(b, 2); rel > 1e-9 {
			t.Errorf("sde = %v: RK4 step halving changes the covariance by %.3g (relative)", sde, rel)
		}
	}
}

// Orthogonal maps: the noised covariances stay simultaneously diagonalisable, so the
// naive dynamics are those of the unmapped factorized concepts, rotated. Continuous ODE:
// coordinate j is the exact flow of N(0, v_j) started from N(0, 1) instead of
// N(0, α0²v_j + σ0²), so its output variance is v_j/(α0²v_j + 1 − α0²) (α0 = α(0)): the gap
// is this start error only. Euler: the scalar recursion Π_i (1 + Δ·½β_i(1 − λ_i)),
// λ_i = 1/(α_i²v_j + σ_i²), for every rotation alike: the gap is the Euler error only.
func TestOrthogonalMapsAreExact(t *testing.T) {
	c := GaussFCOOD()
	dc := must(c.ComposedDiag())
	a0 := diffusion.Alpha(0)
	const steps = 500
	var euler1 []float64
	for j := range dc {
		p := 1.0
		for _, s := range diffusion.Grid(steps)[:steps] {
			a, sg := diffusion.Alpha(s), diffusion.Sigma(s)
			p *= 1 + 0.5*diffusion.Beta(s)*(1-1/(a*a*dc[j]+sg*sg))/steps
		}
		euler1 = append(euler1, p*p)
	}
	var gap0 float64
	for k, A := range []*mat.Dense{Rotation(0), Rotation(0.3), Rotation(1.1)} {
		covs := must(c.Covs(A))
		f := must(NewFlow(covs, c.Weights()))
		start := make([]float64, len(dc))
		for j, v := range dc {
			start[j] = v / (a0*a0*v + 1 - a0*a0)
		}
		want := must(pushDiag(A, start))
		if got := f.ODE(rk4Steps); !mat.EqualApprox(got, want, 1e-8*mat.Norm(want, 2)) {
			t.Errorf("rotation %d: continuous ODE covariance %v, want %v", k, mat.Formatted(got), mat.Formatted(want))
		}
		_, eu := f.ODEEuler(steps)
		if want := must(pushDiag(A, euler1)); !mat.EqualApprox(eu, want, 1e-10*mat.Norm(want, 2)) {
			t.Errorf("rotation %d: Euler covariance %v, want the scalar recursion's %v", k, mat.Formatted(eu), mat.Formatted(want))
		}
		g := must(Measure(c, A, steps))
		if k == 0 {
			gap0 = g.ODEEuler.W2
		} else if math.Abs(g.ODEEuler.W2-gap0) > 1e-9 {
			t.Errorf("rotation %d: Euler gap %v, the identity's %v", k, g.ODEEuler.W2, gap0)
		}
		if g.MinPrecision <= 0 {
			t.Errorf("rotation %d: Λ(s) has eigenvalue %v ≤ 0", k, g.MinPrecision)
		}
		t.Logf("rotation %d: W2 gap continuous %.2e (start error), Euler(500) %.4f", k, g.ODE.W2, g.ODEEuler.W2)
	}
}

// A shear breaks the commutation: the continuous naive ODE's gap grows with γ on [0, 2]
// and is far above the Euler error (≥ 50× the identity's Euler gap at γ = 1). Beyond
// γ ≈ 2.5 (W2) / 3.5 (KL) the gap of gauss-fc-ood falls again; the curve is logged.
func TestShearGap(t *testing.T) {
	c := GaussFCOOD()
	base := must(Measure(c, Shear(0), 500))
	prev := Gaps{}
	for i, g := range []float64{0, 0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8} {
		m := must(Measure(c, Shear(g), 500))
		t.Logf("γ = %.2f: ODE W2 %.4f KL %.4f | Euler(500) W2 %.4f | SDE W2 %.4f KL %.4f | min eig Λ %.4f", g, m.ODE.W2, m.ODE.KL, m.ODEEuler.W2, m.SDE.W2, m.SDE.KL, m.MinPrecision)
		if i > 0 && g <= 2 && (m.ODE.W2 <= prev.ODE.W2 || m.ODE.KL <= prev.ODE.KL) {
			t.Errorf("γ = %v: the naive ODE gap (W2 %v, KL %v) did not grow from (%v, %v)", g, m.ODE.W2, m.ODE.KL, prev.ODE.W2, prev.ODE.KL)
		}
		if g == 1 && m.ODE.W2 < 50*base.ODEEuler.W2 {
			t.Errorf("γ = 1: gap %v is not far above the Euler error %v", m.ODE.W2, base.ODEEuler.W2)
		}
		prev = m
	}
}

// kLThreshold is the 1 − 1e−3 quantile of KL(N(0, Ŝ) ‖ N(0, Σ)) for the known-mean sample
// covariance Ŝ of n draws of N(0, Σ) in d dimensions: 2n·KL is the likelihood-ratio
// statistic of the covariance, asymptotically χ² with d(d+1)/2 degrees of freedom.
func klThreshold(n, d int) float64 {
	return distuv.ChiSquared{K: float64(d * (d + 1) / 2)}.Quantile(1-1e-3) / (2 * float64(n))
}

func must[V any](v V, err error) V {
	if err != nil {
		panic(err)
	}
	return v
}
