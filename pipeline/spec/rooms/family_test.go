package rooms

import (
	"encoding/json"
	"github.com/compdiff/compdiff/pipeline/spec"
	"github.com/compdiff/compdiff/pipeline/spec/spectest"
	"math"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/core/room"
	"github.com/compdiff/compdiff/stages"
)

// A room setting by a built-in room's name, and one described in full with a user object
// and a built-in one by name: sources and measurement carry the room and normalised class
// weights; the target's class weights are the closed form; the dimension is the pixels.
func TestRoomSettings(t *testing.T) {
	sp, err := spec.Load(spectest.WriteSpec(t, `replace_settings: true
settings:
  - id: my-painting
    family: rooms
    room: painting
    sources:
      - {name: a1, weight: 1, class_weights: [1, 49, 1, 49]}
      - {name: a2, weight: 1, class_weights: [1, 1, 49, 49]}
      - {name: "0", weight: -1, class_weights: [1, 1, 1, 1]}
  - id: my-lamp
    family: rooms
    room:
      height: 12
      width: 12
      wall_rows: 7
      noise: 0.08
      objects:
        - name: lamp
          shape: ["oo", "|.", "|."]
          palette: {o: 1, "|": -1, .: -0.9}
          placements: [[2, 1], [2, 9]]
        - name: rug
          shape: ["rrrr"]
          palette: {r: -0.8}
          placements: [[10, 2], [10, 6]]
    sources:
      - {name: a1, weight: 1, class_weights: [1, 3, 1, 3]}
      - {name: a2, weight: 1, class_weights: [1, 1, 3, 3]}
      - {name: "0", weight: -1, class_weights: [1, 1, 1, 1]}
`))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := sp.Select("my-painting")
	if s[0].Dim != 256 || s[0].Truth != stages.Rejection || s[0].Measure == nil || s[0].Measure.Family != "rooms" {
		t.Fatalf("painting setting: dim %d, truth %s, measure %v", s[0].Dim, s[0].Truth, s[0].Measure)
	}
	var src room.SourceParams
	if err := json.Unmarshal(s[0].Sources[0].Spec.Params, &src); err != nil || src.Room.Objects[1].Name != "painting" || math.Abs(src.ClassWeights[1]-0.49) > 1e-15 {
		t.Errorf("source params %+v (%v)", src.ClassWeights, err)
	}
	var m room.MeasureParams
	if err := json.Unmarshal(s[0].Measure.Params, &m); err != nil || math.Abs(m.Target[3]-0.9604) > 1e-12 {
		t.Errorf("target %v (%v); want (0.0004, 0.0196, 0.0196, 0.9604)", m.Target, err)
	}
	l, _ := sp.Select("my-lamp")
	if l[0].Dim != 144 {
		t.Errorf("lamp room: dimension %d, want 144", l[0].Dim)
	}
}

// Every problem of a room setting is named at once, each on its own line with the field
// and the fix.
func TestRoomSettingErrors(t *testing.T) {
	_, err := spec.Load(spectest.WriteSpec(t, `settings:
  - id: bad-room
    family: rooms
    truth: importance
    room:
      base: table
      noise: -1
      objects: [couch, {name: empty, shape: ["x"], palette: {x: 2}, placements: [[20, 0]]}]
    sources:
      - {name: a1, weight: 1, class_weights: [1, 2, 3]}
      - {name: a2, weight: 1, class_weights: [1, -1, 1, 1]}
      - {name: "0", weight: -1}
  - id: bad-names
    family: rooms
    room: {objects: [sofa]}
    sources:
      - {name: a1, weight: 1, class_weights: [1, 1]}
      - {name: a2, weight: 1, class_weights: [1, 1]}
  - id: bad-comp
    family: rooms
    room: table
    sources:
      - {name: a1, weight: 1, class_weights: [0, 1, 0, 1]}
      - {name: a2, weight: 1, class_weights: [0, 0, 1, 1]}
      - {name: "0", weight: -1, class_weights: [1, 1, 1, 0]}
  - id: too-big
    family: rooms
    room: {base: painting, height: 40, width: 40}
    sources:
      - {name: a1, weight: 1, class_weights: [1, 1, 1, 1]}
      - {name: a2, weight: 1, class_weights: [1, 1, 1, 1]}
  - id: too-noisy
    family: rooms
    room: {base: table, noise: 0.6}
    sources:
      - {name: a1, weight: 1, class_weights: [1, 49, 1, 49]}
      - {name: a2, weight: 1, class_weights: [1, 1, 49, 49]}
      - {name: "0", weight: -1, class_weights: [1, 1, 1, 1]}
  - id: typo
    family: rooms
    room: {base: table, nosie: 0.1}
    sources:
      - {name: a1, weight: 1, class_weights: [1, 1, 1, 1]}
      - {name: a2, weight: 1, class_weights: [1, 1, 1, 1]}
`))
	spectest.WantAll(t, err,
		"spec bad-room: room: noise = -1",
		`spec bad-room: room: object 1 ("empty"): the name must be non-empty, not "empty"`,
		`palette["x"] = 2; pixel values must be finite and in [−1, 1]`,
		"outside the 16×16 image",
		"sources[1] (a2).class_weights [1] = -1",
		"sources[2] (0).class_weights is missing",
		"truth: importance cannot sample a room composition",
		`object "sofa" is no built-in object; use one of couch, painting, table`,
		"spec bad-comp: target class weights",
		"spec too-big: room: 40×40 = 1600 pixels; a setting's dimension is at most 1024",
		"spec too-noisy: room: its templates are too close for its noise",
		`unknown field "nosie"`,
	)
	// The a1 line of bad-room says its length only once the room is valid; here the room is
	// not, so the length is not judged against a room that does not exist.
	if strings.Contains(err.Error(), "has 3 entries") {
		t.Errorf("class weights judged against an invalid room:\n%v", err)
	}
}
