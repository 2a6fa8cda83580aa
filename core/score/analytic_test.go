package score

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/dist"
)

// The analytic score must be the gradient of the noised density α·X + σ·ε, which for
// these sources is again explicit: N(αμ, α²Σ + σ²) and the GMM with means αμ_k and std
// sqrt(α²s² + σ²). Central differences (h = 1e−5) are accurate to ~1e−9 here.
func TestAnalyticIsGradientOfNoisedDensity(t *testing.T) {
	g, _ := dist.NewGaussian([]float64{1, -2}, []float64{10, 0.5})
	means := [][]float64{{-3, 2.5}, {0, 2.5}, {3, -2.5}}
	m, _ := dist.NewGMM(means, []float64{1, 2, 0}, 0.6)
	f := Analytic{Dists: []dist.Dist{g, m}}
	r := rand.New(rand.NewPCG(1, 2))
	const n = 64
	for _, s := range []float64{diffusion.SMin, 0.3, 0.7, diffusion.SMax} {
		a, sg := diffusion.Alpha(s), diffusion.Sigma(s)
		ng, _ := dist.NewGaussian([]float64{a * 1, a * -2}, []float64{a*a*10 + sg*sg, a*a*0.5 + sg*sg})
		var nm [][]float64
		for _, mu := range means {
			nm = append(nm, []float64{a * mu[0], a * mu[1]})
		}
		ngmm, _ := dist.NewGMM(nm, []float64{1, 2, 0}, math.Sqrt(a*a*0.36+sg*sg))
		noised := []dist.Dist{ng, ngmm}

		x := make([]float64, 2*n)
		for i := range x {
			x[i] = 3 * r.NormFloat64()
		}
		out := [][]float64{make([]float64, 2*n), make([]float64, 2*n)}
		f.Scores(s, x, out)
		const h = 1e-5
		for k, p := range noised {
			for i := 0; i < n; i++ {
				for j := 0; j < 2; j++ {
					xp := []float64{x[2*i], x[2*i+1]}
					xm := []float64{x[2*i], x[2*i+1]}
					xp[j] += h
					xm[j] -= h
					fd := (p.LogProb(xp) - p.LogProb(xm)) / (2 * h)
					if got := out[k][2*i+j]; math.Abs(got-fd) > 1e-6*(1+math.Abs(fd)) {
						t.Fatalf("s = %v source %d point %d coord %d: score %v, finite difference %v", s, k, i, j, got, fd)
					}
				}
			}
		}
	}
}

// Analytic may split rows across goroutines; each row's score must not depend on that.
func TestAnalyticBatchIndependent(t *testing.T) {
	g, _ := dist.NewGaussian([]float64{0, 0}, []float64{10, 1})
	m, _ := dist.NewGMM([][]float64{{-1, 0}, {2, 1}}, []float64{1, 1}, 0.5)
	f := Analytic{Dists: []dist.Dist{g, m}}
	r := rand.New(rand.NewPCG(3, 4))
	const n = 5000
	x := make([]float64, 2*n)
	for i := range x {
		x[i] = 2 * r.NormFloat64()
	}
	big := [][]float64{make([]float64, 2*n), make([]float64, 2*n)}
	f.Scores(0.4, x, big)
	one := [][]float64{make([]float64, 2), make([]float64, 2)}
	for i := 0; i < n; i += 97 {
		f.Scores(0.4, x[2*i:2*i+2], one)
		for k := range one {
			if one[k][0] != big[k][2*i] || one[k][1] != big[k][2*i+1] {
				t.Fatalf("row %d source %d: batch %v vs single %v", i, k, big[k][2*i:2*i+2], one[k])
			}
		}
	}
}
