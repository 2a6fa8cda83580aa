package scene

import (
	"errors"
	"fmt"
	"math"
)

// Task is a composition as a setting writes it — the scene, the background and the
// conditionals as law specs — and what reading its samples asks: the objects the
// conditionals request (Wants) and what the background demands of the other slots
// (Elsewhere). The scene study's spec family, measurement and report share it.
type Task struct {
	Scene Spec `json:"scene"`
	CompositionSpec
}

// Composition builds the task's composition.
func (t Task) Composition() (Composition, error) { return t.CompositionSpec.Composition(t.Scene) }

// K is the number of conditionals.
func (t Task) K() int { return len(t.Conditionals) }

// Wants lists the wants of every conditional's at:, in order (a slot asked twice is listed
// twice; Summarize treats it once).
func (t Task) Wants() []Want {
	var out []Want
	for _, c := range t.Conditionals {
		out = append(out, c.At...)
	}
	return out
}

// Elsewhere is what the background demands of the slots no conditional asks for
// (ElsewhereFor).
func (t Task) Elsewhere() (Elsewhere, error) {
	pb, err := t.Background.Law(t.Scene)
	if err != nil {
		return 0, fmt.Errorf("background: %w", err)
	}
	return ElsewhereFor(pb), nil
}

// Validate names every problem of the task at once: the scene's, the background's, each
// conditional's (including one without at:, which asks for nothing a reader can check),
// and the composition's.
func (t Task) Validate() error {
	if err := t.Scene.Validate(); err != nil {
		return err
	}
	var errs []error
	if _, err := t.Background.Law(t.Scene); err != nil {
		errs = append(errs, fmt.Errorf("background: %w", err))
	}
	if len(t.Conditionals) == 0 {
		errs = append(errs, errors.New("no conditionals; give at least one"))
	}
	for i, c := range t.Conditionals {
		if len(c.At) == 0 {
			errs = append(errs, fmt.Errorf("conditional %d asks for no object (at: is empty); say where its object goes, e.g. at: [{slot: 0}]", i+1))
		}
		if _, err := c.Law(t.Scene); err != nil {
			errs = append(errs, fmt.Errorf("conditional %d: %w", i+1, err))
		}
	}
	if len(errs) == 0 {
		if _, err := t.Composition(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Reading is what the study measures on a task's samples.
type Reading struct {
	Summary
	// Other is the mean occupancy of the slots no conditional asks for, over the valid
	// scenes (NaN when every slot is asked for): q for a projective composition on a
	// Cluttered(q) background, 1 for Lemma 8.1's counterexample.
	Other float64
}

// Read reads samples x (row-major n×S·P) against the task.
func (t Task) Read(rd *Reader, x []float64) (Reading, error) {
	el, err := t.Elsewhere()
	if err != nil {
		return Reading{}, err
	}
	wants := t.Wants()
	sm := rd.Read(x).Summarize(wants, el)
	asked := make([]bool, t.Scene.Slots)
	for _, w := range wants {
		asked[w.Slot] = true
	}
	other, n := 0.0, 0
	for s, o := range sm.Occupancy {
		if !asked[s] {
			other += o
			n++
		}
	}
	r := Reading{Summary: sm, Other: math.NaN()}
	if n > 0 {
		r.Other = other / float64(n)
	}
	return r, nil
}
