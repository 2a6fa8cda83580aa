package pipeline

import (
	"context"
	"strings"
	"testing"
)

// The paper profile on a 2-core machine is days of work: a local run is refused before any
// node runs, with the estimate and the ways out; -allow-large and a cluster executor pass.
func TestWorkTimeRefusesYears(t *testing.T) {
	cfg := smokeConfig(t, "gauss-nfc-id")
	cfg.Profile = "paper"
	s := NewSession(cfg)
	err := s.RunStage(context.Background(), "dataset", t.Logf)
	if err == nil {
		t.Fatal("a local paper-profile run was not refused")
	}
	for _, want := range []string{"core-hours", "-allow-large", "-executor slurm"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if ran := s.Runner.Ran(); len(ran) != 0 {
		t.Errorf("%d nodes ran before the refusal", len(ran))
	}
	s.Cfg.AllowLarge = true
	if err := s.checkWorkTime("dataset"); err != nil {
		t.Errorf("-allow-large: %v", err)
	}
	s.Cfg.AllowLarge, s.Cfg.Executor = false, "slurm"
	if err := s.checkWorkTime("dataset"); err != nil {
		t.Errorf("-executor slurm: %v", err)
	}
	// The smoke profile is seconds of work.
	small := NewSession(smokeConfig(t, "gauss-nfc-id"))
	if err := small.Setup(); err != nil {
		t.Fatal(err)
	}
	if err := small.checkWorkTime("dataset"); err != nil {
		t.Errorf("smoke refused: %v", err)
	}
}
