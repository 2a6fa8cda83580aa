package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/pipeline/spec"
)

func writeSpec(t *testing.T, body string) string {
	p := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Every kind of bad input gets an error naming the problem; nothing runs and nothing is
// written under a real key.
func TestBadInput(t *testing.T) {
	cases := []struct {
		name, spec, profile, only, want string
	}{
		{"improper composition", `settings:
  - id: gauss-bad
    family: gaussian
    sources:
      - {name: a1, weight: 1, mean: [0, 0], var: [10, 1]}
      - {name: a2, weight: 1, mean: [0, 0], var: [1, 10]}
      - {name: "0", weight: -1, mean: [0, 0], var: [0.5, 0.5]}
`, "smoke", "", "improper"},
		{"negative variance", `settings:
  - id: gauss-neg
    family: gaussian
    sources:
      - {name: a1, weight: 1, mean: [0], var: [-1]}
      - {name: a2, weight: 1, mean: [0], var: [1]}
`, "smoke", "", "variances must be positive"},
		{"K < 1", `profiles:
  smoke: {ks: [1, 0]}
`, "smoke", "", "every K must be ≥ 1"},
		{"malformed yaml", "settings: [ {id: x, family: gaussian\n", "smoke", "", "malformed"},
		{"unknown field", "profiles:\n  smoke: {runz: 3}\n", "smoke", "", "runz"},
		{"unknown profile", "", "huge", "", "unknown profile"},
		{"unknown setting", "", "smoke", "gauss-nope", "unknown setting"},
		{"rejection impossible", `settings:
  - id: gmm-x
    family: mixture
    truth: rejection
    std: 1
    means: [[0, 0], [3, 0]]
    sources:
      - {name: a1, weight: 1, components: [0, 1]}
      - {name: a2, weight: 1, components: [0, 1]}
      - {name: "0", weight: -1, components: [0]}
`, "smoke", "", "unbounded"},
		{"mixed families for closed form", `settings:
  - id: gmm-cf
    family: mixture
    truth: closed-form
    std: 1
    means: [[0, 0]]
    sources:
      - {name: a1, weight: 1, components: [0]}
      - {name: a2, weight: 1, components: [0]}
`, "smoke", "", "closed-form ground truth needs Gaussian sources"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := smokeConfig(t, c.only)
			cfg.Profile = c.profile
			if c.spec != "" {
				cfg.Spec = writeSpec(t, c.spec)
			}
			s := NewSession(cfg)
			err := s.Setup()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v; want one mentioning %q", err, c.want)
			}
			if _, err := runTasks(t, context.Background(), cfg); err == nil {
				t.Fatal("the run succeeded")
			}
			if entries, _ := os.ReadDir(cfg.Cache); len(entries) > 0 {
				t.Fatalf("the cache has %d entries after a refused spec", len(entries))
			}
		})
	}
}

// A user spec adds a 3-D setting with four sources and its own weights, and overrides
// profile fields; the Gaussian target is closed-form for any valid w.
func TestUserSpecAddsSetting(t *testing.T) {
	p := writeSpec(t, `profiles:
  smoke: {runs: 1, ks: [2]}
  tiny: {base: smoke, samples: 50}
settings:
  - id: gauss-3d
    family: gaussian
    sources:
      - {name: a, weight: 1, mean: [1, 0, 0], var: [2, 2, 2]}
      - {name: b, weight: 0.5, mean: [0, 1, 0], var: [1, 3, 2]}
      - {name: c, weight: 0.5, mean: [0, 0, 1], var: [4, 1, 1]}
      - {name: base, weight: -0.5, mean: [0, 0, 0], var: [5, 5, 5]}
`)
	sp, err := spec.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := spec.Load("")
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.Settings) != len(builtin.Settings)+1 {
		t.Fatalf("%d settings, want the %d built-in plus 1", len(sp.Settings), len(builtin.Settings))
	}
	tiny, err := sp.Profile("tiny")
	if err != nil || tiny.Samples != 50 || tiny.Runs != 1 || tiny.Ks[0] != 2 {
		t.Fatalf("tiny profile %+v, %v", tiny, err)
	}
	cfg := smokeConfig(t, "gauss-3d")
	cfg.Spec = p
	cfg.Profile = "tiny"
	if _, err := runTasks(t, context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
}
