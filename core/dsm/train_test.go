package dsm

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// TestTrainingIndependentOfGOMAXPROCS: the same seed must give the same weights bit for bit
// with one or two threads, and the trained field the same scores. The network is the
// paper's width (512): the GEMMs split over both cores and Adam runs on two goroutines.
func TestTrainingIndependentOfGOMAXPROCS(t *testing.T) {
	cfg := TrainConfig{Width: 512, Depth: 3, Batch: 510, Iters: 4, LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, LossEvery: 1}
	if testing.Short() { // emulated runs: still multiplies big enough to run in parallel
		cfg.Width, cfg.Iters = 96, 2
	}
	pools := [][]float64{{0, 0, 1, 1, 2, -1}, {5, 5, -3, 2}, {-1, 0.5}}
	x := make([]float64, 2*3000)
	r := rand.New(rand.NewPCG(5, 5))
	for k := range x {
		x[k] = 2 * r.NormFloat64()
	}
	run := func(procs int) ([]float32, []LossPoint, [][]float64) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m, curve, err := TrainConditional(pools, 2, cfg, rand.New(rand.NewPCG(42, 0)), nil)
		if err != nil {
			t.Fatal(err)
		}
		return m.Params(), curve, scores(ConditionalField(m, 2, 3), 0.6, x)
	}
	p1, c1, s1 := run(1)
	p2, c2, s2 := run(2)
	for i := range p1 {
		if p1[i] != p2[i] {
			t.Fatalf("parameter %d: %v with GOMAXPROCS=1, %v with 2", i, p1[i], p2[i])
		}
	}
	for i := range c1 {
		if c1[i] != c2[i] {
			t.Fatalf("loss point %d: %v vs %v", i, c1[i], c2[i])
		}
	}
	for a := range s1 {
		for k := range s1[a] {
			if s1[a][k] != s2[a][k] {
				t.Fatalf("score of source %d, entry %d: %v vs %v", a, k, s1[a][k], s2[a][k])
			}
		}
	}
}

func TestTrainLossCurveAndProgress(t *testing.T) {
	cfg := TrainConfig{Width: 8, Depth: 1, Batch: 12, Iters: 25, LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, LossEvery: 10}
	var calls []int
	m, curve, err := TrainSeparate([]float64{1, 2, 3, 4, 5, 6}, 3, cfg, rand.New(rand.NewPCG(1, 0)), func(it int) { calls = append(calls, it) })
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Config(); c.In != 4 || c.Out != 3 || c.Width != 8 || c.Depth != 1 {
		t.Errorf("model shape %+v", c)
	}
	if len(calls) != 25 || calls[24] != 25 {
		t.Errorf("progress calls %v", calls)
	}
	if len(curve) != 3 || curve[0].Iter != 10 || curve[1].Iter != 20 || curve[2].Iter != 25 {
		t.Errorf("loss curve %v", curve)
	}
	for _, p := range curve {
		if !(p.Loss > 0) {
			t.Errorf("loss point %v", p)
		}
	}
	mc, _, err := TrainConditional([][]float64{{1, 2}, {3, 4}, {5, 6}}, 2, cfg, rand.New(rand.NewPCG(1, 0)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := mc.Config(); c.In != 6 || c.Out != 2 {
		t.Errorf("conditional model shape %+v", c)
	}
}

func TestTrainRejectsBadInput(t *testing.T) {
	ok := TrainConfig{Width: 4, Depth: 1, Batch: 6, Iters: 1, LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, LossEvery: 1}
	r := rand.New(rand.NewPCG(1, 0))
	cases := []struct {
		name, want string
		err        func() error
	}{
		{"no pools", "no sources", func() error { _, _, err := TrainConditional(nil, 2, ok, r, nil); return err }},
		{"ragged pool", "multiple of d", func() error { _, _, err := TrainSeparate([]float64{1, 2, 3}, 2, ok, r, nil); return err }},
		{"empty pool", "multiple of d", func() error { _, _, err := TrainConditional([][]float64{{1, 2}, {}}, 2, ok, r, nil); return err }},
		{"small batch", "smaller than", func() error {
			c := ok
			c.Batch = 2
			_, _, err := TrainConditional([][]float64{{1}, {2}, {3}}, 1, c, r, nil)
			return err
		}},
		{"zero lr", "learning rate", func() error { c := ok; c.LR = 0; _, _, err := TrainSeparate([]float64{1}, 1, c, r, nil); return err }},
		{"bad beta", "betas", func() error { c := ok; c.Beta2 = 1; _, _, err := TrainSeparate([]float64{1}, 1, c, r, nil); return err }},
		{"loss every", "LossEvery", func() error {
			c := ok
			c.LossEvery = 0
			_, _, err := TrainSeparate([]float64{1}, 1, c, r, nil)
			return err
		}},
	}
	for _, c := range cases {
		if err := c.err(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	if p := PaperTrainConfig(); p.Validate() != nil || p.Width != 512 || p.Depth != 4 || p.Batch != 512 || p.Iters != 20000 || p.LR != 2e-4 {
		t.Errorf("paper config %+v", p)
	}
}
