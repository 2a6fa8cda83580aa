package dsm

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/nn"
)

// flops counts 2·rows·in·out per layer product of m.
func flops(m *nn.MLP, rows int) float64 {
	f := 0.0
	for _, l := range m.Layers() {
		f += 2 * float64(rows) * float64(l.In) * float64(l.Out)
	}
	return f
}

func paperPools(r *rand.Rand, n int) [][]float64 {
	var pools [][]float64
	for _, v := range [][]float64{{10, 1}, {1, 10}, {10, 10}} {
		g, _ := dist.NewGaussian([]float64{0, 0}, v)
		pools = append(pools, g.Sample(r, n))
	}
	return pools
}

// BenchmarkTrainConditionalIter is one training iteration at the paper's settings (width
// 512, depth 4, batch 512 → 510 rows over three sources), batch sampling included.
// GFLOP/s counts three GEMMs per layer (forward, weight gradient, input gradient).
func BenchmarkTrainConditionalIter(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	t, err := newTrainer(paperPools(r, 10000), 2, true, PaperTrainConfig(), r)
	if err != nil {
		b.Fatal(err)
	}
	t.step(r)
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		t.step(r)
	}
	sec := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(sec*1e3, "ms/iter")
	b.ReportMetric(3*flops(t.m, t.rows)/sec/1e9, "GFLOP/s")
}

// BenchmarkConditionalField is one score evaluation of the paper's conditional network for
// 20 000 points × 3 sources (one 60 000-row forward pass).
func BenchmarkConditionalField(b *testing.B) {
	const n, S = 20000, 3
	r := rand.New(rand.NewPCG(1, 1))
	m, _ := nn.New(nn.Config{In: 1 + 2 + S, Out: 2, Width: 512, Depth: 4}, r)
	f := ConditionalField(m, 2, S)
	x := make([]float64, 2*n)
	for k := range x {
		x[k] = r.NormFloat64()
	}
	out := [][]float64{make([]float64, 2*n), make([]float64, 2*n), make([]float64, 2*n)}
	f.Scores(0.5, x, out)
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		f.Scores(0.5, x, out)
	}
	sec := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(sec*1e3, "ms/op")
	b.ReportMetric(flops(m, S*n)/sec/1e9, "GFLOP/s")
	b.ReportMetric(n/sec, "points/s")
}
