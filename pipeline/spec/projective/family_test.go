package projective

import (
	"github.com/compdiff/compdiff/pipeline/spec"
	"github.com/compdiff/compdiff/pipeline/spec/spectest"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/stages"
)

// A scenes setting derives its sources: one per conditional (weight +1) and the background
// (weight −(k−1)); the shorthand names them by slot; the truth is exact; the measurement
// carries the task.
func TestScenesSetting(t *testing.T) {
	sp, err := spec.Load(spectest.WriteSpec(t, `settings:
  - id: three
    family: scenes
    scene: default
    background: {kind: empty}
    slots: [1, 3, 4]
  - id: coupled
    family: scenes
    scene: {slots: 3}
    background: {kind: cluttered, q: 0.5}
    conditionals:
      - {kind: coupled, q: 0.5, at: [{slot: 0}]}
      - {kind: coupled, q: 0.5, at: [{slot: 2}]}
`))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := sp.Select("three,coupled")
	if got := strings.Join(s[0].Names(), ","); got != "at1,at3,at4,bg" {
		t.Errorf("source names %s", got)
	}
	if w := s[0].Weights(); w[0] != 1 || w[3] != -2 || s[0].Truth != stages.SceneExact || s[0].Dim != 20 || s[0].Measure == nil {
		t.Errorf("weights %v, truth %s, dim %d, measure %v", w, s[0].Truth, s[0].Dim, s[0].Measure)
	}
	if got := strings.Join(s[1].Names(), ","); got != "c1,c2,bg" || s[1].Dim != 12 {
		t.Errorf("explicit conditionals: names %s, dim %d", got, s[1].Dim)
	}
}

// Every problem of a scenes or linear-map setting is named at once, with where it is.
func TestScenesErrors(t *testing.T) {
	_, err := spec.Load(spectest.WriteSpec(t, `settings:
  - id: bad-slots
    family: scenes
    background: {kind: cluttered, q: 2}
    slots: [0, 0, 9]
  - id: bad-scene
    family: scenes
    scene: {noise: 2, cell: 3}
    background: {kind: empty}
    slots: [0]
  - id: both
    family: scenes
    background: {kind: empty}
    slots: [0]
    conditionals: [{kind: empty, at: [{slot: 1}]}]
  - id: nothing
    family: scenes
    slots: [0]
  - id: no-truth
    family: scenes
    background: {kind: data, m: 2}
    slots: [0, 1, 2]
  - id: typo
    family: scenes
    background: {kind: empty, qq: 1}
    slots: [0]
  - id: maps
    family: linear-map
    concepts: gauss-fc-id
    map: {shear: 1, rotation: 0.5}
  - id: concepts
    family: linear-map
    concepts: {background: [1, 1], variances: [[2, 1], [3, 1]]}
    map: {matrix: [[1, 2], [2, 4]]}
  - id: unknown
    family: linear-map
    concepts: gauss-fc-nope
    map: {shear: 1}
`))
	spectest.WantAll(t, err,
		`spec bad-slots: background: scene law "cluttered"`, "slots[1] = 0 repeats a slot", "slots[2] = 9 is outside the scene's slots 0…4",
		"spec bad-scene: scene spec: object 1 has 4 pixels; every template needs cell = 3 pixels",
		"spec both: gives both slots: and conditionals:",
		"spec nothing: background: missing",
		"spec no-truth: this composition has no exact ground truth: tuple sampler",
		`spec typo: line 25: unknown field "qq"`,
		"spec maps: linear map: give exactly one of shear",
		"spec concepts: linmap concepts: concepts 1 and 2 both change coordinate 0", "map is singular",
		`spec unknown: line 37: concepts "gauss-fc-nope" are unknown`)
}
