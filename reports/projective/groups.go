package projective

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/compdiff/compdiff/core/linmap"
	"github.com/compdiff/compdiff/core/scene"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// The study's settings, read back from their measurement params (the families' own JSON).
const (
	scenesFamily = "scenes"
	linmapFamily = "linear-map"
)

// Background kinds of the scene rules.
const (
	bgEmpty   = "empty"
	bgBayes   = "bayes" // one-object data: Bayes composition
	bgClutter = "cluttered"
	bgOther   = "other"
)

// sceneSetting is a scenes setting with its task.
type sceneSetting struct {
	*reports.SettingResults
	Task scene.Task
	BG   string // bgEmpty, bgBayes, bgClutter or bgOther
	K    int
	// Slots: every conditional is "an object at slot i" over the background (the shorthand
	// the built-in settings use); only those enter the k sweeps.
	Slots   bool
	Coupled bool    // Lemma 8.1's counterexample: every conditional coupled
	Q       float64 // the background's occupancy q (cluttered, coupled)
	scene   string  // the scene as JSON: settings of one sweep share it
}

func scenesOf(settings []*reports.SettingResults) []*sceneSetting {
	var out []*sceneSetting
	for _, s := range settings {
		t, ok := reports.MeasureOf[scene.Task](s, scenesFamily)
		if !ok {
			continue
		}
		js, _ := json.Marshal(t.Scene)
		ss := &sceneSetting{SettingResults: s, Task: t, K: t.K(), scene: string(js), Q: t.Background.Q}
		b := t.Background
		switch {
		case len(b.At) > 0:
			ss.BG = bgOther
		case b.Kind == scene.KindEmpty:
			ss.BG = bgEmpty
		case b.Kind == scene.KindData && b.M == 1:
			ss.BG = bgBayes
		case b.Kind == scene.KindCluttered:
			ss.BG = bgClutter
		default:
			ss.BG = bgOther
		}
		ss.Slots, ss.Coupled = true, t.K() > 0
		for _, c := range t.Conditionals {
			ss.Slots = ss.Slots && c.Kind == b.Kind && c.Q == b.Q && c.M == b.M && len(c.At) == 1 && c.At[0].Object == 0
			ss.Coupled = ss.Coupled && c.Kind == scene.KindCoupled
		}
		out = append(out, ss)
	}
	slices.SortStableFunc(out, func(a, b *sceneSetting) int {
		return cmp.Or(cmp.Compare(a.scene, b.scene), cmp.Compare(bgOrder(a.BG), bgOrder(b.BG)), cmp.Compare(a.K, b.K))
	})
	return out
}

func bgOrder(bg string) int { return slices.Index([]string{bgEmpty, bgBayes, bgClutter, bgOther}, bg) }

// bgLabel names a background in tables and figures.
func bgLabel(bg string) string {
	switch bg {
	case bgEmpty:
		return "empty"
	case bgBayes:
		return "unconditional (Bayes)"
	case bgClutter:
		return "cluttered"
	}
	return "other"
}

// sweep lists the slot-shorthand settings of one scene and background by k.
func sweep(ss []*sceneSetting, sc, bg string) []*sceneSetting {
	var out []*sceneSetting
	for _, s := range ss {
		if s.scene == sc && s.BG == bg && s.Slots && !s.Coupled {
			out = append(out, s)
		}
	}
	return out
}

// scenesIn lists the distinct scenes (JSON) in order of appearance.
func scenesIn(ss []*sceneSetting) []string {
	return distinct(ss, func(s *sceneSetting) string { return s.scene })
}

// distinct lists the distinct keys of xs in order of appearance.
func distinct[T any](xs []T, key func(T) string) []string {
	var out []string
	for _, x := range xs {
		if k := key(x); !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// sameSlots tells whether two settings request the same slots.
func sameSlots(a, b *sceneSetting) bool {
	sa, sb := slotsOf(a.Task), slotsOf(b.Task)
	return slices.Equal(sa, sb)
}

func slotsOf(t scene.Task) []int {
	var out []int
	for _, w := range t.Wants() {
		out = append(out, w.Slot)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// trainedObjects is m, the most objects a scene of the learned model's training data
// holds: the slot conditionals and the background of a shorthand setting (what the scenes
// planner trains the conditional network on).
func trainedObjects(s *sceneSetting) int {
	t := s.Task
	pb, err := t.Background.Law(t.Scene)
	if err != nil {
		return -1
	}
	m := maxCount(pb)
	for i := 0; i < t.Scene.Slots; i++ {
		if l, err := scene.At(i, pb); err == nil {
			m = max(m, maxCount(l))
		}
	}
	return m
}

func maxCount(l scene.Law) int {
	for n := len(l.Counts()) - 1; n >= 0; n-- {
		if l.Counts()[n] > 0 {
			return n
		}
	}
	return 0
}

// mapSetting is a linear-map setting with its concepts and map.
type mapSetting struct {
	*reports.SettingResults
	Setup    linmap.Setup
	Concepts string  // the concepts' name, or their JSON
	Gamma    float64 // the shear; NaN for other maps
	Rotation bool
	Gaps     linmap.Gaps // closed form at the setting's step count
	Scale    float64     // RMS std of the target, √(tr Σ_C / d)
}

func mapsOf(r *reports.Report, settings []*reports.SettingResults) []*mapSetting {
	var out []*mapSetting
	for _, s := range settings {
		su, ok := reports.MeasureOf[linmap.Setup](s, linmapFamily)
		if !ok {
			continue
		}
		A, err := su.A()
		if err != nil {
			continue
		}
		ms := &mapSetting{SettingResults: s, Setup: su, Concepts: conceptsName(su), Gamma: math.NaN(), Rotation: su.Rotation != nil}
		if su.Shear != nil {
			ms.Gamma = *su.Shear
		}
		if ms.Gaps, err = linmap.Measure(su.Of(), A, max(protocolOf(r, s).Steps, 1)); err != nil {
			continue
		}
		target, err := su.Of().Target(A)
		if err != nil {
			continue
		}
		d := float64(target.SymmetricDim())
		for i := 0; i < target.SymmetricDim(); i++ {
			ms.Scale += target.At(i, i) / d
		}
		ms.Scale = math.Sqrt(ms.Scale)
		out = append(out, ms)
	}
	return out
}

// conceptSets lists the distinct concepts in order of appearance.
func conceptSets(ms []*mapSetting) []string {
	return distinct(ms, func(m *mapSetting) string { return m.Concepts })
}

// shears lists the shear settings of one concept set by γ, and its rotations.
func shears(ms []*mapSetting, concepts string) (sh, rot []*mapSetting) {
	for _, m := range ms {
		switch {
		case m.Concepts != concepts:
		case m.Rotation:
			rot = append(rot, m)
		case !math.IsNaN(m.Gamma):
			sh = append(sh, m)
		}
	}
	slices.SortStableFunc(sh, func(a, b *mapSetting) int { return cmp.Compare(a.Gamma, b.Gamma) })
	return sh, rot
}

func (m *mapSetting) mapName() string {
	switch {
	case m.Rotation:
		return fmt.Sprintf("rotation θ = %g", *m.Setup.Rotation)
	case !math.IsNaN(m.Gamma):
		return fmt.Sprintf("shear γ = %g", m.Gamma)
	}
	return "matrix"
}

// protocolOf is the setting's own protocol, else the report's.
func protocolOf(r *reports.Report, s *reports.SettingResults) reports.Protocol {
	if s.Protocol != nil {
		return *s.Protocol
	}
	return r.Protocol
}

// cells of the study: exact scores or the first learned model, a sampler and K.
func key(s string, col cell.Column, m cell.Method, k int, metric string) reports.CellKey {
	return reports.CellKey{Setting: s, Column: col, Method: m, K: k, Metric: metric}
}

// learnedColumn is the learned column the rules read: the first model kind of the setting
// at its largest pool (nil when nothing was learned).
func learnedColumn(s *reports.SettingResults) *cell.Column {
	if len(s.ModelKinds) == 0 || len(s.Ns) == 0 {
		return nil
	}
	c := cell.Learned(s.ModelKinds[0], slices.Max(s.Ns))
	return &c
}

// conceptGroup is the linear-map settings of one set of concepts.
type conceptGroup struct {
	name string
	ids  []string
}

// conceptGroups groups the linear-map settings by their concepts, as mapsOf names them
// (without its closed forms), for uses.
func conceptGroups(settings []*reports.SettingResults) []conceptGroup {
	var out []conceptGroup
	for _, s := range settings {
		su, ok := reports.MeasureOf[linmap.Setup](s, linmapFamily)
		if !ok {
			continue
		}
		name := conceptsName(su)
		i := slices.IndexFunc(out, func(c conceptGroup) bool { return c.name == name })
		if i < 0 {
			out = append(out, conceptGroup{name: name})
			i = len(out) - 1
		}
		out[i].ids = append(out[i].ids, s.ID)
	}
	return out
}

// conceptsName is the concepts' built-in name, else their JSON.
func conceptsName(su linmap.Setup) string {
	if su.Name != "" {
		return su.Name
	}
	js, _ := json.Marshal(su.Of())
	return string(js)
}
