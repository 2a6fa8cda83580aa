package local

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/compdiff/compdiff/core/local"
	"github.com/compdiff/compdiff/core/scene"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/pipeline/spec"
	"github.com/compdiff/compdiff/pipeline/spec/projective"
	"github.com/compdiff/compdiff/stages"
)

// localSpec is the local study's part of the built-in spec: its settings (K = 0…S requested
// cells of one task) and its blocks of the built-in profiles.
//
//go:embed local.yaml
var localSpec []byte

func init() {
	spec.RegisterFamily(stages.LocalFamily, localFamily{})
	spec.RegisterBuiltin("local", localSpec)
}

// local settings are one request of the length-generalisation study (seed 001, core/local):
// networks trained on scenes with 1…m objects, with every object's cell or one object's
// cell labelled, are asked for objects at the requested cells. For example
//
//   - id: local-k3
//     family: local
//     scene: {slots: 7}        # omitted or "default": scene.Default()
//     m: 3                     # training scenes hold 1…m objects
//     patch: 1                 # the local network's patch radius in cells (default 1)
//     requested: [1, 3, 5]     # K = 3 requested cells ([] for K = 0)
//
// levels: [s, …] replaces the noise levels of the locality measurement (local.Levels).
// Settings with equal scene, m and patch share their networks. The family derives the
// sources: the conditional projective composition the request asks for (objects exactly at
// the requested cells, weight 1) and the empty scene p(x | ∅) (weight 0, Lemma 1's
// background); the ground truth is exact (scene-exact).
type localFamily struct{}

type localSetting struct {
	Scene     projective.SceneField `yaml:"scene"`
	M         int                   `yaml:"m"`
	Patch     *int                  `yaml:"patch"`
	Requested *[]int                `yaml:"requested"`
	Levels    []float64             `yaml:"levels"`
}

// Build checks the scene, m, the patch, the request and the levels, naming every problem at
// once, then derives the sources and the measurement.
func (localFamily) Build(node *yaml.Node, hdr spec.Header) (*cell.Setting, error) {
	st := localSetting{Scene: projective.SceneField{Spec: scene.Default()}}
	if err := spec.DecodeStrict(node, &st); err != nil {
		return nil, err
	}
	if hdr.Truth != "" && hdr.Truth != stages.SceneExact {
		return nil, fmt.Errorf("truth: %s; local settings are sampled exactly by %s (leave truth: out)", hdr.Truth, stages.SceneExact)
	}
	t := local.Task{Scene: st.Scene.Spec, M: st.M, Patch: 1, Levels: slices.Clone(local.Levels)}
	var errs []error
	if st.M == 0 {
		errs = append(errs, errors.New("m: missing; give the most objects a training scene holds, e.g. m: 3"))
		t.M = 1 // so that Validate names the other problems only
	}
	if st.Patch != nil {
		t.Patch = *st.Patch
	}
	if st.Requested == nil {
		errs = append(errs, errors.New("requested: missing; list the requested cells, e.g. requested: [1, 3, 5] ([] asks for none)"))
	} else {
		t.Requested = *st.Requested
	}
	if st.Levels != nil {
		t.Levels = st.Levels
	}
	if err := t.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	target, err := local.Target(t.Scene, t.Mask())
	if err != nil {
		return nil, err
	}
	s := &cell.Setting{Truth: stages.SceneExact, Dim: t.Scene.Dim()}
	for _, src := range []struct {
		name string
		w    float64
		law  scene.Law
	}{{"target", 1, target}, {"bg", 0, scene.Empty(t.Scene)}} {
		spec, err := stages.NewSceneSource(t.Scene, src.law)
		if err != nil {
			return nil, err
		}
		s.Sources = append(s.Sources, cell.Source{Name: src.name, Weight: src.w, Spec: spec})
	}
	raw, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	s.Measure = &cell.Measure{Family: stages.LocalFamily, Params: raw}
	return s, nil
}
