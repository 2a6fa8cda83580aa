package room

import (
	"math"
	"testing"

	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/truth"
)

// The closed forms derived in weights.go.
func TestTargetClassWeightsClosedForms(t *testing.T) {
	a, b, g := ReleasedAlpha, ReleasedBeta, ProductGamma
	z := 1 - 3*b
	oodSum := b*b/z + 2*z + b
	for _, c := range []struct {
		name string
		src  Sources
		want []float64
	}{
		{"released ID", ReleasedID(a), []float64{4 * a * a, 4 * a * (0.5 - a), 4 * a * (0.5 - a), 4 * (0.5 - a) * (0.5 - a)}},
		{"released OOD", ReleasedOOD(b), []float64{b * b / z / oodSum, z / oodSum, z / oodSum, b / oodSum}},
		{"product OOD", ProductOOD(g), []float64{g * g, g * (1 - g), g * (1 - g), (1 - g) * (1 - g)}},
	} {
		got, err := TargetClassWeights(c.src.List(), BaseWeights())
		if err != nil {
			t.Fatal(err)
		}
		for k := range got {
			if math.Abs(got[k]-c.want[k]) > 1e-14 {
				t.Errorf("%s class %d: %v, want %v", c.name, k, got[k], c.want[k])
			}
		}
		t.Logf("%s target class weights (empty, couch, x, couch+x): %.6g", c.name, got)
	}
	ood, _ := TargetClassWeights(ReleasedOOD(b).List(), BaseWeights())
	if ood[3] > 0.01 || math.Abs(ood[3]-b/(2*z))/ood[3] > 0.02 {
		t.Errorf("released OOD couch+x weight %v; the derivation says ≈ β/(2(1−3β)) = %v", ood[3], b/(2*z))
	}
	for _, src := range []Sources{ReleasedOOD(b), ProductOOD(g)} {
		for _, w := range src.List() {
			if w[3] >= 0.05 {
				t.Errorf("couch+x has weight %v ≥ 5%% in a source of an OOD setting %v", w[3], src)
			}
		}
	}
}

func TestTargetClassWeightsZerosAndErrors(t *testing.T) {
	w := BaseWeights()
	third := []float64{0, 1.0 / 3, 1.0 / 3, 1.0 / 3}
	for _, c := range []struct {
		name string
		src  [][]float64
	}{
		{"class missing from Pa1", [][]float64{{0, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}}},
		{"missing from Pa1 and P0", [][]float64{{0, 1, 1, 1}, {1, 1, 1, 1}, {0, 1, 1, 1}}},
	} {
		if got, err := TargetClassWeights(c.src, w); err != nil || !close(got, third, 1e-15) {
			t.Errorf("%s: %v, %v; want %v", c.name, got, err, third)
		}
	}
	if got, err := TargetClassWeights([][]float64{{1, 2, 3, 4}, {5, 5, 5, 5}}, []float64{1, 0}); err != nil || !close(got, []float64{0.1, 0.2, 0.3, 0.4}, 1e-15) {
		t.Errorf("a zero-weight source must be ignored: %v, %v", got, err)
	}
	for _, c := range []struct {
		src  [][]float64
		w    []float64
		want string
	}{
		{[][]float64{{1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 0, 1}}, w, "class 2 has weight 0 in source 2, which has the negative weight -1"},
		{[][]float64{{1, 1, 1, 1}}, []float64{1, 1}, "1 sources but 2 composition weights"},
		{[][]float64{{1, 1, 1, 1}, {1, 1, 1, 1}}, []float64{1, 1}, "sum to 2"},
		{[][]float64{{1, 1, 1}}, []float64{1}, "3 class weights"},
		{[][]float64{{1, 1, 1, 1}, {1, 1}}, []float64{2, -1}, "source 1: 2 class weights for 4 classes"},
		{[][]float64{{1, 0, 0, 0}, {0, 1, 0, 0}, {1, 1, 1, 1}}, w, "every class has weight zero"},
		{[][]float64{{1, 1, 1, 1}}, []float64{math.NaN()}, "composition weight 0 is NaN"},
		{[][]float64{{1, -1, 1, 1}}, []float64{1}, "class weight 1 is -1"},
	} {
		if _, err := TargetClassWeights(c.src, c.w); err == nil || !contains(err.Error(), c.want) {
			t.Errorf("%v %v: error %v, want one containing %q", c.src, c.w, err, c.want)
		}
	}
}

func close(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > tol {
			return false
		}
	}
	return true
}

// The exact truth (truth.Rejection: exact because the sources share their templates) read
// by nearest template must have TargetClassWeights' class shares: Pearson χ² at level
// 0.001 against the χ²_{cells−1} quantile (cells with expected count < 5 merged; the ID
// target's empty class expects 8 of 20 000, the OOD target's 0.6 of 4 000, merged).
// ShareErrorBound shows the closed form is exact to far below the sampling error here.
// The same samples check the classifier on the target: at most 1% invalid.
func TestTruthClassSharesChiSquare(t *testing.T) {
	const level = 0.001
	for _, c := range []struct {
		st setting
		n  int
	}{
		{settings()[0], 20000}, // painting-id
		{settings()[3], 20000}, // table-id
		{settings()[4], 4000},  // table-ood (acceptance ≈ 3%)
	} {
		gs := mixtures(t, c.st.spec, c.st.src)
		x, acc, err := truth.Rejection(gs[0], gs[1], gs[2], c.n, 1, rng.New(1, "room/"+c.st.name))
		if err != nil {
			t.Fatal(err)
		}
		target, err := TargetClassWeights(c.st.src.List(), BaseWeights())
		if err != nil {
			t.Fatal(err)
		}
		bound, err := ShareErrorBound(c.st.spec, c.st.src.List(), BaseWeights())
		if err != nil || !(bound < 1e-6) {
			t.Errorf("%s: share error bound %v (%v); want < 1e-6 for the built-in rooms", c.st.name, bound, err)
		}
		cl, err := NewClassifier(c.st.spec)
		if err != nil {
			t.Fatal(err)
		}
		d := gs[0].Dim()
		obs := make([]int, len(target))
		for i := 0; i < c.n; i++ {
			k, _ := cl.Classify(x[i*d : (i+1)*d])
			obs[k]++
		}
		stat, df := chi2(obs, target)
		crit := chi2Critical(df, level)
		if stat > crit {
			t.Errorf("%s: class counts %v vs target %v: χ² = %.2f > %.2f (df %d, level %g)", c.st.name, obs, target, stat, crit, df, level)
		}
		counts, err := cl.Count(x)
		if err != nil {
			t.Fatal(err)
		}
		if inv := float64(counts.Invalid) / float64(c.n); inv > 0.01 {
			t.Errorf("%s: %.2f%% of true target samples flagged invalid; at most 1%% allowed", c.st.name, 100*inv)
		}
		t.Logf("%s: acceptance %.4f, counts %v, target %.4g, χ² = %.2f (df %d, critical %.2f), invalid %d of %d, bound %.3g",
			c.st.name, acc, obs, target, stat, df, crit, counts.Invalid, c.n, bound)
	}
}

// Where ShareErrorBound is not negligible (table room, σ0 = 0.5: Δ ≈ 7σ0, bound ≈ 0.01)
// the truth's class shares still lie within it of TargetClassWeights, up to the sampling
// error of n = 20 000 samples: each share p̂_c is within 4·sqrt(p_c(1−p_c)/n) of its mean
// (normal approximation, 4 sd), so TV(p̂, p) ≤ bound + ½·Σ_c 4·sqrt(p_c(1−p_c)/n) ≈ bound
// + 0.007.
func TestShareErrorBoundHoldsAtLargeNoise(t *testing.T) {
	s := TableRoom()
	s.Noise = 0.5
	src := ReleasedID(ReleasedAlpha)
	bound, err := ShareErrorBound(s, src.List(), BaseWeights())
	if err != nil || !(bound > 1e-3 && bound < 0.05) {
		t.Fatalf("bound %v (%v); this test wants one between 1e-3 and 0.05", bound, err)
	}
	target, _ := TargetClassWeights(src.List(), BaseWeights())
	gs := mixtures(t, s, src)
	const n = 20000
	x, _, err := truth.Rejection(gs[0], gs[1], gs[2], n, 1, rng.New(2, "room/large-noise"))
	if err != nil {
		t.Fatal(err)
	}
	cl, err := NewClassifier(s)
	if err != nil {
		t.Fatal(err)
	}
	obs := make([]float64, len(target)+1) // no invalid share: classes by nearest template
	d := gs[0].Dim()
	for i := 0; i < n; i++ {
		k, _ := cl.Classify(x[i*d : (i+1)*d])
		obs[k] += 1.0 / n
	}
	allow := 0.0
	for _, p := range target {
		allow += 2 * math.Sqrt(p*(1-p)/n)
	}
	tv, _ := TotalVariation(obs, target)
	if tv > bound+allow {
		t.Errorf("truth's class shares %v are %.4g from the closed form %v in TV; bound %.4g + sampling %.4g", obs[:4], tv, target, bound, allow)
	}
	t.Logf("σ0 = 0.5: TV(truth, closed form) = %.4g, bound %.4g, sampling allowance %.4g", tv, bound, allow)
	if _, err := ShareErrorBound(s, src.List(), []float64{1, 0.5, -0.5}); err == nil || !contains(err.Error(), "lies in (0, 1)") {
		t.Errorf("weight 0.5: error %v", err)
	}
}
