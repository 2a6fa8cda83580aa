package metrics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func normals(r *rand.Rand, n int, shift ...float64) []float64 {
	d := len(shift)
	x := make([]float64, n*d)
	for i := range x {
		x[i] = r.NormFloat64() + shift[i%d]
	}
	return x
}

func TestSW2HandCases(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	// 1-D: directions are ±1 and both give the same sorted differences (0, 0, 1).
	if got, want := SW2([]float64{0, 1, 3}, []float64{2, 0, 1}, 1, 10, r), math.Sqrt(1.0/3); math.Abs(got-want) > 1e-15 {
		t.Errorf("equal sizes: SW2 = %v, want %v", got, want)
	}
	// Sizes 2 and 3: quantile functions 0|1 (jump at 1/2) and 0|0.5|1 (jumps at 1/3, 2/3)
	// differ by 0.5 on (1/3, 2/3), so W2² = 0.25·1/3 = 1/12.
	if got, want := SW2([]float64{0, 1}, []float64{0, 0.5, 1}, 1, 10, r), math.Sqrt(1.0/12); math.Abs(got-want) > 1e-15 {
		t.Errorf("sizes 2 and 3: SW2 = %v, want %v", got, want)
	}
}

// Duplicating every row of y leaves its empirical distribution unchanged, so the
// unequal-size path must reproduce the equal-size result.
func TestSW2UnequalSizesConsistent(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	x, y := normals(r, 300, 0, 0), normals(r, 300, 0.3, -0.2)
	yy := append(append([]float64(nil), y...), y...)
	a := SW2(x, y, 2, 50, rand.New(rand.NewPCG(9, 9)))
	b := SW2(x, yy, 2, 50, rand.New(rand.NewPCG(9, 9)))
	if math.Abs(a-b) > 1e-12 {
		t.Errorf("SW2 with y = %v, with y duplicated = %v", a, b)
	}
}

// N(0,1) vs N(μ,1): W2 = |μ|. The estimate moves mainly with the difference of the two
// sample means (sd sqrt(2/n)); the empirical-quantile bias is O(log log n / n), negligible.
func TestSW2ShiftedGaussians1D(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	const n, mu = 20000, 0.5
	got := SW2(normals(r, n, 0), normals(r, n, mu), 1, 20, r)
	if tol := 4 * math.Sqrt(2.0/n); math.Abs(got-mu) > tol {
		t.Errorf("SW2 = %.4f, want %.2f ± %.4f", got, mu, tol)
	}
	t.Logf("1-D SW2(N(0,1), N(%.1f,1)) = %.4f", mu, got)
}

// In 2-D a shift m gives W2(θ) = |θ·m| and E_θ (θ·m)² = |m|²/2, so SW2 ≈ |m|/√2. Noise:
// the direction average of (θ·m)² = |m|²cos²φ has sd |m|²/√8 per direction, and each
// projected mean difference has sd sqrt(2/n); both are propagated to SW2 below.
func TestSW2ShiftedGaussians2D(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test: minutes under emulation (-short); runs natively")
	}
	r := rand.New(rand.NewPCG(4, 4))
	const n, P = 20000, 2000
	got := SW2(normals(r, n, 0, 0), normals(r, n, 0.6, 0.8), 2, P, r) // |m| = 1
	want := 1 / math.Sqrt2
	sdDir := (1 / math.Sqrt(8) / math.Sqrt(P)) / (2 * want) // d sqrt(v) = dv / (2 sqrt v)
	sdSample := math.Sqrt(2.0 / n)
	if tol := 4 * math.Hypot(sdDir, sdSample); math.Abs(got-want) > tol {
		t.Errorf("SW2 = %.4f, want %.4f ± %.4f", got, want, tol)
	}
	t.Logf("2-D SW2 for |m| = 1: %.4f (want %.4f)", got, want)
}

func TestSW2SymmetricDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test: minutes under emulation (-short); runs natively")
	}
	r := rand.New(rand.NewPCG(5, 5))
	x, y := normals(r, 500, 0, 0), normals(r, 700, 1, 0)
	a := SW2(x, y, 2, 100, rand.New(rand.NewPCG(1, 2)))
	b := SW2(y, x, 2, 100, rand.New(rand.NewPCG(1, 2)))
	c := SW2(x, y, 2, 100, rand.New(rand.NewPCG(1, 2)))
	if a != b || a != c {
		t.Errorf("SW2 not symmetric/deterministic: %v %v %v", a, b, c)
	}
	if !math.IsNaN(SW2([]float64{math.NaN(), 0}, x, 2, 3, r)) {
		t.Error("NaN input must give NaN")
	}
}

// mmdDirect is the textbook formula with a sorted median, for tiny samples.
func mmdDirect(x, y []float64, d int) float64 {
	n, m := len(x)/d, len(y)/d
	var dist []float64
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			dist = append(dist, math.Sqrt(sqDist(x[i*d:(i+1)*d], y[j*d:(j+1)*d])))
		}
	}
	slices.Sort(dist)
	med := dist[len(dist)/2]
	if len(dist)%2 == 0 {
		med = (dist[len(dist)/2-1] + dist[len(dist)/2]) / 2
	}
	g := 1 / (2 * med * med)
	k := func(a, b []float64) float64 { return math.Exp(-g * sqDist(a, b)) }
	var sxx, syy, sxy float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i != j {
				sxx += k(x[i*d:(i+1)*d], x[j*d:(j+1)*d])
			}
		}
		for j := 0; j < m; j++ {
			sxy += k(x[i*d:(i+1)*d], y[j*d:(j+1)*d])
		}
	}
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			if i != j {
				syy += k(y[i*d:(i+1)*d], y[j*d:(j+1)*d])
			}
		}
	}
	return sxx/float64(n*(n-1)) + syy/float64(m*(m-1)) - 2*sxy/float64(n*m)
}

func TestMMD2TinyCases(t *testing.T) {
	x := []float64{0, 0, 1, 0, 0, 2}
	for _, y := range [][]float64{
		{1, 1, 2, 2, 0, -1},        // 3×3: odd number of cross distances
		{1, 1, 2, 2, 0, -1, 3, 0},  // 3×4: even, median is a mean of two
		{0, 0, 1, 0, 0, 2, 0, 2.5}, // overlapping points, ties
	} {
		got, want := MMD2(x, y, 2), mmdDirect(x, y, 2)
		if math.Abs(got-want) > 1e-14 {
			t.Errorf("y = %v: MMD2 = %.17g, direct %.17g", y, got, want)
		}
	}
	// 1-D with hand numbers: x = {0, 1}, y = {0, 2}; cross distances 0, 2, 1, 1 → med 1,
	// γ = 1/2: k(x) = e^{−1/2}, k(y) = e^{−2}, cross sum 1 + e^{−2} + 2e^{−1/2}.
	want := math.Exp(-0.5) + math.Exp(-2) - (1+math.Exp(-2)+2*math.Exp(-0.5))/2
	if got := MMD2([]float64{0, 1}, []float64{0, 2}, 1); math.Abs(got-want) > 1e-15 {
		t.Errorf("1-D hand case: %v, want %v", got, want)
	}
	// All points equal: the median is 0 and the kernel degenerates to the indicator.
	if got := MMD2([]float64{1, 1, 1}, []float64{1, 1}, 1); got != 0 {
		t.Errorf("identical points: MMD2 = %v, want 0", got)
	}
	if !math.IsNaN(MMD2([]float64{math.NaN(), 0}, []float64{1, 2}, 1)) {
		t.Error("NaN input must give NaN")
	}
}

func TestMedianRadixSelectMatchesSort(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test: minutes under emulation (-short); runs natively")
	}
	r := rand.New(rand.NewPCG(6, 6))
	for trial := 0; trial < 40; trial++ {
		n, m := 1+r.IntN(60), 1+r.IntN(60)
		if trial >= 30 { // beyond smallMedian: the radix path
			n, m = 250+r.IntN(100), 270+r.IntN(100)
		}
		x, y := make([]float64, 2*n), make([]float64, 2*m)
		for i := range x {
			x[i] = float64(r.IntN(5)) // integer points: many tied distances
			if trial%2 == 1 {
				x[i] = r.NormFloat64() * math.Pow(10, float64(r.IntN(7)-3))
			}
		}
		for i := range y {
			y[i] = float64(r.IntN(5))
			if trial%2 == 1 {
				y[i] = r.NormFloat64()
			}
		}
		var d2 []float64
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				d2 = append(d2, math.Sqrt(sqDist(x[2*i:2*i+2], y[2*j:2*j+2])))
			}
		}
		slices.Sort(d2)
		med := (d2[(len(d2)-1)/2] + d2[len(d2)/2]) / 2
		if got := medianCrossSq(x, y, 2); got != med*med {
			t.Fatalf("trial %d (%d×%d): median² %v, sort gives %v", trial, n, m, got, med*med)
		}
	}
}

func TestQuickselect(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for trial := 0; trial < 100; trial++ {
		a := make([]float64, 1+r.IntN(200))
		for i := range a {
			a[i] = float64(r.IntN(10))
		}
		s := slices.Sorted(slices.Values(a))
		k := r.IntN(len(a))
		if got := quickselect(a, k); got != s[k] {
			t.Fatalf("k = %d: got %v, want %v", k, got, s[k])
		}
		for i := range a {
			if (i < k && a[i] > s[k]) || (i > k && a[i] < s[k]) {
				t.Fatalf("not partitioned around %d", k)
			}
		}
	}
}

// Under equal distributions the unbiased MMD² has mean 0. R replicate pairs estimate its
// sd; the mean over replicates must be within 4 sd/√R of 0. (The biased V-statistic would
// sit about (2/n)(1 − E k) ≈ (2/300)(1 − 1/1.72) ≈ 2.8e−3 above 0 — for 2-D standard
// normals |x−y|² ~ Exp(mean 4) and γ = 1/(4·2 ln 2) — about 7 of those standard errors.)
func TestMMD2NullUnbiased(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test: minutes under emulation (-short); runs natively")
	}
	r := rand.New(rand.NewPCG(8, 8))
	const R, n = 30, 300
	vals := make([]float64, R)
	for i := range vals {
		vals[i] = MMD2(normals(r, n, 0, 0), normals(r, n, 0, 0), 2)
	}
	mean, sd := meanSD(vals)
	if se := sd / math.Sqrt(R); math.Abs(mean) > 4*se {
		t.Errorf("null MMD² mean %.2e, sd of the mean %.2e", mean, se)
	}
	// Different distributions must stand far above the null spread.
	alt := MMD2(normals(r, n, 0, 0), normals(r, n, 1, 0), 2)
	if alt < mean+10*sd {
		t.Errorf("shift by 1: MMD² %.4f is not clearly above the null (%.2e ± %.2e)", alt, mean, sd)
	}
	t.Logf("null MMD² (n = %d): mean %.2e, sd %.2e; shifted by 1: %.4f", n, mean, sd, alt)
}

func TestMMD2Symmetric(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test: minutes under emulation (-short); runs natively")
	}
	r := rand.New(rand.NewPCG(9, 9))
	x, y := normals(r, 400, 0, 0), normals(r, 333, 0.5, 0)
	a, b := MMD2(x, y, 2), MMD2(y, x, 2)
	if math.Abs(a-b) > 1e-12*math.Abs(a) {
		t.Errorf("MMD2(x,y) = %v, MMD2(y,x) = %v", a, b)
	}
	if c := MMD2(x, y, 2); c != a {
		t.Errorf("not deterministic: %v vs %v", a, c)
	}
}

func meanSD(v []float64) (float64, float64) {
	m := 0.0
	for _, x := range v {
		m += x / float64(len(v))
	}
	s := 0.0
	for _, x := range v {
		s += (x - m) * (x - m) / float64(len(v)-1)
	}
	return m, math.Sqrt(s)
}

// The paper-sized evaluation: 5000 model samples vs 5000 ground-truth samples.
func BenchmarkMMD2_5000(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x, y := normals(r, 5000, 0, 0), normals(r, 5000, 0.2, 0)
	for b.Loop() {
		MMD2(x, y, 2)
	}
}

// The default profile's evaluation: 600 model samples vs 3000 ground-truth samples.
func BenchmarkMMD2Default(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x, y := normals(r, 600, 0, 0), normals(r, 3000, 0.2, 0)
	for b.Loop() {
		MMD2(x, y, 2)
	}
}

func BenchmarkSW2Default(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x, y := normals(r, 600, 0, 0), normals(r, 3000, 0.2, 0)
	for b.Loop() {
		SW2(x, y, 2, 2000, r)
	}
}

func BenchmarkSW2_5000(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x, y := normals(r, 5000, 0, 0), normals(r, 5000, 0.2, 0)
	for b.Loop() {
		SW2(x, y, 2, 2000, r)
	}
}

// TestSortFloatsPaths: evenly spread data takes the bucket path, outliers, infinities,
// subnormal ranges and all-equal values the radix fallback; every path gives exactly the
// bits of the radix sort (−0 before +0) and the order of slices.Sort.
func TestSortFloatsPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	normal := func(n int) []float64 {
		a := make([]float64, n)
		for i := range a {
			a[i] = r.NormFloat64() * 3
		}
		return a
	}
	withZeros := normal(700)
	for i := 0; i < 40; i++ {
		withZeros[r.IntN(700)] = math.Copysign(0, float64(i%2*2-1))
	}
	outlier := normal(1000)
	outlier[17] = 1e12
	inf := normal(300)
	inf[5] = math.Inf(-1)
	sub := make([]float64, 200)
	for i := range sub {
		sub[i] = float64(r.IntN(50)) * math.SmallestNonzeroFloat64
	}
	equal := make([]float64, 100)
	for i := range equal {
		equal[i] = math.Copysign(0, float64(i%3-1))
	}
	for _, c := range []struct {
		name   string
		a      []float64
		bucket bool
	}{
		{"normal 600", normal(600), true},
		{"normal 3000", normal(3000), true},
		{"normal with ±0", withZeros, true},
		{"one outlier", outlier, false},
		{"infinity", inf, false},
		{"subnormal range", sub, false},
		{"all ±0", equal, false},
	} {
		n := len(c.a)
		want := slices.Clone(c.a)
		radixSort(want, make([]uint64, 2*n))
		if !slices.IsSorted(want) {
			t.Fatalf("%s: radix sort out of order", c.name)
		}
		got := slices.Clone(c.a)
		if took := bucketSort(got, make([]uint64, 2*n)); took != c.bucket {
			t.Errorf("%s: bucket path taken = %v, want %v", c.name, took, c.bucket)
		} else if !took && !slices.Equal(got, c.a) {
			t.Errorf("%s: declined bucket sort changed its input", c.name)
		}
		got = slices.Clone(c.a)
		sortFloats(got, make([]uint64, 2*n))
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("%s: position %d has %v, radix sort %v", c.name, i, got[i], want[i])
			}
		}
	}
}

func TestSortFloats(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64}
	for _, n := range []int{0, 1, 5, 63, 64, 65, 1000, 5000} {
		a := make([]float64, n)
		for i := range a {
			switch r.IntN(4) {
			case 0:
				a[i] = special[r.IntN(len(special))]
			case 1:
				a[i] = float64(r.IntN(7) - 3) // ties
			default:
				a[i] = r.NormFloat64() * math.Pow(10, float64(r.IntN(20)-10))
			}
		}
		want := slices.Clone(a)
		slices.Sort(want)
		sortFloats(a, make([]uint64, 2*n))
		for i := range a {
			if a[i] != want[i] {
				t.Fatalf("n = %d: position %d has %v, want %v", n, i, a[i], want[i])
			}
		}
	}
	// Same-exponent data (all bytes but the low ones equal) exercises the pass skipping.
	a := []float64{}
	for i := 0; i < 500; i++ {
		a = append(a, 1+float64(r.IntN(1000))*0x1p-52)
	}
	want := slices.Sorted(slices.Values(a))
	sortFloats(a, make([]uint64, 1000))
	if !slices.Equal(a, want) {
		t.Fatal("same-exponent data not sorted")
	}
}

// BenchmarkSortProjections: SW2's sort at the default profile's sizes (600 model and 3000
// ground-truth points per direction); ns/value is the figure to compare. It cycles through
// 64 different inputs, as SW2's directions do: sorting one input over and over lets the
// branch predictor learn its comparisons and reads several times faster than SW2 sorts.
func BenchmarkSortProjections(b *testing.B) {
	for _, n := range []int{600, 3000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			src := make([][]float64, 64)
			for i := range src {
				src[i] = normals(r, n, 0, 0)[:n]
			}
			a, buf := make([]float64, n), make([]uint64, 2*n)
			i := 0
			for b.Loop() {
				copy(a, src[i%len(src)])
				sortFloats(a, buf)
				i++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/value")
		})
	}
}
