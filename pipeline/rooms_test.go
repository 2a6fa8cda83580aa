package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A user's own room from a -spec file runs end to end at smoke size: a 10×10 room with a
// lamp and a rug (not the built-in objects) composed from three sources, judged by claim d;
// results.csv carries the room measurement's rows under the user's class names and the
// report has the setting's section, its grid of samples and its Theorem 3 check.
func TestUserRoomEndToEnd(t *testing.T) {
	spec := filepath.Join(t.TempDir(), "room.yaml")
	if err := os.WriteFile(spec, []byte(`replace_settings: true
settings:
  - id: lamp-and-rug
    claim: d
    title: A lamp and a rug
    kind: factorized, ID
    family: rooms
    room:
      height: 10
      width: 10
      wall_rows: 6
      objects:
        - {name: lamp, shape: ["oo", "|.", "|."], palette: {o: 1, "|": -1, .: -0.9}, placements: [[1, 1], [1, 7]]}
        - {name: rug, shape: ["rrrr"], palette: {r: -0.8}, placements: [[8, 1], [8, 5]]}
    sources:
      - {name: a1, weight: 1, class_weights: [1, 9, 1, 9]}
      - {name: a2, weight: 1, class_weights: [1, 1, 9, 9]}
      - {name: "0", weight: -1, class_weights: [1, 1, 1, 1]}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := smokeConfig(t, "lamp-and-rug")
	cfg.Spec = spec
	if _, err := runTasks(t, context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	csv, err := os.ReadFile(filepath.Join(cfg.Out, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{",share.lamp+rug,", ",share.empty,", ",invalid,", ",tv,", ",sw2,"} {
		if !strings.Contains(string(csv), want) {
			t.Errorf("results.csv has no %q row", want)
		}
	}
	md, err := os.ReadFile(filepath.Join(cfg.Out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## lamp-and-rug", "lamp-and-rug-samples.png", "Theorem 3 on the room settings", "factorized room: g ≡ 0"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
}
