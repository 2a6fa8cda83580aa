package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const localSettings = "local-k0,local-k1,local-k2,local-k3,local-k4,local-k5,local-k6,local-k7"

// The local-score study (seed 001) at smoke size end to end: results.csv carries every
// network's counts and locality rows, the report has the study's view, tables, figures and
// Lemma 1's checks; sampling more per cell reuses every network from the cache.
func TestLocalStudyEndToEnd(t *testing.T) {
	cfg := smokeConfig(t, localSettings)
	s, err := runTasks(t, context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := stagesOf(s, s.Runner.Ran())["train"]; got != 8 {
		t.Errorf("trained %d networks; the smoke profile's 2 runs × 4 networks are 8, shared by every K", got)
	}
	csv, err := os.ReadFile(filepath.Join(cfg.Out, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"local-k0,labels-all,,320,fkc,1,0", "local-k7,labels-single,,320,fkc,1,1", "local-k3,local-patch,,320,fkc,1,0",
		"local-k4,local-whole,,320,fkc,1,1", "local-k4,analytic,,analytical,fkc,1,0", ",success,", ",strayed,", ",far.s0.10,", ",radius.s0.90,", ",count.7,"} {
		if !strings.Contains(string(csv), want) {
			t.Errorf("results.csv has no %q row", want)
		}
	}
	md, err := os.ReadFile(filepath.Join(cfg.Out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## local-strip", "K_max per network", "Success and exact-K share against K", "Locality against the noise level",
		"Lemma 1 (seed 001) | local-k3", "local-share.png", "local-scenes.png", "local-locality.png", "| local | Lemma 1 |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	spec := filepath.Join(t.TempDir(), "more.yaml")
	if err := os.WriteFile(spec, []byte(`profiles:
  smoke:
    families:
      local: {runs: 2, samples: 60, truth_samples: 60, steps: 12, projections: 16, analytic: true, figure_samples: 8, train: {width: 16, depth: 1, batch: 16, iters: 20, loss_every: 10}}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg.Spec = spec
	s2, err := runTasks(t, context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ran := stagesOf(s2, s2.Runner.Ran())
	if ran["train"] != 0 || ran["sample"] == 0 {
		t.Errorf("more samples per cell ran %v; every network should come from the cache", ran)
	}
}
