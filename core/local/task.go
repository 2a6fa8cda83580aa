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

// The study's networks (seed 001, Table 1's location-conditioned experiments), by the names
// their train nodes and results carry.
const (
	NetAll    = "labels-all"    // Experiment 1: the global ε-MLP, every object labelled
	NetSingle = "labels-single" // Experiment 2: the global ε-MLP, one object labelled
	NetLocal  = "local-patch"   // Experiment 3: the local network on single-label data
	NetWhole  = "local-whole"   // its control: the patch covers the whole strip
)

// Networks lists the study's networks in the order the report shows them.
var Networks = []string{NetAll, NetSingle, NetLocal, NetWhole}

// Network is the labelling of a network's training data and its arch under the task.
func (t Task) Network(name string) (Labels, Arch, error) {
	a := Arch{Slots: t.Scene.Slots, Cell: t.Scene.Cell}
	switch name {
	case NetAll:
		a.Patch = Global
		return All, a, nil
	case NetSingle:
		a.Patch = Global
		return Single, a, nil
	case NetLocal:
		a.Patch = t.Patch
		return Single, a, nil
	case NetWhole:
		a.Patch = t.Scene.Slots - 1
		return Single, a, nil
	}
	return "", a, fmt.Errorf("network %q; the study's networks are %v", name, Networks)
}

// Strays is how many objects outside the requested cells a sample of the network may hold
// and succeed: M−1 for networks trained on single-label data, whose training scenes hold
// up to M−1 unlabelled objects (the seed's "+(0–M−1)"), 0 for all labels and for the exact
// target (any other name).
func (t Task) Strays(name string) int {
	if l, _, err := t.Network(name); err == nil && l == Single {
		return t.M - 1
	}
	return 0
}
