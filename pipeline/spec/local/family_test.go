package local

import (
	"slices"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/pipeline/spec"
	"github.com/compdiff/compdiff/pipeline/spec/spectest"
	"github.com/compdiff/compdiff/stages"
)

// The built-in local settings: K = 0…7 requested cells of one task, each with the derived
// sources (the requested composition, weight 1; the empty scene, weight 0), exact truth and
// the task as its measurement; the profiles carry the family's blocks.
func TestLocalBuiltin(t *testing.T) {
	sp, err := spec.Load("")
	if err != nil {
		t.Fatal(err)
	}
	ss, err := sp.Select("local-k0,local-k3,local-k7")
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range []int{0, 3, 7} {
		s := ss[i]
		task, err := stages.LocalTaskOf(s.Measure)
		if err != nil {
			t.Fatal(err)
		}
		if task.K() != k || task.M != 3 || task.Patch != 1 || task.Scene.Slots != 7 || len(task.Levels) == 0 {
			t.Errorf("%s: task %+v", s.ID, task)
		}
		if got := strings.Join(s.Names(), ","); got != "target,bg" || !slices.Equal(s.Weights(), []float64{1, 0}) || s.Truth != stages.SceneExact || s.Dim != 28 {
			t.Errorf("%s: sources %s, weights %v, truth %s, dim %d", s.ID, got, s.Weights(), s.Truth, s.Dim)
		}
	}
	for _, name := range []string{"smoke", "default", "paper"} {
		p := sp.Profiles[name]
		if p.For(stages.LocalFamily) == p {
			t.Errorf("profile %s has no local block", name)
		}
	}
}

// Every problem of a local setting is named at once.
func TestLocalErrors(t *testing.T) {
	_, err := spec.Load(spectest.WriteSpec(t, `settings:
  - id: bad-local
    family: local
    scene: {slots: 5}
    patch: 9
    levels: [0, 0.5]
  - id: bad-cells
    family: local
    m: 7
    requested: [1, 1, 8]
  - id: bad-truth
    family: local
    truth: rejection
    m: 2
    requested: [0]
`))
	spectest.WantAll(t, err, "m: missing", "requested: missing", "patch = 9", "levels[0] = 0",
		"m = 7", "requested[1] = 1 repeats", "requested[2] = 8 is outside", "truth: rejection")
}
