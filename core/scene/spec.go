package scene

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Limits of a scene spec.
const (
	MaxSlots      = 8
	MaxObjects    = 4
	MaxComponents = 4096 // (T+1)^S: the number of configurations, hence mixture components
	// MinSeparation is the least distance between two cell templates (the empty cell
	// included), in units of σ0. A slot is misread only if the noise projected on the
	// difference of two templates exceeds half their distance, so a true scene is misread
	// with probability ≤ S·T·Φ̄(MinSeparation/2) = 32·Φ̄(4) ≈ 1.0e−3 at the largest S·T.
	MinSeparation = 8.0
)

// Spec describes a family of scenes. Pixel j of slot s is coordinate s·Cell + j of a
// scene; a cell's pixels are listed row-major when the cell is drawn as a patch (e.g. 2×2).
type Spec struct {
	Slots   int         `json:"slots" yaml:"slots"`     // S, 1…8
	Cell    int         `json:"cell" yaml:"cell"`       // P pixels per slot
	Objects [][]float64 `json:"objects" yaml:"objects"` // T templates of P pixels, T = 1…4
	Empty   float64     `json:"empty" yaml:"empty"`     // pixel level of an empty cell
	Noise   float64     `json:"noise" yaml:"noise"`     // σ0, isotropic pixel noise
}

// Default is the study's scene: S = 5 slots of 2×2 cells (P = 4) on a dark background
// (−1); object 1 is a bright square (1,1,1,1), object 2 a bright diagonal (1,−1,−1,1);
// σ0 = 0.25. The closest templates are 2√2 ≈ 11.3 σ0 apart; (T+1)^S = 243 configurations.
func Default() Spec {
	return Spec{
		Slots:   5,
		Cell:    4,
		Objects: [][]float64{{1, 1, 1, 1}, {1, -1, -1, 1}},
		Empty:   -1,
		Noise:   0.25,
	}
}

// Dim is the scene dimension S·P.
func (sp Spec) Dim() int { return sp.Slots * sp.Cell }

// Kinds is T+1, the number of contents of a slot (empty, object 1…T).
func (sp Spec) Kinds() int { return len(sp.Objects) + 1 }

// Configs is (T+1)^S, the number of configurations.
func (sp Spec) Configs() int {
	n := 1
	for s := 0; s < sp.Slots; s++ {
		n *= sp.Kinds()
	}
	return n
}

// Template returns the P pixels of content k of a cell: the empty level for k = 0, object
// k otherwise. It aliases the spec for k ≥ 1; do not modify it.
func (sp Spec) Template(k int) []float64 {
	if k == 0 {
		t := make([]float64, sp.Cell)
		for j := range t {
			t[j] = sp.Empty
		}
		return t
	}
	return sp.Objects[k-1]
}

// Validate reports every problem of the spec at once.
func (sp Spec) Validate() error {
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	if sp.Slots < 1 || sp.Slots > MaxSlots {
		bad("slots = %d; use 1…%d", sp.Slots, MaxSlots)
	}
	if sp.Cell < 1 {
		bad("cell = %d pixels; use at least 1 (e.g. 4 for a 2×2 patch)", sp.Cell)
	}
	if t := len(sp.Objects); t < 1 || t > MaxObjects {
		bad("%d object templates; give 1…%d", t, MaxObjects)
	}
	if !finite(sp.Empty) {
		bad("empty = %v; the background level must be a finite number", sp.Empty)
	}
	if !(sp.Noise > 0) || math.IsInf(sp.Noise, 0) {
		bad("noise = %v; σ0 must be a positive finite number", sp.Noise)
	}
	shapeOK := sp.Cell >= 1
	for o, t := range sp.Objects {
		if len(t) != sp.Cell {
			bad("object %d has %d pixels; every template needs cell = %d pixels", o+1, len(t), sp.Cell)
			shapeOK = false
			continue
		}
		for j, v := range t {
			if !finite(v) {
				bad("object %d pixel %d = %v; template pixels must be finite", o+1, j, v)
				shapeOK = false
			}
		}
	}
	if sp.Slots >= 1 && sp.Slots <= MaxSlots && len(sp.Objects) >= 1 && len(sp.Objects) <= MaxObjects {
		if n := sp.Configs(); n > MaxComponents {
			bad("(T+1)^S = %d^%d = %d configurations; at most %d are allowed (use fewer slots or objects)", sp.Kinds(), sp.Slots, n, MaxComponents)
		}
	}
	if shapeOK && finite(sp.Empty) && sp.Noise > 0 && !math.IsInf(sp.Noise, 0) && len(sp.Objects) >= 1 {
		for a := 0; a < sp.Kinds(); a++ {
			for b := a + 1; b < sp.Kinds(); b++ {
				if dist := norm(sub(sp.Template(a), sp.Template(b))); dist < MinSeparation*sp.Noise {
					bad("%s and %s are %.3g apart = %.3g σ0; templates must be ≥ %g σ0 apart so that a reader can tell them apart (move them apart or lower noise)", contentName(a), contentName(b), dist, dist/sp.Noise, MinSeparation)
				}
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errors.New("scene spec: " + strings.Join(errs, "; "))
}

func contentName(k int) string {
	if k == 0 {
		return "the empty cell"
	}
	return fmt.Sprintf("object %d", k)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func sub(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for j := range a {
		out[j] = a[j] - b[j]
	}
	return out
}

func dot(a, b []float64) float64 {
	s := 0.0
	for j := range a {
		s += a[j] * b[j]
	}
	return s
}

func norm(a []float64) float64 { return math.Sqrt(dot(a, a)) }
