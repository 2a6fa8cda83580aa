package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A user's own scene setting and linear map from a -spec file run end to end at smoke
// size: a 4-slot scene with a third object template over a cluttered background, asking
// for objects at slots 0 and 2, and gauss-fc-id concepts through an explicit matrix.
// results.csv carries the scene reader's and the linear map's rows, and the report has the
// study's views, its tables and the settings' theorem checks.
func TestUserSceneEndToEnd(t *testing.T) {
	spec := filepath.Join(t.TempDir(), "scenes.yaml")
	if err := os.WriteFile(spec, []byte(`settings:
  - id: my-scene
    title: Three templates in four slots
    family: scenes
    scene: {slots: 4, objects: [[1, 1, 1, 1], [1, -1, -1, 1], [-1, 1, 1, -1]]}
    background: {kind: cluttered, q: 0.3}
    slots: [0, 2]
  - id: my-map
    family: linear-map
    concepts: gauss-fc-id
    map: {matrix: [[1, 0.5], [0.2, 1]]}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := smokeConfig(t, "my-scene,my-map")
	cfg.Spec = spec
	if _, err := runTasks(t, context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	csv, err := os.ReadFile(filepath.Join(cfg.Out, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"my-scene,analytic,,analytical,fkc,1,0", ",exact,", ",content,", ",count.4,", ",other,", ",exact.truth,",
		"my-scene,conditional,,100,fkc,1,0", "my-map,analytic,,analytical,ode,1,0", ",w2,", ",w2.floor,", ",cov.0.1,"} {
		if !strings.Contains(string(csv), want) {
			t.Errorf("results.csv has no %q row", want)
		}
	}
	md, err := os.ReadFile(filepath.Join(cfg.Out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## projective-scenes", "## projective-linear-maps", "## Exact-k share against k", "| my-scene | analytic |",
		"Theorem 5.3 (seed 002) | my-scene", "Theorem 6.1 (seed 002) | my-map", "§7 naive ODE (seed 002) | my-map", "projective-exact-k.png", "projective-gap.png"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
}
