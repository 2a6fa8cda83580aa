package rooms

import (
	"encoding/json"
	"fmt"
	"github.com/compdiff/compdiff/pipeline/spec"
	"maps"
	"math"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compdiff/compdiff/core/room"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/stages"
)

func init() { spec.RegisterFamily(stages.RoomFamily, rooms{}) }

// rooms settings are the "objects in a room" study (seed 000 §5.3, core/room): grayscale
// rooms whose sources are exact Gaussian mixtures over image templates, differing only in
// the weight of each class (which objects are present). The setting names a built-in room
// or describes one; each source gives one class weight per class (normalised):
//
//	room: painting                     # or table, or a mapping (see roomYAML)
//	sources:
//	  - {name: a1, weight: 1, class_weights: [1, 49, 1, 49]}   # empty, couch, x, couch+x
//
// Ground truth is rejection sampling (exact: the sources share their templates). The
// setting's measurement reads every sample with the room's classifier.
type rooms struct{}

type roomsSetting struct {
	Room    roomNode `yaml:"room"`
	Sources []struct {
		ClassWeights []float64 `yaml:"class_weights"`
	} `yaml:"sources"`
}

// Bounds of a room setting beyond core/room's own: the image is the samples' dimension, so
// it stays within spec.MaxDim (32×32); the target's class weights must be known to 1e−3
// (room.ShareErrorBound), far below the sampling error of any profile's shares.
const maxShareError = 1e-3

// roomNode keeps the room's YAML for Build, which reads a name or a mapping.
type roomNode struct{ node *yaml.Node }

func (r *roomNode) UnmarshalYAML(n *yaml.Node) error { r.node = n; return nil }

// roomYAML is a room described in a spec: the fields of a built-in room (base:, default
// painting's background: 16×16, 9 wall rows, wall 0.6, floor −0.1, noise 0.1) replaced by
// those given. objects, when given, replaces the base's objects; each is a built-in
// object's name (couch, painting, table) or a mapping with name, shape, palette and
// placements (room.Object).
type roomYAML struct {
	Base     string       `yaml:"base"`
	Height   *int         `yaml:"height"`
	Width    *int         `yaml:"width"`
	WallRows *int         `yaml:"wall_rows"`
	Wall     *float64     `yaml:"wall"`
	Floor    *float64     `yaml:"floor"`
	Noise    *float64     `yaml:"noise"`
	Objects  []objectYAML `yaml:"objects"`
}

// objectYAML is a built-in object by name or an object described in full.
type objectYAML struct{ room.Object }

func (o *objectYAML) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		b, ok := builtinObjects[n.Value]
		if !ok {
			return fmt.Errorf("line %d: object %q is no built-in object; use one of %s or describe it (name, shape, palette, placements)", n.Line, n.Value, strings.Join(slices.Sorted(maps.Keys(builtinObjects)), ", "))
		}
		o.Object = b()
		return nil
	}
	return spec.DecodeStrict(n, &o.Object)
}

var (
	builtinRooms   = map[string]func() room.Spec{"painting": room.PaintingRoom, "table": room.TableRoom}
	builtinObjects = map[string]func() room.Object{"couch": room.DefaultCouch, "painting": room.DefaultPainting, "table": room.DefaultTable}
)

// Build reads the room and the sources' class weights, and refuses — naming every problem
// at once — a room core/room refuses, one larger than spec.MaxDim pixels, class weights of the
// wrong length or sign, a composition whose target is improper or not Σw = 1, a room whose
// classifier cannot read its samples reliably (room.Classifier.ErrorBound above
// room.MaxFlagRate) and one whose target class weights are not known to maxShareError.
func (rooms) Build(node *yaml.Node, hdr spec.Header) (*cell.Setting, error) {
	var f roomsSetting
	if err := spec.DecodeStrict(node, &f); err != nil {
		return nil, err
	}
	var errs []string
	add := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	sp, err := readRoom(f.Room.node)
	if err != nil {
		add("%v", err)
	} else if err := sp.Validate(); err != nil {
		errs = append(errs, strings.Split(err.Error(), "\n")...)
	} else if px := sp.Height * sp.Width; px > spec.MaxDim {
		add("room: %d×%d = %d pixels; a setting's dimension is at most %d (e.g. 32×32), so use a smaller image", sp.Height, sp.Width, px, spec.MaxDim)
	}
	roomOK := len(errs) == 0
	nc := 0
	if roomOK {
		nc = room.NumClasses(sp)
	}
	var weights [][]float64
	for i, src := range f.Sources {
		at := spec.SourceAt(i, spec.SourceName(hdr, i)) + ".class_weights"
		w, problem := classWeights(src.ClassWeights, nc, roomOK)
		if problem != "" {
			add("%s %s", at, problem)
		}
		weights = append(weights, w)
	}
	switch hdr.Truth {
	case "", stages.Rejection:
	default:
		add("truth: %s cannot sample a room composition; leave truth out (rejection is exact here: the sources share their templates; importance sampling degenerates in 256 dimensions)", hdr.Truth)
	}
	if len(errs) == 0 && len(weights) == len(hdr.Sources) {
		errs = append(errs, checkComposition(sp, weights, hdr)...)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\nspec "+hdr.ID+": "))
	}
	return roomSetting(sp, weights, hdr)
}

// readRoom reads room: as a built-in room's name or a mapping (roomYAML).
func readRoom(n *yaml.Node) (room.Spec, error) {
	names := strings.Join(slices.Sorted(maps.Keys(builtinRooms)), ", ")
	if n == nil {
		return room.Spec{}, fmt.Errorf("room: missing; name a built-in room (%s) or describe one (see the README's room settings)", names)
	}
	if n.Kind == yaml.ScalarNode {
		b, ok := builtinRooms[n.Value]
		if !ok {
			return room.Spec{}, fmt.Errorf("room: %q is no built-in room; use one of %s or describe one", n.Value, names)
		}
		return b(), nil
	}
	var y roomYAML
	if err := spec.DecodeStrict(n, &y); err != nil {
		return room.Spec{}, fmt.Errorf("room: %v", err)
	}
	sp := room.DefaultRoom(room.DefaultPainting())
	if y.Base != "" {
		b, ok := builtinRooms[y.Base]
		if !ok {
			return room.Spec{}, fmt.Errorf("room: base %q is no built-in room; use one of %s", y.Base, names)
		}
		sp = b()
	} else {
		sp.Objects = nil
	}
	set := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	setF := func(dst *float64, v *float64) {
		if v != nil {
			*dst = *v
		}
	}
	set(&sp.Height, y.Height)
	set(&sp.Width, y.Width)
	set(&sp.WallRows, y.WallRows)
	setF(&sp.Wall, y.Wall)
	setF(&sp.Floor, y.Floor)
	setF(&sp.Noise, y.Noise)
	if y.Objects != nil {
		sp.Objects = nil
		for _, o := range y.Objects {
			sp.Objects = append(sp.Objects, o.Object)
		}
	}
	return sp, nil
}

// classWeights checks one source's class weights (one per class when the room is known,
// finite, ≥ 0, not all 0) and returns them normalised, or the problem.
func classWeights(w []float64, nc int, roomOK bool) ([]float64, string) {
	if len(w) == 0 {
		return nil, "is missing; give one weight per class (empty, 1st object, 2nd, 1st+2nd, …: bit i of the class index = object i)"
	}
	if roomOK && len(w) != nc {
		return nil, fmt.Sprintf("has %d entries; the room has %d classes (empty, 1st object, 2nd, 1st+2nd, …: bit i of the class index = object i)", len(w), nc)
	}
	total := 0.0
	for c, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > spec.MaxWeight {
			return nil, fmt.Sprintf("[%d] = %v; class weights must be finite, ≥ 0 and at most %g", c, v, spec.MaxWeight)
		}
		total += v
	}
	if !(total > 0) {
		return nil, "are all zero; give some class a positive weight"
	}
	out := make([]float64, len(w))
	for c, v := range w {
		out[c] = v / total
	}
	return out, ""
}

// checkComposition refuses a composition whose target class weights cannot be computed
// (Σw ≠ 1, improper), are not known to maxShareError, or a room the classifier cannot read.
func checkComposition(sp room.Spec, weights [][]float64, hdr spec.Header) []string {
	w := make([]float64, len(hdr.Sources))
	for i, s := range hdr.Sources {
		w[i] = s.Weight
	}
	var errs []string
	if _, err := room.TargetClassWeights(weights, w); err != nil {
		errs = append(errs, err.Error())
	} else if b, err := room.ShareErrorBound(sp, weights, w); err != nil {
		errs = append(errs, err.Error())
	} else if !(b <= maxShareError) {
		errs = append(errs, fmt.Sprintf("the target's class weights are known only to %.3g in total variation (room.ShareErrorBound); at most %g is needed — move the templates apart or lower noise", b, maxShareError))
	}
	cl, err := room.NewClassifier(sp)
	if err != nil {
		return append(errs, err.Error())
	}
	if b := cl.ErrorBound(); !(b <= room.MaxFlagRate) {
		errs = append(errs, fmt.Sprintf("room: its templates are too close for its noise: the classifier would flag true samples (and read blends as rooms) with probability up to %.3g > %g; move objects or placements apart or lower noise", b, room.MaxFlagRate))
	}
	return errs
}

// roomSetting describes the validated setting: each source by its room and class weights,
// the measurement by the room and the target's class weights.
func roomSetting(sp room.Spec, weights [][]float64, hdr spec.Header) (*cell.Setting, error) {
	w := make([]float64, len(hdr.Sources))
	for i, s := range hdr.Sources {
		w[i] = s.Weight
	}
	target, err := room.TargetClassWeights(weights, w)
	if err != nil {
		return nil, err
	}
	mp, err := json.Marshal(room.MeasureParams{Room: sp, Target: target})
	if err != nil {
		return nil, err
	}
	s := &cell.Setting{Truth: stages.Rejection, Measure: &cell.Measure{Family: stages.RoomFamily, Params: mp}}
	for _, cw := range weights {
		p, err := json.Marshal(room.SourceParams{Room: sp, ClassWeights: cw})
		if err != nil {
			return nil, err
		}
		s.Sources = append(s.Sources, cell.Source{Spec: cell.SourceSpec{Family: stages.RoomFamily, Params: p}})
	}
	return s, nil
}
