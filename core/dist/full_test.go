package dist

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func fullGauss(t *testing.T, mean []float64, cov ...float64) *FullGaussian {
	t.Helper()
	g, err := NewFullGaussian(mean, mat.NewSymDense(len(mean), cov))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// A diagonal FullGaussian is the diagonal Gaussian: same log-density and noised score.
func TestFullGaussianMatchesDiagonal(t *testing.T) {
	full := fullGauss(t, []float64{1, -2, 0.5}, 4, 0, 0, 0, 0.25, 0, 0, 0, 9)
	diag, err := NewGaussian([]float64{1, -2, 0.5}, []float64{4, 0.25, 9})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for rep := 0; rep < 20; rep++ {
		x := []float64{3 * r.NormFloat64(), 3 * r.NormFloat64(), 3 * r.NormFloat64()}
		if a, b := full.LogProb(x), diag.LogProb(x); math.Abs(a-b) > 1e-12*(1+math.Abs(b)) {
			t.Fatalf("log-density %v, diagonal %v", a, b)
		}
		a, s := r.Float64(), r.Float64()
		got, want := make([]float64, 3), make([]float64, 3)
		full.NoisedScore(a, s, x, got)
		diag.NoisedScore(a, s, x, want)
		for j := range got {
			if math.Abs(got[j]-want[j]) > 1e-12*(1+math.Abs(want[j])) {
				t.Fatalf("noised score %v, diagonal %v", got, want)
			}
		}
	}
}

// The noised score is the gradient of log N(x; αμ, α²Σ + σ²I): central differences with
// h = 1e−5 err by h²·∂³/6 = 0 for a Gaussian (quadratic log-density) plus rounding
// ~1e−16·|log p|/h ≈ 1e−10.
func TestFullGaussianScoreFiniteDifferences(t *testing.T) {
	mu := []float64{0.5, -1, 2}
	cov := []float64{2, 0.9, -0.3, 0.9, 1, 0.2, -0.3, 0.2, 0.5}
	g := fullGauss(t, mu, cov...)
	r := rand.New(rand.NewPCG(3, 4))
	const h = 1e-5
	for _, as := range [][2]float64{{1, 0}, {0.8, 0.6}, {0.1, 0.995}, {0.999, 0.01}} {
		a, s := as[0], as[1]
		nc := make([]float64, 9)
		nm := make([]float64, 3)
		for i := 0; i < 3; i++ {
			nm[i] = a * mu[i]
			for j := 0; j < 3; j++ {
				nc[i*3+j] = a * a * cov[i*3+j]
				if i == j {
					nc[i*3+j] += s * s
				}
			}
		}
		ng := fullGauss(t, nm, nc...)
		for rep := 0; rep < 5; rep++ {
			x := ng.Sample(r, 1)
			got := make([]float64, 3)
			g.NoisedScore(a, s, x, got)
			for j := range x {
				xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
				xp[j] += h
				xm[j] -= h
				fd := (ng.LogProb(xp) - ng.LogProb(xm)) / (2 * h)
				if math.Abs(fd-got[j]) > 1e-6*(1+math.Abs(got[j])) {
					t.Fatalf("α = %v, σ = %v, coordinate %d: score %v, finite difference %v", a, s, j, got[j], fd)
				}
			}
		}
	}
}

// Sample moments: each entry of the sample covariance (known mean) has standard error
// √((Σ_ij² + Σ_ii·Σ_jj)/n) and the mean √(Σ_ii/n); 5 standard errors.
func TestFullGaussianSample(t *testing.T) {
	mu := []float64{1, 2}
	cov := []float64{3, -1.2, -1.2, 1}
	g := fullGauss(t, mu, cov...)
	const n = 40000
	x := g.Sample(rand.New(rand.NewPCG(5, 6)), n)
	for i := 0; i < 2; i++ {
		m := 0.0
		for k := 0; k < n; k++ {
			m += x[k*2+i]
		}
		m /= n
		if se := math.Sqrt(cov[i*3] / n); math.Abs(m-mu[i]) > 5*se {
			t.Errorf("mean[%d] = %v, want %v ± %v", i, m, mu[i], 5*se)
		}
		for j := 0; j < 2; j++ {
			c := 0.0
			for k := 0; k < n; k++ {
				c += (x[k*2+i] - mu[i]) * (x[k*2+j] - mu[j])
			}
			c /= n
			se := math.Sqrt((cov[i*2+j]*cov[i*2+j] + cov[i*3]*cov[j*3]) / n)
			if math.Abs(c-cov[i*2+j]) > 5*se {
				t.Errorf("cov[%d][%d] = %v, want %v ± %v", i, j, c, cov[i*2+j], 5*se)
			}
		}
	}
}

// PushForward: mean Aμ, covariance AΣAᵀ, and the change of variables
// log p_{A♯g}(Ax) = log p_g(x) − log|det A|.
func TestPushForward(t *testing.T) {
	g := fullGauss(t, []float64{1, -1}, 2, 0.5, 0.5, 1)
	A := mat.NewDense(2, 2, []float64{1, 3, 0, 1})  // a shear, det 1
	B := mat.NewDense(2, 2, []float64{2, 1, -1, 1}) // det 3
	for _, M := range []*mat.Dense{A, B} {
		p, err := PushForward(M, g)
		if err != nil {
			t.Fatal(err)
		}
		var want mat.Dense
		want.Product(M, g.Cov(), M.T())
		if !mat.EqualApprox(p.Cov(), &want, 1e-12) {
			t.Errorf("push-forward covariance %v, want %v", mat.Formatted(p.Cov()), mat.Formatted(&want))
		}
		x := []float64{0.3, 0.7}
		var ax mat.VecDense
		ax.MulVec(M, mat.NewVecDense(2, x))
		if got, want := p.LogProb(ax.RawVector().Data), g.LogProb(x)-math.Log(math.Abs(mat.Det(M))); math.Abs(got-want) > 1e-12 {
			t.Errorf("change of variables: %v, want %v", got, want)
		}
		if m := p.Mean(); math.Abs(m[0]-(M.At(0, 0)-M.At(0, 1))) > 1e-12 || math.Abs(m[1]-(M.At(1, 0)-M.At(1, 1))) > 1e-12 {
			t.Errorf("push-forward mean %v", m)
		}
	}
	if _, err := PushForward(mat.NewDense(2, 2, []float64{1, 2, 2, 4}), g); err == nil {
		t.Error("a singular map was accepted")
	}
	if _, err := NewFullGaussian([]float64{0, 0}, mat.NewSymDense(2, []float64{1, 2, 2, 1})); err == nil {
		t.Error("an indefinite covariance was accepted")
	}
}
