package room

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// On labelled true samples of every source of every setting the classifier reads the
// right class (≥ 99%; misreading needs the noise to carry a sample past the half-way plane,
// probability Φ̄(Δ/(2σ0)) < 1e−70) and flags at most 1%. The built-in rooms have
// ErrorBound ≈ 1e−19, so among the 36 000 samples here the expected number flagged is
// below 1e−14: any flagged sample fails the test. Count must agree with Classify sample by
// sample (same nearest template, same rule).
func TestClassifierOnSourceSamples(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	const n = 2000
	total, flagged := 0, 0
	for _, st := range settings() {
		cl, err := NewClassifier(st.spec)
		if err != nil {
			t.Fatal(err)
		}
		if b := cl.ErrorBound(); !(b < 1e-15) {
			t.Fatalf("%s: error bound %.3g; the built-in rooms have ~1e-19", st.name, b)
		}
		for a, g := range mixtures(t, st.spec, st.src) {
			x, label := labelled(st.spec, g, n, r)
			right, invalid, tally := readAll(t, cl, x, label, g.Dim())
			if right < n*99/100 || invalid > n/100 {
				t.Errorf("%s source %d: %d of %d read right, %d invalid; want ≥ 99%% right and ≤ 1%% invalid", st.name, a, right, n, invalid)
			}
			if counts, err := cl.Count(x); err != nil || !equalCounts(counts, tally) {
				t.Errorf("%s source %d: Count %v (%v), Classify %v", st.name, a, counts, err, tally)
			}
			total += n
			flagged += invalid
		}
	}
	if flagged > 0 {
		t.Errorf("%d of %d true samples flagged; the error bound expects none", flagged, total)
	}
}

// readAll classifies every row of x one by one: how many are read as their label, how many
// are invalid, and the tally Count must reproduce.
func readAll(t *testing.T, cl *Classifier, x []float64, label []int, d int) (right, invalid int, tally Counts) {
	t.Helper()
	tally = Counts{Class: make([]int, cl.nc)}
	for i := range label {
		c, ok := cl.Classify(x[i*d : (i+1)*d])
		if c == label[i] && ok {
			right++
		}
		if !ok {
			invalid++
			tally.Invalid++
		} else {
			tally.Class[c]++
		}
	}
	return right, invalid, tally
}

func equalCounts(a, b Counts) bool {
	if a.Invalid != b.Invalid || len(a.Class) != len(b.Class) {
		return false
	}
	for c := range a.Class {
		if a.Class[c] != b.Class[c] {
			return false
		}
	}
	return true
}

// Grain does not make a clear room invalid: templates with pixel noise ρ·σ0, ρ = 3 (the
// grain of an imperfect sampler or model), are flagged at a rate within the rule's own
// bound at that noise, Σ_j Φ̄(Δ_kj/(4ρσ0)) averaged over the templates drawn (a union
// bound, so the count is at most Binomial(n, bound): within n·bound + 4·sqrt(n·bound) + 1),
// and read right otherwise; a χ²_d test calibrated on true samples would flag every one of
// them (|x − μ|²/σ0² ≈ 9d against a threshold near 1.3d).
func TestClassifierToleratesGrain(t *testing.T) {
	const rho, n = 3.0, 2000
	r := rand.New(rand.NewPCG(6, 6))
	for _, s := range []Spec{PaintingRoom(), TableRoom()} {
		cl, err := NewClassifier(s)
		if err != nil {
			t.Fatal(err)
		}
		means, class := Templates(s)
		d := s.Height * s.Width
		x := make([]float64, 0, n*d)
		label := make([]int, n)
		bound := 0.0
		for i := range label {
			k := r.IntN(len(means))
			for _, m := range means[k] {
				x = append(x, m+rho*s.Noise*r.NormFloat64())
			}
			label[i] = class[k]
			for j := range means {
				if j != k {
					bound += normalTail(math.Sqrt(sq(means[k], means[j]))/(4*rho*s.Noise)) / n
				}
			}
		}
		right, invalid, _ := readAll(t, cl, x, label, d)
		allow := n*bound + 4*math.Sqrt(n*bound) + 1
		if float64(invalid) > allow || right < n-invalid-n/100 {
			t.Errorf("%s, grain %gσ0: %d of %d flagged (bound allows %.1f), %d read right", s.Objects[1].Name, rho, invalid, n, allow, right)
		}
		t.Logf("%s, grain %gσ0: %d of %d flagged (mean bound %.3g), %d read right", s.Objects[1].Name, rho, invalid, n, bound, right)
	}
}

// flagged checks that a corrupted image x0 (noise-free) is invalid in every one of 20
// noisy draws x0 + σ0·z, and returns how many noise standard deviations rule (i) has to
// spare on x0: the largest over j of (½Δ_1j² − (|x0 − μ_j|² − |x0 − μ_1|²))/(2σ0Δ_1j)
// (the noise moves that difference by 2σ0·z·Δ_1j), +Inf when rule (ii) flags x0.
func flagged(t *testing.T, what string, s Spec, cl *Classifier, x0 []float64, r *rand.Rand) float64 {
	t.Helper()
	x := make([]float64, len(x0))
	for draw := 0; draw < 20; draw++ {
		for j, v := range x0 {
			x[j] = v + s.Noise*r.NormFloat64()
		}
		if c, ok := cl.Classify(x); ok {
			t.Errorf("%s: read as a valid %s", what, ClassName(s, c))
			return 0
		}
	}
	means, _ := Templates(s)
	near := 0
	for k := range means {
		if sq(x0, means[k]) < sq(x0, means[near]) {
			near = k
		}
	}
	if sq(x0, means[near]) > float64(len(x0))*MaxResidualRMS*MaxResidualRMS {
		return math.Inf(1)
	}
	z := math.Inf(-1)
	for j := range means {
		if j != near {
			gap := sq(means[near], means[j])
			z = math.Max(z, (gap/2-(sq(x0, means[j])-sq(x0, means[near])))/(2*s.Noise*math.Sqrt(gap)))
		}
	}
	return z
}

func sq(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += (v - b[i]) * (v - b[i])
	}
	return s
}

// Warped rooms are flagged: the blend ½(μ_j + μ_k) of any two templates (a ghost of two
// rooms), every object half drawn (the right half of its pixels left as background), a
// diverged sample (template plus noise of RMS 2, beyond rule (ii)) and a black image; each
// blend and half-drawn object with at least 3.09 noise standard deviations to spare, so
// that it is read as a room with probability below Φ̄(3.09) = MaxFlagRate. A faint
// ghost 0.95·μ_j + 0.05·μ_k is read as μ_j's class (the picture a person would see).
func TestClassifierFlagsWarpedRooms(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for _, s := range []Spec{PaintingRoom(), TableRoom()} {
		cl, err := NewClassifier(s)
		if err != nil {
			t.Fatal(err)
		}
		means, class := Templates(s)
		room := s.Objects[1].Name + " room"
		minZ := math.Inf(1)
		mid := make([]float64, len(means[0]))
		for j := range means {
			for k := j + 1; k < len(means); k++ {
				for p := range mid {
					mid[p] = (means[j][p] + means[k][p]) / 2
				}
				minZ = math.Min(minZ, flagged(t, room+": blend", s, cl, mid, r))
				x := make([]float64, len(mid))
				for p := range x {
					x[p] = 0.95*means[j][p] + 0.05*means[k][p] + s.Noise*r.NormFloat64()
				}
				if c, ok := cl.Classify(x); c != class[j] || !ok {
					t.Errorf("%s: faint ghost of template %d over %d read as %s (valid %v), want %s", room, k, j, ClassName(s, c), ok, ClassName(s, class[j]))
				}
			}
		}
		for _, st := range TemplateStates(s) {
			for i, p := range st {
				if p >= 0 {
					minZ = math.Min(minZ, flagged(t, room+": half-drawn "+s.Objects[i].Name, s, cl, halfDrawn(s, st, i), r))
				}
			}
		}
		if want := -distuv.UnitNormal.Quantile(MaxFlagRate); minZ < want {
			t.Errorf("%s: a blend or half-drawn object has only %.2f noise sd to spare; want ≥ %.2f", room, minZ, want)
		}
		far := make([]float64, len(means[0]))
		black := make([]float64, len(means[0]))
		for p := range far {
			far[p] = means[0][p] + 2*r.NormFloat64()
			black[p] = -1
		}
		flagged(t, room+": diverged sample", s, cl, far, r)
		flagged(t, room+": black image", s, cl, black, r)
		t.Logf("%s: every blend and half-drawn object is flagged with ≥ %.1f noise sd to spare", room, minZ)
	}
}

// halfDrawn is the template of state st with object i drawn on the left half of its
// columns only (the right half shows what lies behind it).
func halfDrawn(s Spec, st []int, i int) []float64 {
	full := Draw(s, st)
	without := append([]int(nil), st...)
	without[i] = -1
	behind := Draw(s, without)
	_, c0, _, c1 := s.Objects[i].bounds()
	cut := s.Objects[i].Placements[st[i]][1] + (c0+c1+1)/2
	reg := make([]bool, len(full))
	s.Objects[i].paint(s, s.Objects[i].Placements[st[i]], func(px int, _ float64) { reg[px] = true })
	for px := range full {
		if reg[px] && px%s.Width >= cut {
			full[px] = behind[px]
		}
	}
	return full
}

// ErrorBound holds where it is not negligible: the table room at σ0 = 0.6 (Δ_min ≈ 6σ0,
// bound ≈ 0.5 > MaxFlagRate) flags its true samples at a rate at most the bound (a union
// bound: the count is then at most Binomial(n, bound), within n·bound + 4 sd).
func TestErrorBoundAtLargeNoise(t *testing.T) {
	s := TableRoom()
	s.Noise = 0.6
	cl, err := NewClassifier(s)
	if err != nil {
		t.Fatal(err)
	}
	b := cl.ErrorBound()
	if !(b > MaxFlagRate && b < 1) {
		t.Fatalf("bound %.3g; this test wants one in (MaxFlagRate, 1)", b)
	}
	g := mixtures(t, s, ReleasedID(ReleasedAlpha))[2] // P0: every class
	const n = 2000
	x, label := labelled(s, g, n, rand.New(rand.NewPCG(9, 9)))
	_, invalid, _ := readAll(t, cl, x, label, g.Dim())
	if allow := n*b + 4*math.Sqrt(n*b*(1-b)); float64(invalid) > allow {
		t.Errorf("σ0 = 0.6: %d of %d true samples flagged; the bound %.3g allows %.0f", invalid, n, b, allow)
	}
	t.Logf("σ0 = 0.6: %d of %d flagged, error bound %.3g", invalid, n, b)
}

// Shares and TV follow their definitions; Count refuses a ragged batch.
func TestSharesTV(t *testing.T) {
	cl, err := NewClassifier(PaintingRoom())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Count(make([]float64, 300)); err == nil || !contains(err.Error(), "300 values are not rows of 256 pixels") {
		t.Errorf("ragged batch: error %v", err)
	}
	sh := Shares(Counts{Class: []int{1, 2, 3, 2}, Invalid: 2})
	if !close(sh, []float64{0.1, 0.2, 0.3, 0.2, 0.2}, 1e-15) {
		t.Errorf("shares %v", sh)
	}
	// ½(|0.1−0| + |0.2−0.25| + |0.3−0.25| + |0.2−0.5| + 0.2) = 0.35
	tv, err := TotalVariation(sh, []float64{0, 0.25, 0.25, 0.5})
	if err != nil || math.Abs(tv-0.35) > 1e-15 {
		t.Errorf("TV %v (%v), want 0.35", tv, err)
	}
	if _, err := TotalVariation(sh, []float64{1}); err == nil {
		t.Error("TV of mismatched lengths must fail")
	}
}
