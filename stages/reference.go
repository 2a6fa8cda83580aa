package stages

import (
	"math"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/metrics"
	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/reports"

	"gonum.org/v1/gonum/stat"
)

// reference measures what the profile's sizes make unavoidable for one setting; the claims'
// thresholds are built from it (reports.Reference).
//   - Sampling floor: SW2 (and MMD²) between the two halves of each run's ground-truth sample,
//     rescaled from (m/2, m/2) points to (n model, m truth) points by sqrt((1/n + 1/m)/(4/m))
//     — both are sums of independent sampling noise that grows as 1/n + 1/m.
//   - Euler bias (Gaussian targets): Euler–Maruyama at the profile's step count is linear in
//     x for Gaussian scores, so its end law is Gaussian with a mean and variance given by a
//     recursion; SW2 to the target is then a closed form per direction.
func reference(truths []reports.Points, gs []*dist.Gaussian, w []float64, n, steps, projections int) reports.Reference {
	ref := reports.Reference{EulerSW2: math.NaN(), NaiveSW2: math.NaN(), SW2FloorSD: math.NaN()}
	var sw, mmd, spread []float64
	for run, t := range truths {
		m := t.Len()
		if m < 8 {
			continue
		}
		half := (m / 2) * t.D
		a, b := t.X[:half], t.X[half:2*half]
		f := math.Sqrt((1/float64(n) + 1/float64(m)) / (4 / float64(m)))
		sw = append(sw, f*metrics.SW2(a, b, t.D, projections, rng.New(uint64(run), "reference/sw2")))
		// A second split (even against odd points; the truth's points are independent) for
		// the spread of SW2 between independent samples: the sampling noise of one cell.
		even, odd := interleave(t.X[:2*half], t.D)
		spread = append(spread, sw[len(sw)-1], f*metrics.SW2(even, odd, t.D, projections, rng.New(uint64(run), "reference/sw2-spread")))
		mmd = append(mmd, f*f*metrics.MMD2(a, b, t.D))
		if run == 0 {
			ref.Scale = rmsStd(t)
		}
	}
	if len(sw) > 0 {
		for i := range sw {
			ref.SW2Floor += sw[i] / float64(len(sw))
			ref.MMD2Floor += mmd[i] * mmd[i] / float64(len(mmd))
		}
		ref.MMD2Floor = math.Sqrt(ref.MMD2Floor)
	}
	if len(spread) > 2 {
		ref.SW2FloorSD = stat.StdDev(spread, nil)
	}
	if gs != nil && steps > 0 {
		target, err := dist.ComposeGaussians(gs, w)
		if err == nil {
			ref.EulerSW2 = gaussSW2(eulerLaw([]*dist.Gaussian{target}, []float64{1}, steps), target)
			ref.NaiveSW2 = gaussSW2(eulerLaw(gs, w, steps), target)
		}
	}
	return ref
}

// interleave splits the rows of x into the even and the odd ones.
func interleave(x []float64, d int) (even, odd []float64) {
	for i := 0; i*d < len(x); i++ {
		if i%2 == 0 {
			even = append(even, x[i*d:(i+1)*d]...)
		} else {
			odd = append(odd, x[i*d:(i+1)*d]...)
		}
	}
	return even, odd
}

// eulerLaw is the exact end law of Euler–Maruyama on the reverse VP SDE (SPEC §4, β and the
// score at s_i) with the composed score Σ_a w_a S_a of diagonal Gaussians, from N(0, I). Per
// coordinate the step is x ← A·x + B + sqrt(βΔ)·ξ, so the mean and variance follow
// m ← A·m + B, v ← A²·v + βΔ.
func eulerLaw(gs []*dist.Gaussian, w []float64, steps int) *dist.Gaussian {
	d := gs[0].Dim()
	mean, vr := make([]float64, d), make([]float64, d)
	for j := range vr {
		vr[j] = 1
	}
	grid := diffusion.Grid(steps)
	dt := 1 / float64(steps)
	for i := 0; i < steps; i++ {
		s := grid[i]
		al, sg, beta := diffusion.Alpha(s), diffusion.Sigma(s), diffusion.Beta(s)
		for j := 0; j < d; j++ {
			c, e := 0.0, 0.0 // composed score = −c·x + e
			for a, g := range gs {
				den := al*al*g.Var[j] + sg*sg
				c += w[a] / den
				e += w[a] * al * g.Mean[j] / den
			}
			A := 1 + (beta/2-beta*c)*dt
			mean[j] = A*mean[j] + beta*e*dt
			vr[j] = A*A*vr[j] + beta*dt
		}
	}
	return &dist.Gaussian{Mean: mean, Var: vr}
}

// gaussSW2 is SW2 between two diagonal Gaussians: on a unit direction u both project to 1-D
// Gaussians, W2² = (u·Δμ)² + (sqrt(uᵀΣ₁u) − sqrt(uᵀΣ₂u))², averaged over 4096 fixed random
// directions (the metric's own estimator, without its sampling noise).
func gaussSW2(p, q *dist.Gaussian) float64 {
	d := p.Dim()
	r := rng.New(0, "reference/directions")
	u := make([]float64, d)
	total := 0.0
	const dirs = 4096
	for k := 0; k < dirs; k++ {
		norm := 0.0
		for j := range u {
			u[j] = r.NormFloat64()
			norm += u[j] * u[j]
		}
		dm, v1, v2 := 0.0, 0.0, 0.0
		for j := range u {
			uj := u[j] / math.Sqrt(norm)
			dm += uj * (p.Mean[j] - q.Mean[j])
			v1 += uj * uj * p.Var[j]
			v2 += uj * uj * q.Var[j]
		}
		s := math.Sqrt(v1) - math.Sqrt(v2)
		total += dm*dm + s*s
	}
	return math.Sqrt(total / dirs)
}

// rmsStd is the RMS per-coordinate standard deviation of a sample set.
func rmsStd(p reports.Points) float64 {
	n := p.Len()
	if n < 2 {
		return 0
	}
	v := 0.0
	for j := 0; j < p.D; j++ {
		v += sampleVar(p.X, p.D, j)
	}
	return math.Sqrt(v / float64(p.D))
}
