package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goyek/goyek/v2"
)

// runLogged runs the study like run and returns what it logged.
func runLogged(t *testing.T, cfg Config) (*Session, string) {
	t.Helper()
	s := NewSession(cfg)
	var log bytes.Buffer
	flow := &goyek.Flow{}
	flow.SetOutput(&log)
	Define(flow, s)
	if err := flow.Execute(context.Background(), []string{"all"}); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	return s, log.String()
}

// A corrupt artifact found before its node runs is recomputed in the same run, and the
// log says so in the past tense once it is done, not "on the next run".
func TestCorruptArtifactMessage(t *testing.T) {
	cfg := smokeConfig(t, "gauss-fc-id")
	s, _ := runLogged(t, cfg)
	victim := s.Plan.Stage("metrics")[0]
	path := filepath.Join(cfg.Cache, string(victim.Key[:2]), string(victim.Key)+".arrow")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, log := runLogged(t, cfg)
	for _, want := range []string{"part main is corrupt", "moved aside to", "recomputing it in this run", string(victim.Key) + "): recomputed"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "next run") {
		t.Errorf("log promises a next run although this one recomputed the artifact:\n%s", log)
	}
}
