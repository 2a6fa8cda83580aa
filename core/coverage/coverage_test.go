package coverage

import (
	"math"
	"testing"

	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/rng"
	"gonum.org/v1/gonum/mat"
)

func diag(mean []float64, v ...float64) Gaussian {
	c := mat.NewSymDense(len(v), nil)
	for j, x := range v {
		c.SetSym(j, j, x)
	}
	return Gaussian{Mean: mean, Cov: c}
}

func eff(t *testing.T, target, source Gaussian) float64 {
	t.Helper()
	e, err := Efficiency(target, source)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// For zero-mean 1-D laws, target variance v and source variance u (u > v/2),
// 1/∫p_t²/p_s = sqrt(v(2u − v))/u; per coordinate the efficiencies multiply.
func TestEfficiencyClosedForm(t *testing.T) {
	one := func(v, u float64) float64 { return math.Sqrt(v*(2*u-v)) / u }
	for _, c := range []struct {
		name string
		t, s Gaussian
		want float64
	}{
		{"identical", diag([]float64{1, -2}, 3, 0.5), diag([]float64{1, -2}, 3, 0.5), 1},
		{"source broader", diag([]float64{0, 0}, 1, 1), diag([]float64{0, 0}, 10, 10), one(1, 10) * one(1, 10)},
		{"mixed", diag([]float64{0, 0}, 1, 3), diag([]float64{0, 0}, 2, 2), one(1, 2) * one(3, 2)},
		{"fc-ood base: target N(0,10I), P0 = N(0,I)", diag([]float64{0, 0}, 10, 10), diag([]float64{0, 0}, 1, 1), 0},
		// Equal variances, shifted mean δ: ∫p_t²/p_s = exp(δ²/v).
		{"shift", diag([]float64{2, 0}, 4, 1), diag([]float64{0, 0}, 4, 1), math.Exp(-4.0 / 4)},
	} {
		if got := eff(t, c.t, c.s); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: efficiency %.15g, want %.15g", c.name, got, c.want)
		}
	}
}

// A correlated pair against Monte Carlo: ∫p_t²/p_s = E_{x~t}[p_t(x)/p_s(x)], whose
// second moment is finite here (3Λ_t − 2Λ_s ≻ 0), so the mean's standard error holds.
func TestEfficiencyMonteCarlo(t *testing.T) {
	tc := mat.NewSymDense(2, []float64{1, 0.6, 0.6, 2})
	sc := mat.NewSymDense(2, []float64{3, -0.5, -0.5, 4})
	target := Gaussian{Mean: []float64{0.5, -0.2}, Cov: tc}
	source := Gaussian{Mean: []float64{0, 0.3}, Cov: sc}
	lt, _ := logDensity(target)
	ls, _ := logDensity(source)
	var ch mat.Cholesky
	ch.Factorize(tc)
	var L mat.TriDense
	ch.LTo(&L)
	r := rng.New(11, "mc")
	const n = 200000
	sum, sum2 := 0.0, 0.0
	x := make([]float64, 2)
	for i := 0; i < n; i++ {
		z0, z1 := r.NormFloat64(), r.NormFloat64()
		x[0] = target.Mean[0] + L.At(0, 0)*z0
		x[1] = target.Mean[1] + L.At(1, 0)*z0 + L.At(1, 1)*z1
		w := math.Exp(lt(x) - ls(x))
		sum += w
		sum2 += w * w
	}
	m := sum / n
	se := math.Sqrt((sum2/n - m*m) / n)
	want := 1 / eff(t, target, source)
	t.Logf("∫p_t²/p_s: closed form %.5f, Monte Carlo %.5f ± %.5f", want, m, se)
	if math.Abs(m-want) > 4*se {
		t.Errorf("closed form %.5f vs Monte Carlo %.5f (4 SE = %.5f)", want, m, 4*se)
	}
}

// With a finite-variance weight the pool ESS divided by N converges to the efficiency; the
// relative sampling error of a self-normalised ESS is of order sqrt(Var(w²)/N)/E w², so
// with N = 20000 and these laws 5% is more than four standard errors.
func TestAssessPoolLimit(t *testing.T) {
	r := rng.New(2, "assess")
	src, _ := dist.NewGaussian([]float64{0, 0}, []float64{4, 2})
	tgt, _ := dist.NewGaussian([]float64{0.5, 0}, []float64{1, 1})
	const N = 20000
	rep, err := Assess([][]float64{src.Sample(r, N)}, tgt.Sample(r, 5000), 2)
	if err != nil {
		t.Fatal(err)
	}
	want := eff(t, diag([]float64{0.5, 0}, 1, 1), diag([]float64{0, 0}, 4, 2))
	t.Logf("ESS/N %.4f, fitted efficiency %.4f, true %.4f", rep.ESS[0]/N, rep.Efficiency[0], want)
	if math.Abs(rep.ESS[0]/N-want) > 0.05*want || math.Abs(rep.Efficiency[0]-want) > 0.05*want {
		t.Errorf("ESS/N = %.4f, efficiency %.4f; want %.4f within 5%%", rep.ESS[0]/N, rep.Efficiency[0], want)
	}
}

// In the OOD settings the closed-form efficiency of the base is 0, but the pool ESS stays
// a graded number that grows with the pool (sublinearly), so it still ranks pools.
func TestAssessOODGrowsWithPool(t *testing.T) {
	base, _ := dist.NewGaussian([]float64{0, 0}, []float64{1, 1})
	tgt, _ := dist.NewGaussian([]float64{0, 0}, []float64{10, 10})
	truth := tgt.Sample(rng.New(3, "truth"), 5000)
	var prev float64
	for _, N := range []int{100, 1000, 10000} {
		rep, err := Assess([][]float64{base.Sample(rng.New(4, "pool"), N)}, truth, 2)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("N = %d: ESS %.2f, efficiency %.3g", N, rep.EffectivePool, rep.Efficiency[0])
		if rep.Efficiency[0] != 0 {
			t.Errorf("N = %d: efficiency %v; the base has lighter tails than the target, so it is 0", N, rep.Efficiency[0])
		}
		if rep.EffectivePool <= prev || rep.EffectivePool >= 0.5*float64(N) {
			t.Errorf("N = %d: ESS %.2f after %.2f; it must grow with N and stay far below N", N, rep.EffectivePool, prev)
		}
		prev = rep.EffectivePool
	}
}

func TestFitErrors(t *testing.T) {
	if _, err := Fit([]float64{1, 2}, 2); err == nil {
		t.Error("one row: no error")
	}
	if _, err := Fit([]float64{1, 1, 2, 2, 3, 3}, 2); err == nil {
		t.Error("collinear sample: no error")
	}
	if _, err := Assess(nil, []float64{1, 2, 3}, 1); err == nil {
		t.Error("no pools: no error")
	}
}
