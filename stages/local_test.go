package stages

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/core/local"
	"github.com/compdiff/compdiff/core/scene"
	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/data/cell"
)

func localTask() local.Task {
	sp := scene.Default()
	return local.Task{Scene: sp, M: 2, Patch: 1, Requested: []int{0, 3}, Levels: []float64{0.3, 0.8}}
}

// localNodes numbers the nodes runLocalNode stores, for their keys.
var localNodes = 100

// runLocalNode runs one node of stage into st and returns its key.
func runLocalNode(t *testing.T, st *data.Store, stage string, params any, inputs map[string]data.Key) data.Key {
	t.Helper()
	raw, err := json.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	localNodes++
	key := data.Key(fmt.Sprintf("%032x", localNodes))
	def, _ := Lookup(stage)
	out, err := def.Run(context.Background(), &Env{Store: st, Key: key, Inputs: inputs}, raw)
	if err != nil {
		t.Fatalf("%s node: %v", stage, err)
	}
	if err := st.Put(&data.Manifest{Key: key, Stage: stage, Version: def.Version, Params: raw}, out.Parts); err != nil {
		t.Fatal(err)
	}
	return key
}

// The measurement on the exact target's own scenes with the exact scores: the reader finds
// the request (≥ 99% exact, see core/local's reader test for the bound) and Lemma 1 holds
// at each level (radius 0, no influence beyond the patch).
func TestLocalMeasurementOnTruth(t *testing.T) {
	task := localTask()
	law, err := local.Target(task.Scene, task.Mask())
	if err != nil {
		t.Fatal(err)
	}
	x, _ := task.Scene.Sample(law, 2000, rand.New(rand.NewPCG(1, 2)))
	raw, _ := json.Marshal(LocalMeasure{Task: task, Network: string(cell.Analytic), Probes: 4, Seed: 1})
	vs, err := measureLocal(raw, x, x, task.Scene.Dim(), nil)
	if err != nil {
		t.Fatal(err)
	}
	v := values(vs)
	if v["exact"] < 0.99 || v["success"] < v["exact"] || v["hits"] < 0.99 {
		t.Fatalf("exact target read as exact %v, success %v, hits %v", v["exact"], v["success"], v["hits"])
	}
	for _, s := range task.Levels {
		if r, f := v[local.LevelMetric("radius", s)], v[local.LevelMetric("far", s)]; r != 0 || f > 1e-12 {
			t.Fatalf("s = %v: exact radius %v, far share %v; Lemma 1 says 0", s, r, f)
		}
	}
}

// A local network through the stages: the train node (a registered kind), a sample node
// under the request, a metrics node that reads the network as its input "model". The local
// patch network cannot move cells beyond its patch, so its far share is exactly 0; the
// artifacts carry the registered model as their cell.
func TestLocalNetworkThroughStages(t *testing.T) {
	task := localTask()
	st, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tp, err := NewLocalTrain(task, local.NetLocal, TrainParams{Width: 8, Depth: 1, Batch: 8, Iters: 5, LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, LossEvery: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	model := runLocalNode(t, st, "train", tp, nil)
	law, _ := local.Target(task.Scene, task.Mask())
	x, _ := task.Scene.Sample(law, 20, rand.New(rand.NewPCG(3, 4)))
	truth := data.Key(fmt.Sprintf("%032x", 77))
	if err := st.Put(&data.Manifest{Key: truth, Stage: "truth", Version: 1, Params: json.RawMessage(`{}`)}, map[string]*data.Table{"main": data.SamplesTable(x, task.Scene.Dim())}); err != nil {
		t.Fatal(err)
	}
	cond, _ := json.Marshal(LocalCond{Requested: task.Requested})
	c := cell.Cell{Setting: "local-test", Column: cell.Learned(cell.Model(local.NetLocal), 40), Method: cell.FKC, K: 1}
	smp := runLocalNode(t, st, "sample", SampleParams{Scores: local.NetLocal, Dim: task.Scene.Dim(), Weights: []float64{1}, Method: MethodFKC,
		N: 10, K: 1, Steps: 4, Seed: 1, Cell: &c, Cond: cond}, map[string]data.Key{"model": model})
	raw, _ := json.Marshal(LocalMeasure{Task: task, Network: local.NetLocal, Probes: 3, Seed: 1})
	met := runLocalNode(t, st, "metrics", MetricsParams{Projections: 8, Seed: 1, Measure: &cell.Measure{Family: LocalFamily, Params: raw}},
		map[string]data.Key{"samples": smp, "truth": truth, "model": model})
	tab, err := st.Get(met, "main")
	if err != nil {
		t.Fatal(err)
	}
	got, err := cell.FromMeta(tab.Meta)
	if err != nil || got.Model != cell.Model(local.NetLocal) {
		t.Fatalf("metrics artifact cell %+v (%v); want model %s", got, err, local.NetLocal)
	}
	names, _ := tab.Str("metric")
	vals, _ := tab.F64("value")
	seen := map[string]float64{}
	for i, n := range names {
		seen[n] = vals[i]
	}
	for _, s := range task.Levels {
		f, ok := seen[local.LevelMetric("far", s)]
		if !ok || f != 0 {
			t.Fatalf("s = %v: the patch network's far share %v (present %v); its architecture makes it 0", s, f, ok)
		}
	}
	for _, m := range []string{"success", "exact", "invalid", "sw2", "count.0"} {
		if _, ok := seen[m]; !ok {
			t.Errorf("metrics lack %q (have %v)", m, names)
		}
	}
}

// Lemma 1's checks pass on a local setting, one radius and one far-share check (none for
// K = 0, which has no conditioner).
func TestLocalChecks(t *testing.T) {
	for _, req := range [][]int{{0, 3}, {}} {
		task := localTask()
		task.Requested = req
		raw, _ := json.Marshal(task)
		rs := &ReportSetting{Setting: cell.Setting{ID: "local-check", Family: LocalFamily, Measure: &cell.Measure{Family: LocalFamily, Params: raw}}}
		cs, err := localChecks(nil, rs)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{true: 2, false: 1}[len(req) > 0]; len(cs) != want {
			t.Fatalf("requested %v: %d checks, want %d", req, len(cs), want)
		}
		for _, c := range cs {
			if !c.Pass || !strings.HasPrefix(c.Theorem, "Lemma 1") {
				t.Fatalf("requested %v: %s %s: measured %v", req, c.Theorem, c.Quantity, c.Measured)
			}
		}
	}
}

// The seams leave the built-in kinds' params as they were: no "params" in a built-in
// train node's JSON, no "cond" in a sample node's, so their keys are unchanged.
func TestLocalSeamsKeepKeys(t *testing.T) {
	tp, _ := json.Marshal(TrainParams{Kind: ScoresConditional, Dim: 2})
	sp, _ := json.Marshal(SampleParams{Scores: ScoresConditional, Dim: 2})
	if strings.Contains(string(tp), `"params"`) || strings.Contains(string(sp), `"cond"`) {
		t.Fatalf("built-in params carry the new fields: %s / %s", tp, sp)
	}
	if _, err := cell.ParseModel(local.NetWhole); err != nil {
		t.Fatal(err)
	}
}
