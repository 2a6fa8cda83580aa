package spec_test

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/pipeline/plan"
	"github.com/compdiff/compdiff/pipeline/spec"
)

// FuzzSpec feeds arbitrary bytes to the spec parser as a user spec. Whatever it gets, it
// must return an error or a spec; a spec must plan, within the size check, into a DAG whose
// node count the estimate bounds. The corpus is in testdata/fuzz/FuzzSpec; run it longer
// with `go test -run XXX -fuzz FuzzSpec -fuzztime 1m ./pipeline/spec`.
func FuzzSpec(f *testing.F) {
	f.Add([]byte("profiles:\n  smoke: {runs: 1}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > spec.MaxSpecBytes {
			return
		}
		base, err := spec.ParseSpec(spec.BuiltinSpec, "built-in spec")
		if err != nil {
			t.Fatal(err)
		}
		user, err := spec.ParseSpec(b, "fuzz")
		if err != nil {
			return
		}
		sp, err := spec.Resolve(base, user, "fuzz")
		if err != nil {
			return
		}
		for name, prof := range sp.Profiles {
			// The built-in profiles plan the same way every time, unless the input changed
			// them or the settings.
			if _, touched := user.Profiles[name]; !touched && len(user.Settings) == 0 {
				continue
			}
			est := plan.EstimateSize(prof, sp.Settings)
			// Plans the size check would let through, kept small so the fuzzer stays fast.
			small := plan.SizeLimits{Nodes: 1000, PlanBytes: 64 << 20, RunBytes: 4 << 30, DiskBytes: 1 << 40}
			if est.Check(small, 1) != nil {
				continue
			}
			p := plan.New(prof, sp.Settings, "fuzz", sp.Profiles)
			if got := uint64(len(p.Nodes)); got > est.Nodes {
				t.Fatalf("profile %s: plan has %d nodes, the estimate said at most %d", prof.Name, got, est.Nodes)
			}
		}
	})
}

// FuzzSpecNumbers drives the numbers of a well-formed spec (profile sizes, a Gaussian and a
// mixture setting) through validation, the size check and planning, where byte-level
// fuzzing rarely reaches.
func FuzzSpecNumbers(f *testing.F) {
	f.Add(1, 200, 300, 4, 100, 2, 1.0, 2.0, 1.0, -0.5, 0.8, 15.0, 1e-3)
	f.Add(100000000000, 1, 1, 0, -1, 0, math.Inf(1), math.NaN(), 1e308, -1e308, 0.0, 0.0, -1.0)
	f.Fuzz(func(t *testing.T, runs, samples, truth, k, n, dim int, mean, variance, w1, w0, std, gclip, lr float64) {
		num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
		vec := func(v float64) string {
			if dim < 0 || dim > 8 {
				return "[" + num(v) + "]"
			}
			s := make([]string, dim)
			for i := range s {
				s[i] = num(v)
			}
			return "[" + strings.Join(s, ", ") + "]"
		}
		text := fmt.Sprintf(`profiles:
  f: {base: smoke, runs: %d, samples: %d, truth_samples: %d, ks: [1, %d], ns: [%d], g_clip: %s, train: {lr: %s}}
settings:
  - id: fg
    family: gaussian
    sources:
      - {name: a1, weight: %s, mean: %s, var: %s}
      - {name: a2, weight: 1, mean: %s, var: %s}
      - {name: "0", weight: %s, mean: %s, var: %s}
  - id: fm
    family: mixture
    truth: importance
    std: %s
    means: [%s, %s]
    sources:
      - {name: a1, weight: 1, components: [0]}
      - {name: a2, weight: 1, components: [0, 1]}
      - {name: "0", weight: %s, components: [1]}
`, runs, samples, truth, k, n, num(gclip), num(lr), num(w1), vec(mean), vec(variance), vec(-mean), vec(variance), num(w0),
			vec(0), vec(variance+1), num(std), vec(mean), vec(-mean), num(w0))
		base, err := spec.ParseSpec(spec.BuiltinSpec, "built-in spec")
		if err != nil {
			t.Fatal(err)
		}
		user, err := spec.ParseSpec([]byte(text), "fuzz")
		if err != nil {
			return
		}
		sp, err := spec.Resolve(base, user, "fuzz")
		if err != nil {
			return
		}
		prof := sp.Profiles["f"]
		est := plan.EstimateSize(prof, sp.Settings)
		if est.Check(plan.SizeLimits{Nodes: 5000, PlanBytes: 64 << 20, RunBytes: 4 << 30, DiskBytes: 1 << 40}, 1) != nil {
			return
		}
		p := plan.New(prof, sp.Settings, "fuzz", sp.Profiles)
		if got := uint64(len(p.Nodes)); got > est.Nodes {
			t.Fatalf("plan has %d nodes, the estimate said at most %d", got, est.Nodes)
		}
	})
}
