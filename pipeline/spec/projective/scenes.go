package projective

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/compdiff/compdiff/pipeline/spec"
	"slices"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/compdiff/compdiff/core/scene"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/stages"
)

func init() { spec.RegisterFamily(stages.ScenesFamily, scenes{}) }

// scenes settings compose object scenes (seed 002, core/scene): k conditionals over a
// background, with weights +1 on each conditional and −(k−1) on the background, which the
// family derives (a scenes setting has no sources: list). For example
//
//   - id: my-scene
//     family: scenes
//     scene: {slots: 4}                      # omitted or "default": scene.Default()
//     background: {kind: cluttered, q: 0.3}  # empty | data (m) | cluttered (q) | coupled (q)
//     slots: [0, 2]                          # an object at slot 0, one at slot 2
//
// slots: [i, …] is the shorthand for one conditional per slot, "an object at slot i, the
// other slots as in the background"; conditionals: [{kind, q, m, at}, …] writes each
// conditional's law (scene.LawSpec) instead. The ground truth is exact (scene-exact).
type scenes struct{}

type scenesSetting struct {
	Scene        SceneField      `yaml:"scene"`
	Background   *scene.LawSpec  `yaml:"background"`
	Slots        []int           `yaml:"slots"`
	Conditionals []scene.LawSpec `yaml:"conditionals"`
}

// SceneField is scene: — omitted or "default" for scene.Default(), or a mapping whose
// fields replace the default's.
type SceneField struct{ scene.Spec }

// UnmarshalYAML reads "default" or a mapping on top of the default, strictly.
func (f *SceneField) UnmarshalYAML(n *yaml.Node) error {
	f.Spec = scene.Default()
	if n.Kind == yaml.ScalarNode && n.Value == "default" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: scene must be default or a mapping of slots, cell, objects, empty, noise", n.Line)
	}
	return spec.DecodeStrict(n, &f.Spec)
}

// Build checks everything about the scene, the background and the conditionals, naming
// every problem at once, then derives the sources and the measurement.
func (scenes) Build(node *yaml.Node, hdr spec.Header) (*cell.Setting, error) {
	st := scenesSetting{Scene: SceneField{scene.Default()}}
	if err := spec.DecodeStrict(node, &st); err != nil {
		return nil, err
	}
	if hdr.Truth != "" && hdr.Truth != stages.SceneExact {
		return nil, fmt.Errorf("truth: %s; scenes settings are sampled exactly by %s (leave truth: out)", hdr.Truth, stages.SceneExact)
	}
	t, names, err := st.task()
	if err != nil {
		return nil, err
	}
	cm, err := t.Composition()
	if err != nil {
		return nil, err
	}
	if _, err := cm.ExactMethod(); err != nil {
		return nil, fmt.Errorf("this composition has no exact ground truth: %w", err)
	}
	s := &cell.Setting{Truth: stages.SceneExact, Dim: t.Scene.Dim()}
	laws := append(slices.Clone(cm.Conditionals), cm.Background)
	for i, l := range laws {
		spec, err := stages.NewSceneSource(t.Scene, l)
		if err != nil {
			return nil, err
		}
		w := 1.0
		if i == len(cm.Conditionals) {
			w = -float64(len(cm.Conditionals) - 1)
		}
		s.Sources = append(s.Sources, cell.Source{Name: names[i], Weight: w, Spec: spec})
	}
	raw, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	s.Measure = &cell.Measure{Family: stages.ScenesFamily, Params: raw}
	return s, nil
}

// task assembles the task and the source names (conditionals, then "bg"), collecting
// every problem of the setting.
func (st *scenesSetting) task() (scene.Task, []string, error) {
	t := scene.Task{Scene: st.Scene.Spec}
	if err := t.Scene.Validate(); err != nil {
		return t, nil, err
	}
	var errs []error
	if st.Background == nil {
		errs = append(errs, errors.New("background: missing; give e.g. {kind: empty}, {kind: data, m: 1} or {kind: cluttered, q: 0.5}"))
	} else if t.Background = *st.Background; len(st.Conditionals) == 0 {
		// The shorthand's conditionals share the background's law: report it once.
		if _, err := t.Background.Law(t.Scene); err != nil {
			errs = append(errs, fmt.Errorf("background: %w", err))
		}
	}
	var names []string
	switch {
	case len(st.Slots) > 0 && len(st.Conditionals) > 0:
		errs = append(errs, errors.New("gives both slots: and conditionals:; give one (slots: [i, …] is the shorthand for an object at slot i over the background)"))
	case len(st.Slots) > 0:
		for j, sl := range st.Slots {
			switch {
			case sl < 0 || sl >= t.Scene.Slots:
				errs = append(errs, fmt.Errorf("slots[%d] = %d is outside the scene's slots 0…%d", j, sl, t.Scene.Slots-1))
			case slices.Index(st.Slots, sl) < j:
				errs = append(errs, fmt.Errorf("slots[%d] = %d repeats a slot; ask for each slot once", j, sl))
			}
			c := t.Background
			c.At = append(slices.Clone(c.At), scene.Want{Slot: sl})
			t.Conditionals = append(t.Conditionals, c)
			names = append(names, "at"+strconv.Itoa(sl))
		}
	case len(st.Conditionals) > 0:
		t.Conditionals = st.Conditionals
		for i := range st.Conditionals {
			names = append(names, "c"+strconv.Itoa(i+1))
		}
	default:
		errs = append(errs, errors.New("no conditionals; give slots: [i, …] (an object at each slot) or conditionals: [{kind, at: [{slot}]}, …]"))
	}
	// Task.Validate names the background's, every conditional's and the composition's
	// problems; with the shorthand it runs once the slots and the background are sound.
	if len(errs) == 0 || (st.Background != nil && len(st.Conditionals) > 0 && len(st.Slots) == 0) {
		if err := t.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return t, append(names, "bg"), errors.Join(errs...)
}
