package local

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/compdiff/compdiff/core/scene"
)

// Levels are the denoising times s (0 pure noise, 1 data) at which locality is measured,
// from high noise to low.
var Levels = []float64{0.1, 0.3, 0.5, 0.7, 0.9}

// Task is one length-generalisation setting: the scene, the training data's largest object
// count M, the local network's patch radius (cells on each side), the requested cells R
// (K = |R|) and the noise levels of the locality measurement.
type Task struct {
	Scene     scene.Spec `json:"scene"`
	M         int        `json:"m"`
	Patch     int        `json:"patch"`
	Requested []int      `json:"requested"`
	Levels    []float64  `json:"levels"`
}

// K is the number of requested cells.
func (t Task) K() int { return len(t.Requested) }

// Mask is the conditioner that marks the requested cells.
func (t Task) Mask() []bool { return MaskOf(t.Scene.Slots, t.Requested) }

// MaskOf marks the cells of R among S.
func MaskOf(S int, R []int) []bool {
	m := make([]bool, S)
	for _, i := range R {
		m[i] = true
	}
	return m
}

// Validate names every problem of the task at once.
func (t Task) Validate() error {
	if err := t.Scene.Validate(); err != nil {
		return err
	}
	S := t.Scene.Slots
	var errs []error
	if t.M < 1 || t.M > S {
		errs = append(errs, fmt.Errorf("m = %d: training scenes hold 1…m objects; use 1…%d (the number of cells)", t.M, S))
	}
	if t.Patch < 0 || t.Patch > S-1 {
		errs = append(errs, fmt.Errorf("patch = %d: the local network's patch radius in cells; use 0…%d (%d covers the whole strip from every cell)", t.Patch, S-1, S-1))
	}
	for j, i := range t.Requested {
		switch {
		case i < 0 || i >= S:
			errs = append(errs, fmt.Errorf("requested[%d] = %d is outside the cells 0…%d", j, i, S-1))
		case slices.Index(t.Requested, i) < j:
			errs = append(errs, fmt.Errorf("requested[%d] = %d repeats a cell; request each cell once", j, i))
		}
	}
	if len(t.Levels) == 0 {
		errs = append(errs, errors.New("no noise levels for the locality measurement; give e.g. local.Levels"))
	}
	for j, s := range t.Levels {
		if !(s > 0 && s < 1) {
			errs = append(errs, fmt.Errorf("levels[%d] = %v: denoising times lie strictly between 0 (noise) and 1 (data)", j, s))
		}
	}
	return errors.Join(errs...)
}

// Target is the conditional projective composition the request asks for (Lemma 1's CPC):
// an object, uniform over the templates, exactly at each cell the mask marks, the other
// cells empty.
func Target(sp scene.Spec, mask []bool) (scene.Law, error) {
	var wants []scene.Want
	for i, on := range mask {
		if on {
			wants = append(wants, scene.Want{Slot: i})
		}
	}
	if len(wants) == 0 {
		return scene.Empty(sp), nil
	}
	return scene.Condition(scene.Empty(sp), wants...)
}

// LevelMetric names a locality metric at noise level s, e.g. "radius.s0.30".
func LevelMetric(name string, s float64) string {
	return name + ".s" + strconv.FormatFloat(s, 'f', 2, 64)
}
