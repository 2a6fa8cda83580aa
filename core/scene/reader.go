package scene

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// InvalidLevel is the reader's default p. A slot is invalid when its squared residual to
// the nearest template exceeds both σ0²·χ²_P(1 − p/S) and (δ/2)², δ the least distance
// between two cell templates. In a true scene the correct template's residual is
// σ0²·χ²_P and the nearest one's is no larger, so a slot is flagged with probability
// ≤ p/S and a scene with any flagged slot with probability ≤ p = 0.5% (union bound), half
// the 1% the study allows. Within δ/2 of a template the nearest template is unambiguous,
// so a generated scene whose pixels are noisier than σ0 (learned scores) but whose
// content is clear is read, not flagged; a blend between templates is still flagged.
const InvalidLevel = 0.005

// Reader reads scenes back into configurations: per slot the nearest of {empty, object
// 1…T} by the squared distance of the slot's pixels.
type Reader struct {
	sp        Spec
	threshold float64 // squared-residual threshold per slot
}

// NewReader returns a reader with the invalid level p (InvalidLevel is the default).
func NewReader(sp Spec, p float64) (*Reader, error) {
	if err := sp.Validate(); err != nil {
		return nil, err
	}
	if !(p > 0 && p < 1) {
		return nil, fmt.Errorf("scene reader: invalid level p = %v; it must lie in (0, 1), e.g. %g", p, InvalidLevel)
	}
	q := distuv.ChiSquared{K: float64(sp.Cell)}.Quantile(1 - p/float64(sp.Slots))
	half := math.Inf(1)
	for a := 0; a < sp.Kinds(); a++ {
		for b := a + 1; b < sp.Kinds(); b++ {
			half = math.Min(half, norm(sub(sp.Template(a), sp.Template(b)))/2)
		}
	}
	return &Reader{sp: sp, threshold: math.Max(sp.Noise*sp.Noise*q, half*half)}, nil
}

// Threshold is the per-slot squared-residual threshold max(σ0²·χ²_P(1 − p/S), (δ/2)²).
func (rd *Reader) Threshold() float64 { return rd.threshold }

// Readings are the reader's verdicts on n scenes.
type Readings struct {
	Slots   int
	Content []int  // n×S: per slot the nearest content, 0 empty, o = 1…T object o
	Valid   []bool // per scene: every slot within the threshold
	Count   []int  // per scene: slots holding an object
	// Resid is per scene the sum over slots of the squared residual to the nearest
	// template: σ0²·χ²_{S·P} for a true scene.
	Resid []float64
	unit  float64 // E[Resid] of a true scene, S·P·σ0² (0 when unknown)
}

// N is the number of scenes read.
func (r Readings) N() int { return len(r.Valid) }

// Scene is the slot contents of scene i (aliases Content).
func (r Readings) Scene(i int) []int { return r.Content[i*r.Slots : (i+1)*r.Slots] }

// Read reads the n = len(x)/(S·P) scenes of x (row-major).
func (rd *Reader) Read(x []float64) Readings {
	sp := rd.sp
	d, P, K := sp.Dim(), sp.Cell, sp.Kinds()
	n := len(x) / d
	out := Readings{Slots: sp.Slots, Content: make([]int, n*sp.Slots), Valid: make([]bool, n), Count: make([]int, n), Resid: make([]float64, n),
		unit: float64(d) * sp.Noise * sp.Noise}
	tmpl := make([][]float64, K)
	for k := range tmpl {
		tmpl[k] = sp.Template(k)
	}
	for i := 0; i < n; i++ {
		valid := true
		for s := 0; s < sp.Slots; s++ {
			cell := x[i*d+s*P : i*d+(s+1)*P]
			best, bestK := 0.0, -1
			for k, t := range tmpl {
				r2 := 0.0
				for j, v := range cell {
					e := v - t[j]
					r2 += e * e
				}
				if bestK < 0 || r2 < best {
					best, bestK = r2, k
				}
			}
			out.Content[i*sp.Slots+s] = bestK
			if bestK != 0 {
				out.Count[i]++
			}
			valid = valid && best <= rd.threshold
			out.Resid[i] += best
		}
		out.Valid[i] = valid
	}
	return out
}

// Elsewhere says what "exact" demands of the slots that were not requested.
type Elsewhere int

const (
	// ElsewhereEmpty: nothing elsewhere (empty and data backgrounds: exactly k objects).
	ElsewhereEmpty Elsewhere = iota
	// ElsewhereFree: anything elsewhere (a cluttered background keeps its clutter).
	ElsewhereFree
)

// ElsewhereFor is the rule a background demands: ElsewhereFree when its slots are
// independent and some slot may hold an object (a cluttered background), else
// ElsewhereEmpty (the empty scene, and data laws, whose composition should hold exactly
// the requested objects).
func ElsewhereFor(pb Law) Elsewhere {
	parts := make([][]int, pb.Slots)
	laws := make([]Law, pb.Slots)
	occupied := false
	for s := range parts {
		parts[s], laws[s] = []int{s}, pb
	}
	for _, o := range pb.Occupancy() {
		occupied = occupied || o > 0
	}
	if _, ok := equalsProduct(pb, parts, laws); ok && occupied {
		return ElsewhereFree
	}
	return ElsewhereEmpty
}

// Summary condenses readings against a request.
type Summary struct {
	N     int
	Exact float64 // share of all scenes that are valid and hold exactly what was asked
	// Content is the share of all scenes whose nearest templates hold exactly what was
	// asked, valid or not: Exact without the noise test, which tells a scene with the right
	// objects drawn too noisily from one with the wrong objects.
	Content   float64
	Invalid   float64   // share of scenes with an invalid slot
	Counts    []float64 // object-count distribution 0…S of the valid scenes
	Occupancy []float64 // per slot, share of the valid scenes with an object there
	// Noise is the mean squared residual per pixel of the valid scenes over σ0²: 1 for
	// true scenes, above 1 for scenes noisier than the data (NaN without valid scenes).
	Noise float64
}

// Matches reports whether scene i holds the wanted objects in the wanted slots (Object 0:
// any object) and, for ElsewhereEmpty, nothing in the other slots.
func (r Readings) Matches(i int, wants []Want, elsewhere Elsewhere) bool {
	sc := r.Scene(i)
	if !satisfies(sc, wants) {
		return false
	}
	if elsewhere == ElsewhereFree {
		return true
	}
	asked := make([]bool, r.Slots)
	for _, w := range wants {
		asked[w.Slot] = true
	}
	for s, k := range sc {
		if !asked[s] && k != 0 {
			return false
		}
	}
	return true
}

// Summarize computes the summary of the readings for the request wants.
func (r Readings) Summarize(wants []Want, elsewhere Elsewhere) Summary {
	n := r.N()
	sm := Summary{N: n, Counts: make([]float64, r.Slots+1), Occupancy: make([]float64, r.Slots)}
	valid, resid := 0, 0.0
	for i := 0; i < n; i++ {
		match := r.Matches(i, wants, elsewhere)
		if match {
			sm.Content++
		}
		if !r.Valid[i] {
			sm.Invalid++
			continue
		}
		valid++
		if r.Resid != nil {
			resid += r.Resid[i]
		}
		sm.Counts[r.Count[i]]++
		for s, k := range r.Scene(i) {
			if k != 0 {
				sm.Occupancy[s]++
			}
		}
		if match {
			sm.Exact++
		}
	}
	if n > 0 {
		sm.Exact /= float64(n)
		sm.Content /= float64(n)
		sm.Invalid /= float64(n)
	}
	sm.Noise = math.NaN()
	if valid > 0 && r.unit > 0 {
		sm.Noise = resid / float64(valid) / r.unit
	}
	if valid > 0 {
		for j := range sm.Counts {
			sm.Counts[j] /= float64(valid)
		}
		for s := range sm.Occupancy {
			sm.Occupancy[s] /= float64(valid)
		}
	}
	return sm
}

// ConfigCounts tallies the valid scenes by configuration index (len (T+1)^S), for χ² tests
// against a Law.
func (r Readings) ConfigCounts(kinds int) []float64 {
	out := make([]float64, ipow(kinds, r.Slots))
	for i := 0; i < r.N(); i++ {
		if r.Valid[i] {
			out[index(r.Scene(i), kinds)]++
		}
	}
	return out
}
