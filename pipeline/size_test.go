package pipeline

import (
	"strings"
	"testing"
)

// A profile whose plan would not fit is refused by the size check before anything is
// allocated, naming the figures and the flag that overrides it.
func TestHugePlanRefused(t *testing.T) {
	p := writeSpec(t, "profiles:\n  big: {base: paper, runs: 10000, samples: 100000, ks: [1, 1000000]}\n")
	s := NewSession(Config{Profile: "big", Spec: p, Cache: t.TempDir(), Out: t.TempDir(), Jobs: 2})
	err := s.Setup()
	if err == nil || !strings.Contains(err.Error(), "too large") || !strings.Contains(err.Error(), "-allow-large") ||
		!strings.Contains(err.Error(), "nodes") || !strings.Contains(err.Error(), "running nodes") {
		t.Fatalf("want a refusal naming nodes, memory and -allow-large; got %v", err)
	}
	if s.Plan != nil {
		t.Fatal("a plan was built despite the refusal")
	}
}

// A plan refused for the memory of its largest node (here FKC with 10⁸ samples × K = 1000)
// is named as such, and -allow-large lets it through: the plan itself is small.
func TestAllowLarge(t *testing.T) {
	p := writeSpec(t, "profiles:\n  wide: {base: smoke, runs: 1, samples: 10000000, truth_samples: 300, ks: [1000]}\n")
	cfg := Config{Profile: "wide", Spec: p, Only: "gauss-fc-id", Cache: t.TempDir(), Out: t.TempDir(), Jobs: 2}
	err := NewSession(cfg).Setup()
	if err == nil || !strings.Contains(err.Error(), "gauss-fc-id sample N=10000000 K=1000") {
		t.Fatalf("want a refusal naming the largest node; got %v", err)
	}
	cfg.AllowLarge = true
	s := NewSession(cfg)
	if err := s.Setup(); err != nil {
		t.Fatalf("-allow-large: %v", err)
	}
	if s.Plan == nil || uint64(len(s.Plan.Nodes)) > s.Size.Nodes {
		t.Fatalf("plan of %v nodes, estimate %d", s.Plan, s.Size.Nodes)
	}
}
