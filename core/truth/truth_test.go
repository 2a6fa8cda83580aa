package truth

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/core/dist"
)

func mustGMM(t testing.TB, means [][]float64, w []float64, std float64) *dist.GMM {
	t.Helper()
	g, err := dist.NewGMM(means, w, std)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// gmmID is the SPEC §2 gmm-id setting: six shared components, std 0.6.
func gmmID(t testing.TB) (a1, a2, p0 *dist.GMM) {
	means := [][]float64{{-3, 2.5}, {0, 2.5}, {3, 2.5}, {-3, -2.5}, {0, -2.5}, {3, -2.5}}
	return mustGMM(t, means, []float64{1, 1, 1, 1, 0, 0}, 0.6),
		mustGMM(t, means, []float64{0, 1, 1, 0, 1, 1}, 0.6),
		mustGMM(t, means, []float64{1, 1, 1, 1, 1, 1}, 0.6)
}

// gmmOOD is gmm-ood (second a1 mean (0,0), as in the paper's text) or gmm-ood-alt ((9,0)).
func gmmOOD(t testing.TB, alt bool) (a1, a2, p0 *dist.GMM) {
	m := []float64{0, 0}
	if alt {
		m = []float64{9, 0}
	}
	a1m := [][]float64{{-6, 1.5}, m}
	a2m := [][]float64{{0, -9}, {-1.5, 6}}
	return mustGMM(t, a1m, []float64{1, 1}, 1),
		mustGMM(t, a2m, []float64{1, 1}, 1),
		mustGMM(t, append(append([][]float64{}, a1m...), a2m...), []float64{1, 1, 1, 1}, 1)
}

// moments of an unnormalised 2-D log-density by the midpoint rule on a grid; for smooth
// Gaussian-like densities whose std is ≫ h the rule is accurate far beyond what the tests
// need. It fails the test if the density is not negligible on the grid's border.
type moments struct {
	logZ    float64    // log ∫ exp(logf)
	mean    [2]float64 // E x
	cov     [2][2]float64
	prodVar [2][2]float64 // Var((x_i−μ_i)(x_j−μ_j)), the per-sample variance of a covariance estimate
}

func gridMoments(t *testing.T, logf func([]float64) float64, lo, hi [2]float64, h float64) moments {
	t.Helper()
	nx, ny := int((hi[0]-lo[0])/h), int((hi[1]-lo[1])/h)
	lf := make([]float64, nx*ny)
	mx, border := math.Inf(-1), math.Inf(-1)
	p := make([]float64, 2)
	for i := 0; i < nx; i++ {
		for j := 0; j < ny; j++ {
			p[0], p[1] = lo[0]+(float64(i)+0.5)*h, lo[1]+(float64(j)+0.5)*h
			l := logf(p)
			lf[i*ny+j] = l
			mx = math.Max(mx, l)
			if i == 0 || j == 0 || i == nx-1 || j == ny-1 {
				border = math.Max(border, l)
			}
		}
	}
	if border-mx > -30 {
		t.Fatalf("grid too small: density on the border is exp(%.1f) of the peak", border-mx)
	}
	var z float64
	var s1 [2]float64
	var s2 [2][2]float64
	at := func(i, j int) (float64, float64) { return lo[0] + (float64(i)+0.5)*h, lo[1] + (float64(j)+0.5)*h }
	for i := 0; i < nx; i++ {
		for j := 0; j < ny; j++ {
			w := math.Exp(lf[i*ny+j] - mx)
			x, y := at(i, j)
			z += w
			s1[0] += w * x
			s1[1] += w * y
		}
	}
	m := moments{logZ: mx + math.Log(z*h*h)}
	m.mean = [2]float64{s1[0] / z, s1[1] / z}
	var s4 [2][2]float64
	for i := 0; i < nx; i++ {
		for j := 0; j < ny; j++ {
			w := math.Exp(lf[i*ny+j]-mx) / z
			x, y := at(i, j)
			v := [2]float64{x - m.mean[0], y - m.mean[1]}
			for a := 0; a < 2; a++ {
				for b := 0; b < 2; b++ {
					s2[a][b] += w * v[a] * v[b]
					s4[a][b] += w * v[a] * v[a] * v[b] * v[b]
				}
			}
		}
	}
	m.cov = s2
	for a := 0; a < 2; a++ {
		for b := 0; b < 2; b++ {
			m.prodVar[a][b] = s4[a][b] - s2[a][b]*s2[a][b]
		}
	}
	return m
}

// checkMoments compares the sample mean and covariance of x with the target's, allowing
// 4 standard errors; nEff is the number of independent samples the estimate is worth.
func checkMoments(t *testing.T, name string, x []float64, want moments, nEff float64) {
	t.Helper()
	n := len(x) / 2
	var mean [2]float64
	for i := 0; i < n; i++ {
		mean[0] += x[2*i] / float64(n)
		mean[1] += x[2*i+1] / float64(n)
	}
	var cov [2][2]float64
	for i := 0; i < n; i++ {
		v := [2]float64{x[2*i] - mean[0], x[2*i+1] - mean[1]}
		for a := 0; a < 2; a++ {
			for b := 0; b < 2; b++ {
				cov[a][b] += v[a] * v[b] / float64(n-1)
			}
		}
	}
	for a := 0; a < 2; a++ {
		if se := math.Sqrt(want.cov[a][a] / nEff); math.Abs(mean[a]-want.mean[a]) > 4*se {
			t.Errorf("%s: mean[%d] = %.4f, target %.4f (4 SE = %.4f)", name, a, mean[a], want.mean[a], 4*se)
		}
		for b := a; b < 2; b++ {
			if se := math.Sqrt(want.prodVar[a][b] / nEff); math.Abs(cov[a][b]-want.cov[a][b]) > 4*se {
				t.Errorf("%s: cov[%d][%d] = %.4f, target %.4f (4 SE = %.4f)", name, a, b, cov[a][b], want.cov[a][b], 4*se)
			}
		}
	}
	z := func(got, want, v float64) float64 { return (got - want) / math.Sqrt(v/nEff) }
	t.Logf("%s: mean (%.4f, %.4f) vs (%.4f, %.4f); cov (%.4f %.4f %.4f) vs (%.4f %.4f %.4f); z-scores %.1f %.1f | %.1f %.1f %.1f", name,
		mean[0], mean[1], want.mean[0], want.mean[1], cov[0][0], cov[0][1], cov[1][1], want.cov[0][0], want.cov[0][1], want.cov[1][1],
		z(mean[0], want.mean[0], want.cov[0][0]), z(mean[1], want.mean[1], want.cov[1][1]),
		z(cov[0][0], want.cov[0][0], want.prodVar[0][0]), z(cov[0][1], want.cov[0][1], want.prodVar[0][1]), z(cov[1][1], want.cov[1][1], want.prodVar[1][1]))
}

func baseComposition(a1, a2, p0 *dist.GMM) func([]float64) float64 {
	return dist.Composed{Dists: []dist.Dist{a1, a2, p0}, W: []float64{1, 1, -1}}.LogDensity
}

// SPEC §3 formula for equal stds: N(μj, s²I)·N(μk, s²I) = c_jk N((μj+μk)/2, s²/2 I),
// log c_jk = −d/2·log(2π·2s²) − |μj−μk|²/(4s²).
func TestProductGMMEqualStdsMatchesSpecFormula(t *testing.T) {
	s := 0.8
	a := mustGMM(t, [][]float64{{0, 0}, {1, 2}}, []float64{0.3, 0.7}, s)
	b := mustGMM(t, [][]float64{{-1, 1}, {2, -1}, {0, 3}}, []float64{0.2, 0.5, 0.3}, s)
	p, err := ProductGMM([]*dist.GMM{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Means) != 6 || math.Abs(p.Std-s/math.Sqrt2) > 1e-15 {
		t.Fatalf("got %d components with std %v, want 6 with %v", len(p.Means), p.Std, s/math.Sqrt2)
	}
	want := make([]float64, 6)
	tot := 0.0
	for l := range b.Means {
		for j := range a.Means {
			k := j + 2*l // the first mixture's index runs fastest
			mj, ml := a.Means[j], b.Means[l]
			sq := (mj[0]-ml[0])*(mj[0]-ml[0]) + (mj[1]-ml[1])*(mj[1]-ml[1])
			want[k] = a.Weights[j] * b.Weights[l] * math.Exp(-math.Log(2*math.Pi*2*s*s)-sq/(4*s*s))
			tot += want[k]
			for c := 0; c < 2; c++ {
				if math.Abs(p.Means[k][c]-(mj[c]+ml[c])/2) > 1e-14 {
					t.Errorf("component %d mean %v, want midpoint of %v and %v", k, p.Means[k], mj, ml)
				}
			}
		}
	}
	for k := range want {
		if math.Abs(p.Weights[k]-want[k]/tot) > 1e-13 {
			t.Errorf("component %d weight %v, want %v", k, p.Weights[k], want[k]/tot)
		}
	}
}

// Three mixtures with different stds: the product's density equals Π g_i(x)/Z with Z
// obtained independently by quadrature, and it integrates to 1.
func TestProductGMMThreeStds(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test: minutes under emulation (-short); runs natively")
	}
	gs := []*dist.GMM{
		mustGMM(t, [][]float64{{0, 0}, {2, 1}}, []float64{0.4, 0.6}, 1.0),
		mustGMM(t, [][]float64{{1, -1}, {-1, 1}, {0, 2}}, []float64{0.5, 0, 0.5}, 1.5),
		mustGMM(t, [][]float64{{0.5, 0.5}}, []float64{1}, 0.7),
	}
	p, err := ProductGMM(gs)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Means) != 4 { // the zero-weight component is dropped
		t.Errorf("got %d components, want 4", len(p.Means))
	}
	wantV := 1 / (1/1.0 + 1/2.25 + 1/0.49)
	if math.Abs(p.Std*p.Std-wantV) > 1e-14 {
		t.Errorf("variance %v, want %v", p.Std*p.Std, wantV)
	}
	prod := func(x []float64) float64 {
		s := 0.0
		for _, g := range gs {
			s += g.LogProb(x)
		}
		return s
	}
	lo, hi := [2]float64{-8, -8}, [2]float64{8, 8}
	mz := gridMoments(t, prod, lo, hi, 0.02)
	r := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 200; i++ {
		x := []float64{3 * r.NormFloat64(), 3 * r.NormFloat64()}
		if d := p.LogProb(x) - (prod(x) - mz.logZ); math.Abs(d) > 1e-8 {
			t.Fatalf("at %v: log product density off by %v", x, d)
		}
	}
	if m := gridMoments(t, p.LogProb, lo, hi, 0.02); math.Abs(m.logZ) > 1e-8 {
		t.Errorf("product integrates to exp(%v)", m.logZ)
	}
	one, err := ProductGMM(gs[:1])
	if err != nil || one.Describe() != gs[0].Describe() {
		t.Errorf("product of one mixture should be itself: %v %v", one, err)
	}
}

func TestProductGMMErrors(t *testing.T) {
	if _, err := ProductGMM(nil); err == nil {
		t.Error("empty product accepted")
	}
	a := mustGMM(t, [][]float64{{0, 0}}, []float64{1}, 1)
	b := mustGMM(t, [][]float64{{0}}, []float64{1}, 1)
	if _, err := ProductGMM([]*dist.GMM{a, b}); err == nil || !strings.Contains(err.Error(), "dimension") {
		t.Errorf("dimension mismatch: %v", err)
	}
}

func TestRejectionGMMID(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test: minutes under emulation (-short); runs natively")
	}
	a1, a2, p0 := gmmID(t)
	want := gridMoments(t, baseComposition(a1, a2, p0), [2]float64{-9, -8.5}, [2]float64{9, 8.5}, 0.02)
	const n = 20000
	x, rate, err := Rejection(a1, a2, p0, n, 1, rand.New(rand.NewPCG(11, 12)))
	if err != nil {
		t.Fatal(err)
	}
	if len(x) != 2*n {
		t.Fatalf("got %d values, want %d", len(x), 2*n)
	}
	checkMoments(t, "rejection gmm-id", x, want, n)
	// Acceptance probability is Z/M with Z = ∫ Pa1·Pa2/P0 and M = max wa2/w0 = 1.5; the
	// rate is a binomial proportion over about n/p tries.
	p := math.Exp(want.logZ) / 1.5
	if se := math.Sqrt(p * (1 - p) / (n / p)); math.Abs(rate-p) > 4*se {
		t.Errorf("acceptance rate %.4f, expected %.4f ± %.4f", rate, p, 4*se)
	}
	t.Logf("acceptance rate %.4f (expected %.4f)", rate, p)
	// A safety factor scales the acceptance down by the same factor.
	_, rate2, err := Rejection(a1, a2, p0, 5000, 2, rand.New(rand.NewPCG(13, 14)))
	if se := math.Sqrt(p / 2 * (1 - p/2) / (5000 / (p / 2))); err != nil || math.Abs(rate2-p/2) > 4*se {
		t.Errorf("safety 2: rate %.4f, expected %.4f ± %.4f (%v)", rate2, p/2, 4*se, err)
	}
}

func TestRejectionErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test: minutes under emulation (-short); runs natively")
	}
	a1, a2, p0 := gmmID(t)
	r := rand.New(rand.NewPCG(1, 1))
	means := [][]float64{{-3, 2.5}, {0, 2.5}, {3, 2.5}, {-3, -2.5}, {0, -2.5}, {3, -2.5}}
	wideP0 := mustGMM(t, means, []float64{1, 1, 1, 1, 1, 1}, 0.7)
	if _, _, err := Rejection(a1, a2, wideP0, 10, 1, r); err == nil || !strings.Contains(err.Error(), "importance") {
		t.Errorf("different std: %v", err)
	}
	shifted := mustGMM(t, append([][]float64{{-3, 2}}, means[1:]...), []float64{1, 1, 1, 1, 1, 1}, 0.6)
	if _, _, err := Rejection(a1, a2, shifted, 10, 1, r); err == nil || !strings.Contains(err.Error(), "share components") {
		t.Errorf("different means: %v", err)
	}
	holey := mustGMM(t, means, []float64{1, 1, 1, 1, 1, 0}, 0.6)
	if _, _, err := Rejection(a1, a2, holey, 10, 1, r); err == nil || !strings.Contains(err.Error(), "unbounded") {
		t.Errorf("zero base weight: %v", err)
	}
	if _, _, err := Rejection(a1, a2, p0, 10, 0.5, r); err == nil {
		t.Error("safety < 1 accepted")
	}
	if _, _, err := Rejection(a1, a2, p0, 0, 1, r); err == nil {
		t.Error("n = 0 accepted")
	}
	// Pa2/P0 is 1e-6 where Pa1 lives and M = 1e6: acceptance ≈ 1e-12, so it must give up.
	two := [][]float64{{0, 0}, {10, 10}}
	lowA2 := mustGMM(t, two, []float64{1e-6, 1}, 0.6)
	lowP0 := mustGMM(t, two, []float64{1, 1e-6}, 0.6)
	far := mustGMM(t, two[:1], []float64{1}, 0.6)
	if _, _, err := Rejection(far, lowA2, lowP0, 10, 1, r); err == nil || !strings.Contains(err.Error(), "poor proposal") {
		t.Errorf("hopeless proposal: %v", err)
	}
}

// Importance sampling on the paper's settings against quadrature moments. The resampled
// mean's variance is about Var/n (resampling) + Var/ESS (the weighted estimate), so the
// tolerance uses nEff = 1/(1/n + 1/ESS).
func TestImportanceMatchesQuadrature(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test: minutes under emulation (-short); runs natively")
	}
	type setting struct {
		name       string
		a1, a2, p0 *dist.GMM
		lo, hi     [2]float64
	}
	var cases []setting
	a1, a2, p0 := gmmOOD(t, false)
	cases = append(cases, setting{"gmm-ood", a1, a2, p0, [2]float64{-14, -14}, [2]float64{14, 16}})
	a1, a2, p0 = gmmOOD(t, true)
	cases = append(cases, setting{"gmm-ood-alt", a1, a2, p0, [2]float64{-14, -14}, [2]float64{16, 16}})
	a1, a2, p0 = gmmID(t)
	cases = append(cases, setting{"gmm-id", a1, a2, p0, [2]float64{-9, -8.5}, [2]float64{9, 8.5}})
	for i, c := range cases {
		want := gridMoments(t, baseComposition(c.a1, c.a2, c.p0), c.lo, c.hi, 0.025)
		const n = 4000
		x, ess, err := Importance([]*dist.GMM{c.a1, c.a2}, []dist.Dist{c.p0}, []float64{-1}, n, 100, rand.New(rand.NewPCG(21, uint64(i))))
		if err != nil {
			t.Fatal(err)
		}
		if !(ess > 1 && ess <= 100*n) {
			t.Fatalf("%s: ESS %v out of range", c.name, ess)
		}
		t.Logf("%s: ESS %.0f of %d proposals", c.name, ess, 100*n)
		checkMoments(t, "importance "+c.name, x, want, 1/(1.0/n+1/ess))
	}
}

func TestImportanceErrors(t *testing.T) {
	a1, a2, p0 := gmmOOD(t, false)
	r := rand.New(rand.NewPCG(1, 1))
	pos := []*dist.GMM{a1, a2}
	if _, _, err := Importance(pos, []dist.Dist{p0}, []float64{-1, 1}, 10, 10, r); err == nil {
		t.Error("weight count mismatch accepted")
	}
	if _, _, err := Importance(pos, []dist.Dist{p0}, []float64{-1}, 0, 10, r); err == nil {
		t.Error("n = 0 accepted")
	}
	if _, _, err := Importance(nil, []dist.Dist{p0}, []float64{-1}, 10, 10, r); err == nil {
		t.Error("empty proposal accepted")
	}
	g1, _ := dist.NewGaussian([]float64{0}, []float64{1})
	if _, _, err := Importance(pos, []dist.Dist{g1}, []float64{-1}, 10, 10, r); err == nil || !strings.Contains(err.Error(), "dimension") {
		t.Errorf("dimension mismatch: %v", err)
	}
}

func TestClosedForm(t *testing.T) {
	g, _ := dist.NewGaussian([]float64{1, -2}, []float64{20.0 / 21, 4})
	const n = 20000
	x := ClosedForm(g, n, rand.New(rand.NewPCG(3, 3)))
	want := moments{mean: [2]float64{1, -2}, cov: [2][2]float64{{20.0 / 21, 0}, {0, 4}}}
	// For a Gaussian Var((x−μ)²) = 2σ⁴ and Var((x₁−μ₁)(x₂−μ₂)) = σ₁²σ₂².
	want.prodVar = [2][2]float64{{2 * want.cov[0][0] * want.cov[0][0], want.cov[0][0] * 4}, {want.cov[0][0] * 4, 2 * 16}}
	checkMoments(t, "closed form", x, want, n)
}

// Paper-scale importance sampling: 5000 samples from 1000× oversampling on gmm-ood.
func BenchmarkImportanceGMMOOD(b *testing.B) {
	a1, a2, p0 := gmmOOD(b, false)
	for b.Loop() {
		_, ess, err := Importance([]*dist.GMM{a1, a2}, []dist.Dist{p0}, []float64{-1}, 5000, 1000, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(ess, "ESS")
	}
}
