package plan

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/compdiff/compdiff/pipeline/spec"
	"github.com/compdiff/compdiff/stages"
)

func paperPlan(t *testing.T, only string) *Plan {
	t.Helper()
	spec, err := spec.Load("")
	if err != nil {
		t.Fatal(err)
	}
	prof, err := spec.Profile("paper")
	if err != nil {
		t.Fatal(err)
	}
	sel, err := spec.Select(only)
	if err != nil {
		t.Fatal(err)
	}
	return New(prof, sel, "", spec.Profiles)
}

// The model counts what the README's paper estimate counts: for gauss-nfc-id, the learned
// FKC cells evaluate runs·|N|·|kinds|·ΣK·samples·steps·sources = 4.6·10¹¹ network rows,
// and a paper training iteration is 3·2·512·(6·512 + 3·512² + 512·2) = 2.43 GFLOP.
func TestCostModelCounts(t *testing.T) {
	p := paperPlan(t, "gauss-nfc-id")
	rows := 0.0
	for _, n := range p.Stage("sample") {
		var sp stages.SampleParams
		if err := json.Unmarshal(n.Params, &sp); err != nil {
			t.Fatal(err)
		}
		if sp.Method == stages.MethodFKC && sp.Scores != stages.ScoresAnalytic && sp.Scores != stages.ScoresCoInD {
			rows += sampleRows(&sp)
		}
	}
	if want := 30.0 * 3 * 2 * (1 + 4 + 16 + 64 + 256) * 5000 * 500 * 3; rows != want {
		t.Errorf("learned FKC rows %.4g, want %.4g", rows, want)
	}
	for _, n := range p.Stage("train") {
		var tp stages.TrainParams
		json.Unmarshal(n.Params, &tp)
		if tp.Kind != stages.ScoresConditional {
			continue
		}
		perIter := 3.0 * 2 * 512 * (6*512 + 3*512*512 + 512*2)
		want := nodeOverheadSec + float64(tp.Iters)*perIter/trainFlopsPerCoreSec
		if got := CoreSeconds(n); math.Abs(got-want) > 1e-9*want {
			t.Errorf("conditional train node: %.6g core-seconds, want %.6g", got, want)
		}
		break
	}
}

// The critical path is the longest input chain, each node over its kind's CPUs; the wall
// time on C cores is at least that and at least the work over C.
func TestCostCriticalPath(t *testing.T) {
	p := paperPlan(t, "gmm-id")
	cpus := func(st string) int {
		if st == "train" || st == "sample" {
			return 4
		}
		return 1
	}
	rows, total, path := Estimate(p.Nodes, cpus)
	// Longest chain by hand: the longest sample node after its slowest model's chain.
	longest := 0.0
	for _, n := range p.Stage("sample") {
		chain := CoreSeconds(n) / 4
		in := 0.0
		for _, m := range n.Inputs {
			c := CoreSeconds(m) / 4
			for _, pool := range m.Inputs {
				c = max(c, CoreSeconds(m)/4+CoreSeconds(pool))
			}
			in = max(in, c)
		}
		longest = max(longest, in+chain)
	}
	if path < longest*(1-1e-12) || path > total {
		t.Errorf("critical path %.4g s; the slowest dataset→train→sample chain takes %.4g s (total work %.4g)", path, longest, total)
	}
	sum := 0
	for _, r := range rows {
		sum += r.Nodes
	}
	if sum != len(p.Nodes) {
		t.Errorf("rows count %d nodes, plan has %d", sum, len(p.Nodes))
	}
}
