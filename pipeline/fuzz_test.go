package pipeline

import (
	"testing"
)

// FuzzSpec feeds arbitrary bytes to the spec parser as a user spec. Whatever it gets, it
// must return an error or a spec; a spec must plan, within the size check, into a DAG whose
// node count the estimate bounds. The corpus is in testdata/fuzz/FuzzSpec; run it longer
// with `go test -run XXX -fuzz FuzzSpec -fuzztime 1m ./pipeline`.
func FuzzSpec(f *testing.F) {
	f.Add([]byte("profiles:\n  smoke: {runs: 1}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > maxSpecBytes {
			return
		}
		base, err := parseSpec(builtinSpec, "built-in spec")
		if err != nil {
			t.Fatal(err)
		}
		user, err := parseSpec(b, "fuzz")
		if err != nil {
			return
		}
		sp, err := resolve(base, user, "fuzz")
		if err != nil {
			return
		}
		for _, prof := range sp.Profiles {
			est := EstimateSize(prof, sp.Settings)
			// Plans the size check would let through, kept small so the fuzzer stays fast.
			small := SizeLimits{Nodes: 5000, PlanBytes: 64 << 20, RunBytes: 4 << 30, DiskBytes: 1 << 40}
			if est.Check(small, 1) != nil {
				continue
			}
			plan := NewPlan(prof, sp.Settings, "fuzz", sp.Profiles)
			if got := uint64(len(plan.Nodes)); got > est.Nodes {
				t.Fatalf("profile %s: plan has %d nodes, the estimate said at most %d", prof.Name, got, est.Nodes)
			}
		}
	})
}
