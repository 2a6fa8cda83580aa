package linmap

import (
	"fmt"
	"math"
	"testing"

	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/sampler"
	"github.com/compdiff/compdiff/core/score"
	"gonum.org/v1/gonum/mat"
)

// sampleCov is the known-mean (zero) sample covariance (1/n)·Σ x xᵀ.
func sampleCov(x []float64, d int) *mat.SymDense {
	n := len(x) / d
	c := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			s := 0.0
			for k := 0; k < n; k++ {
				s += x[k*d+i] * x[k*d+j]
			}
			c.SetSym(i, j, s/float64(n))
		}
	}
	return c
}

// sampler.NaiveODE with exact scores (FullGaussian sources) is the linear map Φ of
// ODEEuler: every output row is Φ·x0 for its initial normals x0 (re-drawn from the same
// stream; rounding only), and the sample covariance of n rows matches ΦΦᵀ entry-wise
// within 5 standard errors √((Σ_ij² + Σ_ii·Σ_jj)/n) (known-mean Gaussian sample covariance).
func TestNaiveODEEulerIsTheSampler(t *testing.T) {
	const n, steps = 20000, 500
	for _, c := range []struct {
		name string
		A    *mat.Dense
	}{{"shear 1", Shear(1)}, {"rotation", Rotation(0.7)}} {
		cs := GaussFCOOD()
		f := must(NewFlow(must(cs.Covs(c.A)), cs.Weights()))
		phi, cov := f.ODEEuler(steps)
		x := sampler.NaiveODE(score.Analytic{Dists: must(cs.Sources(c.A))}, cs.Weights(), n, steps, rng.New(11, c.name))
		x0 := make([]float64, 2*n)
		rng.Normals(rng.New(11, c.name), x0)
		for i := 0; i < n; i++ {
			for a := 0; a < 2; a++ {
				want := phi.At(a, 0)*x0[2*i] + phi.At(a, 1)*x0[2*i+1]
				if math.Abs(x[2*i+a]-want) > 1e-9*(1+math.Abs(want)) {
					t.Fatalf("%s, row %d: sampler %v, Φ·x0 %v", c.name, i, x[2*i+a], want)
				}
			}
		}
		sc := sampleCov(x, 2)
		for a := 0; a < 2; a++ {
			for b := a; b < 2; b++ {
				se := math.Sqrt((cov.At(a, b)*cov.At(a, b) + cov.At(a, a)*cov.At(b, b)) / n)
				if math.Abs(sc.At(a, b)-cov.At(a, b)) > 5*se {
					t.Errorf("%s: sample cov[%d][%d] = %v, closed form %v ± %v", c.name, a, b, sc.At(a, b), cov.At(a, b), 5*se)
				}
			}
		}
		t.Logf("%s: closed form %s, sampled %s", c.name, fmtSym(cov), fmtSym(sc))
	}
}

// sampler.NaiveSDE's output law is N(0, SDEEuler): KL(N(0, Ŝ) ‖ N(0, SDEEuler)) stays
// below the known-mean sampling threshold klThreshold.
func TestNaiveSDEEulerIsTheSampler(t *testing.T) {
	const n, steps = 10000, 500
	for _, c := range []struct {
		name string
		cs   Concepts
	}{{"ood", GaussFCOOD()}, {"id", GaussFCID()}} {
		A := Shear(1)
		f := must(NewFlow(must(c.cs.Covs(A)), c.cs.Weights()))
		want := f.SDEEuler(steps)
		x := sampler.NaiveSDE(score.Analytic{Dists: must(c.cs.Sources(A))}, c.cs.Weights(), n, steps, rng.New(12, c.name))
		zero := []float64{0, 0}
		kl := must(KL(zero, sampleCov(x, 2), zero, want))
		t.Logf("%s, shear 1: KL(sampled ‖ closed form) = %.2e (threshold %.2e)", c.name, kl, klThreshold(n, 2))
		if kl > klThreshold(n, 2) {
			t.Errorf("%s: the naive SDE's sample covariance is KL %.3g from the closed form (threshold %.3g)", c.name, kl, klThreshold(n, 2))
		}
	}
}

// FKC with exact scores removes the shear's gap when its intermediate targets are proper
// (gauss-fc-id: concepts narrower than the background): with K = 16 its KL to the
// composition is below a fifth of the naive SDE's (closed form), which is 0.094 at γ = 1
// against a sampling threshold of 0.008 for n = 1000 (swarms are independent, so the n
// outputs are iid). For gauss-fc-ood the intermediate precision Λ(s) has a negative
// eigenvalue (improper targets): FKC does not converge, and with K = 16 it lands farther
// from the composition than the naive SDE.
func TestFKCAndTheShear(t *testing.T) {
	const n, steps = 1000, 500
	A := Shear(1)
	zero := []float64{0, 0}
	for _, c := range []struct {
		name   string
		cs     Concepts
		proper bool
	}{{"id", GaussFCID(), true}, {"ood", GaussFCOOD(), false}} {
		g := must(Measure(c.cs, A, steps))
		target := must(c.cs.Target(A))
		x, _, err := sampler.FKC(score.Analytic{Dists: must(c.cs.Sources(A))}, c.cs.Weights(), n, sampler.FKCConfig{K: 16, Steps: steps, GClip: math.Inf(1)}, rng.New(13, c.name))
		if err != nil {
			t.Fatal(err)
		}
		kl := must(KL(zero, sampleCov(x, 2), zero, target))
		w2 := must(W2(zero, sampleCov(x, 2), zero, target))
		t.Logf("%s, shear 1: min eig Λ %.4f; naive SDE (closed form) KL %.4f W2 %.4f; FKC K=16 (sampled) KL %.4f W2 %.4f", c.name, g.MinPrecision, g.SDEEuler.KL, g.SDEEuler.W2, kl, w2)
		if c.proper != (g.MinPrecision > 0) {
			t.Fatalf("%s: min eigenvalue of Λ(s) = %v; expected proper = %v", c.name, g.MinPrecision, c.proper)
		}
		if c.proper && kl > g.SDEEuler.KL/5 {
			t.Errorf("%s: FKC's KL %.4g is not below a fifth of the naive SDE's %.4g", c.name, kl, g.SDEEuler.KL)
		}
		if !c.proper && kl < g.SDEEuler.KL {
			t.Errorf("%s: FKC's KL %.4g is below the naive SDE's %.4g although its intermediate targets are improper", c.name, kl, g.SDEEuler.KL)
		}
	}
}

func fmtSym(s *mat.SymDense) string {
	return fmt.Sprintf("[%.4f %.4f; %.4f]", s.At(0, 0), s.At(0, 1), s.At(1, 1))
}
