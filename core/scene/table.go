package scene

import (
	"fmt"
	"math"
	"strconv"
)

// Table is a law written out canonically and compactly, as node params carry it: the
// per-slot content laws when the slots are independent (Slots: S rows of T+1
// probabilities), else the configurations with positive probability in increasing index
// (Configs) and their probabilities (P). Probabilities are rounded to tableDigits
// significant digits, so two routes to one law — At(i, Data(1)) and At(i, Empty) — write
// the same table and settings share the nodes of equal sources.
type Table struct {
	Slots   [][]float64 `json:"slots,omitempty"`
	Configs []int       `json:"configs,omitempty"`
	P       []float64   `json:"p,omitempty"`
}

// tableDigits: laws are built by a few products and one normalisation (relative rounding
// ~1e−15), so 12 digits keep every law exactly while absorbing its rounding.
const tableDigits = 12

func round(p float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(p, 'g', tableDigits, 64), 64)
	return v
}

// Table writes the law out (see Table).
func (l Law) Table() Table {
	parts := make([][]int, l.Slots)
	laws := make([]Law, l.Slots)
	for s := range parts {
		parts[s], laws[s] = []int{s}, l
	}
	if _, ok := equalsProduct(l, parts, laws); ok {
		var t Table
		for s := 0; s < l.Slots; s++ {
			row := l.SlotLaw(s)
			for k := range row {
				row[k] = round(row[k])
			}
			t.Slots = append(t.Slots, row)
		}
		return t
	}
	var t Table
	for _, c := range l.Support() {
		t.Configs = append(t.Configs, c)
		t.P = append(t.P, round(l.P[c]))
	}
	return t
}

// Law reads the table back as a law of the spec's scenes (normalised); it names every
// problem of a hand-written or damaged table.
func (t Table) Law(sp Spec) (Law, error) {
	if err := sp.Validate(); err != nil {
		return Law{}, err
	}
	l := newLaw(sp)
	K := sp.Kinds()
	prob := func(where string, p float64) error {
		if math.IsNaN(p) || math.IsInf(p, 0) || p < 0 {
			return fmt.Errorf("scene law table: %s = %v; probabilities must be finite and ≥ 0", where, p)
		}
		return nil
	}
	switch {
	case len(t.Slots) > 0 && (len(t.Configs) > 0 || len(t.P) > 0):
		return Law{}, fmt.Errorf("scene law table: gives both slot laws and configurations; give one form")
	case len(t.Slots) > 0:
		if len(t.Slots) != sp.Slots {
			return Law{}, fmt.Errorf("scene law table: %d slot laws for %d slots", len(t.Slots), sp.Slots)
		}
		for s, row := range t.Slots {
			if len(row) != K {
				return Law{}, fmt.Errorf("scene law table: slot %d has %d probabilities; give %d (empty, then objects 1…%d)", s, len(row), K, K-1)
			}
			for k, p := range row {
				if err := prob(fmt.Sprintf("slot %d content %d", s, k), p); err != nil {
					return Law{}, err
				}
			}
		}
		cfg := make([]int, sp.Slots)
		for c := range l.P {
			p := 1.0
			for s, k := range l.Config(c, cfg) {
				p *= t.Slots[s][k]
			}
			l.P[c] = p
		}
	default:
		if len(t.Configs) != len(t.P) {
			return Law{}, fmt.Errorf("scene law table: %d configurations but %d probabilities", len(t.Configs), len(t.P))
		}
		for j, c := range t.Configs {
			if c < 0 || c >= len(l.P) {
				return Law{}, fmt.Errorf("scene law table: configuration %d is outside 0…%d", c, len(l.P)-1)
			}
			if err := prob(fmt.Sprintf("p[%d]", j), t.P[j]); err != nil {
				return Law{}, err
			}
			l.P[c] += t.P[j]
		}
	}
	out, err := l.normalize("the scene law table")
	if err != nil {
		return Law{}, fmt.Errorf("scene law table: %w", err)
	}
	return out, nil
}
