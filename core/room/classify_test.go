package room

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// On labelled true samples of every source of every setting the classifier reads the
// right class (≥ 99%; misreading needs the noise to carry a sample past the half-way plane,
// probability Φ̄(Δ/(2σ0)) < 1e−70) and flags at most 1%. Flagging is calibrated: each
// sample is flagged with probability p (up to that same 1e−70), so the flagged count over
// all n samples is Binomial(n, p): within np ± 4·sqrt(np) (normal approximation, np = 36).
// Count must agree with Classify sample by sample (same nearest template).
func TestClassifierOnSourceSamples(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	const n = 2000
	total, flagged := 0, 0
	for _, st := range settings() {
		cl, err := NewClassifier(st.spec, DefaultFlagRate)
		if err != nil {
			t.Fatal(err)
		}
		for a, g := range mixtures(t, st.spec, st.src) {
			x, label := labelled(st.spec, g, n, r)
			d := g.Dim()
			right, invalid := 0, 0
			tally := Counts{Class: make([]int, NumClasses(st.spec))}
			for i := 0; i < n; i++ {
				c, ok := cl.Classify(x[i*d : (i+1)*d])
				if c == label[i] {
					right++
				}
				if !ok {
					invalid++
					tally.Invalid++
				} else {
					tally.Class[c]++
				}
			}
			counts, err := cl.Count(x)
			if err != nil {
				t.Fatal(err)
			}
			if !equalCounts(counts, tally) {
				t.Errorf("%s source %d: Count %v, Classify %v", st.name, a, counts, tally)
			}
			if right < n*99/100 || invalid > n/100 {
				t.Errorf("%s source %d: %d of %d read right, %d invalid; want ≥ 99%% right and ≤ 1%% invalid", st.name, a, right, n, invalid)
			}
			total += n
			flagged += invalid
		}
	}
	mean := float64(total) * DefaultFlagRate
	if math.Abs(float64(flagged)-mean) > 4*math.Sqrt(mean) {
		t.Errorf("%d of %d true samples flagged; Binomial(n, p) expects %.0f ± %.0f", flagged, total, mean, 4*math.Sqrt(mean))
	}
	t.Logf("%d of %d true source samples flagged invalid (p = %g: expected %.0f)", flagged, total, DefaultFlagRate, mean)
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

// corrupted checks a corrupted image x0 (noise-free) of the room: its squared distance to
// the nearest template, m2 = min_k |x0 − μ_k|²/σ0², must make x0 + σ0·z invalid with a
// margin of 5 standard deviations (|x0 − μ + σ0 z|²/σ0² has mean m2 + d, variance 2d + 4·m2),
// and three noisy draws must be flagged.
func corrupted(t *testing.T, what string, s Spec, cl *Classifier, x0 []float64, r *rand.Rand) float64 {
	t.Helper()
	means, _ := Templates(s)
	d := float64(len(x0))
	m2 := math.Inf(1)
	for _, m := range means {
		m2 = math.Min(m2, sq(x0, m)/(s.Noise*s.Noise))
	}
	q := cl.Threshold() / (s.Noise * s.Noise)
	z := (m2 + d - q) / math.Sqrt(2*d+4*m2)
	if z < 5 {
		t.Errorf("%s: nearest template only %.1fσ0² away (%.1f sd beyond the threshold); the room cannot flag it reliably", what, m2, z)
	}
	x := make([]float64, len(x0))
	for draw := 0; draw < 3; draw++ {
		for j, v := range x0 {
			x[j] = v + s.Noise*r.NormFloat64()
		}
		if c, ok := cl.Classify(x); ok {
			t.Errorf("%s: read as a valid %s", what, ClassName(s, c))
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
// rooms), every object half drawn (the right half of its pixels left as background), and
// an object one column off its placements. A faint ghost 0.95·μ_j + 0.05·μ_k is read as
// μ_j's class (the picture a person would see).
func TestClassifierFlagsWarpedRooms(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for _, s := range []Spec{PaintingRoom(), TableRoom()} {
		cl, err := NewClassifier(s, DefaultFlagRate)
		if err != nil {
			t.Fatal(err)
		}
		means, class := Templates(s)
		states := TemplateStates(s)
		room := s.Objects[1].Name + " room"
		minZ := math.Inf(1)
		mid := make([]float64, len(means[0]))
		for j := range means {
			for k := j + 1; k < len(means); k++ {
				for p := range mid {
					mid[p] = (means[j][p] + means[k][p]) / 2
				}
				minZ = math.Min(minZ, corrupted(t, room+": blend", s, cl, mid, r))
				x := make([]float64, len(mid))
				for p := range x {
					x[p] = 0.95*means[j][p] + 0.05*means[k][p] + s.Noise*r.NormFloat64()
				}
				if c, _ := cl.Classify(x); c != class[j] {
					t.Errorf("%s: faint ghost of template %d over %d read as %s, want %s", room, k, j, ClassName(s, c), ClassName(s, class[j]))
				}
			}
		}
		for _, st := range states {
			for i, p := range st {
				if p < 0 {
					continue
				}
				minZ = math.Min(minZ, corrupted(t, room+": half-drawn "+s.Objects[i].Name, s, cl, halfDrawn(s, st, i), r))
			}
			if st[0] >= 0 { // the couch one column right of its placement
				off := s
				off.Objects = append([]Object(nil), s.Objects...)
				off.Objects[0].Placements = append([][2]int(nil), s.Objects[0].Placements...)
				off.Objects[0].Placements[st[0]][1]++
				minZ = math.Min(minZ, corrupted(t, room+": couch off its place", s, cl, Draw(off, st), r))
			}
		}
		delta, _, _ := MinSeparation(s)
		if bm := cl.BlendMargin(delta); bm < 5 {
			t.Errorf("%s: BlendMargin(MinSeparation) = %.3g sd; want ≥ 5", room, bm)
		}
		t.Logf("%s: every warped room is at least %.1f sd beyond the invalid threshold (BlendMargin(Δ) = %.2f)", room, minZ, cl.BlendMargin(delta))
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

// The threshold is σ0² times the χ²_d quantile; shares and TV follow their definitions.
func TestThresholdSharesTV(t *testing.T) {
	s := PaintingRoom()
	cl, err := NewClassifier(s, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	q := distuv.ChiSquared{K: 256}.Quantile(0.99)
	if math.Abs(cl.Threshold()-0.01*q) > 1e-12 {
		t.Errorf("threshold %v, want σ0²·q = %v", cl.Threshold(), 0.01*q)
	}
	if _, err := NewClassifier(s, 0); err == nil || !contains(err.Error(), "flag rate p = 0") {
		t.Errorf("p = 0: error %v", err)
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
