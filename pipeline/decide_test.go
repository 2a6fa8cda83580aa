package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/pipeline/decide"
	"github.com/compdiff/compdiff/pipeline/plan"
)

// A smoke-sized study in a -spec file: a user setting naming claim 3 (a copy of gauss-fc-ood)
// and gauss-nfc-id (claim 2), conditional models on N = 10000 trained 30 iterations, K ∈ {1, 16}.
// Its calibration's reference is the profile's own training (the same train nodes), so the
// network passes calibration by construction and the thresholds on it decide — what this test
// exercises is the design of the looks, not the network.
const decideSpec = `
profiles:
  tiny:
    base: smoke
    runs: 3
    ks: [1, 16]
    ns: [10000]
    model_kinds: [conditional]
    coind_ns: []
    coind_lambdas: []
    calibration: {reference: {}, candidates: [], ns: [10000], runs: 3, margin: 0.03, families: [gaussian, mixture]}
settings:
  - id: my-fc-ood
    claim: 3
    family: gaussian
    sources:
      - {name: a1, weight: 1, mean: [0, 0], var: [10, 1]}
      - {name: a2, weight: 1, mean: [0, 0], var: [1, 10]}
      - {name: "0", weight: -1, mean: [0, 0], var: [1, 1]}
`

func decideConfig(t *testing.T, budget string) Config {
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte(decideSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	return Config{Profile: "tiny", Spec: spec, Only: "my-fc-ood,gauss-nfc-id", Jobs: 2, Budget: budget,
		Cache: filepath.Join(dir, "cache"), Out: filepath.Join(dir, "out"), Stdout: &bytes.Buffer{}}
}

func runDecide(t *testing.T, cfg Config) (*Session, *decide.Result) {
	t.Helper()
	s := NewSession(cfg)
	b, err := decide.ParseBudget(cfg.Budget)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Decide(context.Background(), b, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	return s, res
}

// -decide on a smoke-sized study: the user's setting (claim 3; an undertrained network is far
// from "reasonable" at K = 1, so claim 3 is contradicted once the runs suffice) buys runs and
// stops on decision; gauss-nfc-id's claim 2 cannot be decided within the plan and stops with
// the reason (the budget stops are tested in package decide). A second -decide runs no node.
func TestDecideStopsOnDecisionAndBudget(t *testing.T) {
	cfg := decideConfig(t, "")
	if _, err := runTasks(t, context.Background(), cfg, "calibrate"); err != nil {
		t.Fatal(err)
	}
	probe := NewSession(cfg)
	if err := probe.Setup(); err != nil {
		t.Fatal(err)
	}
	// A node budget of what 15 runs of both settings need; runs saved on the decided one go to the other.
	limit := len(plan.NewWith(probe.Plan.Profile, probe.Plan.Settings, "", probe.Spec.Profiles,
		plan.Options{Runs: map[string]int{"my-fc-ood": 15, "gauss-nfc-id": 15}}).Nodes)
	cfg.Budget = itoa(limit) + "nodes"
	_, res := runDecide(t, cfg)
	t.Logf("looks %d, runs %v, nodes ran %d, stops %v", res.Looks, res.Runs, res.Ran, res.Stops)
	if stop := res.Stops["3/my-fc-ood"]; !strings.HasPrefix(stop, "decided (CONTRADICTED)") {
		t.Errorf("user setting's claim 3: stop %q, want decided (CONTRADICTED)", stop)
	}
	// Claim 2's FKC effect is noise for such a network: its power analysis finds no option
	// within 30 runs, so it stops at once with the reason and buys nothing; claim 3 buys the
	// runs its analysis asks for until it is decided.
	if stop := res.Stops["2/gauss-nfc-id"]; !strings.Contains(stop, "not decidable within 30 runs") {
		t.Errorf("claim 2: stop %q, want not decidable within the plan", stop)
	}
	if res.Runs["gauss-nfc-id"] != 3 || res.Runs["my-fc-ood"] <= 3 {
		t.Errorf("runs %v: claim 3's setting should have bought runs, claim 2's none", res.Runs)
	}
	md, err := os.ReadFile(filepath.Join(cfg.Out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"### Claim 3 on my-fc-ood: CONTRADICTED", "Runs stopped: decided", "Runs stopped: open at look 1", "group-sequential, look", "passed calibration",
		"-decide ended before its budget", "-decide -budget " + cfg.Budget} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	_, again := runDecide(t, cfg)
	if again.Ran != 0 || again.Looks != res.Looks {
		t.Errorf("second -decide with nothing changed ran %d nodes over %d looks (first: %d looks)", again.Ran, again.Looks, res.Looks)
	}
}

func itoa(n int) string {
	var b []byte
	for n > 0 || len(b) == 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
