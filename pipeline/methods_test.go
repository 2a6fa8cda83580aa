package pipeline

import (
	"strings"
	"testing"
)

func TestMethodsBadInput(t *testing.T) {
	for _, c := range []struct{ name, spec, want string }{
		{"unknown profile method", "profiles:\n  smoke: {methods: [ode, langevin]}\n", `"langevin"`},
		{"unknown setting method", `settings:
  - id: gauss-m
    family: gaussian
    methods: [superdiff-xor]
    sources:
      - {name: a1, weight: 1, mean: [0, 0], var: [10, 1]}
      - {name: a2, weight: 1, mean: [0, 0], var: [1, 10]}
      - {name: "0", weight: -1, mean: [0, 0], var: [10, 10]}
`, `"superdiff-xor"`},
		{"coind N outside ns", "profiles:\n  smoke: {coind_ns: [1000]}\n", "not in ns"},
		{"methods N outside ns", "profiles:\n  smoke: {methods_ns: [5]}\n", "not in ns"},
		{"negative λ", "profiles:\n  smoke: {coind_lambdas: [-1]}\n", "penalty weight"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := smokeConfig(t, "")
			cfg.Spec = writeSpec(t, c.spec)
			if err := NewSession(cfg).Setup(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v; want one mentioning %s", err, c.want)
			}
		})
	}
}
