package nn

import (
	"math/rand/v2"
	"testing"
	"time"
)

// paperShape is SPEC §6's conditional network for d = 2 and three sources.
var paperShape = Config{In: 6, Out: 2, Width: 512, Depth: 4}

// gemmFlops counts 2·rows·in·out per layer product.
func gemmFlops(cfg Config, rows int) float64 {
	f := 0.0
	for _, s := range cfg.layerShapes() {
		f += 2 * float64(rows) * float64(s[0]) * float64(s[1])
	}
	return f
}

// BenchmarkTrainIter is one training iteration (LossGrad + Adam) of the paper's network on
// a batch of 512. GFLOP/s counts three GEMMs per layer (forward, weight and input grads).
func BenchmarkTrainIter(b *testing.B) {
	const rows = 512
	r := rand.New(rand.NewPCG(1, 2))
	m, _ := New(paperShape, r)
	x, tg := randMat(r, rows*paperShape.In, 1), randMat(r, rows*paperShape.Out, 1)
	grad := make([]float32, m.NumParams())
	opt := &Adam{LR: 2e-4, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	ws := new(Workspace)
	m.LossGrad(ws, x, tg, rows, grad)
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		m.LossGrad(ws, x, tg, rows, grad)
		opt.Step(m.Params(), grad)
	}
	sec := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(sec*1e3, "ms/iter")
	b.ReportMetric(3*gemmFlops(paperShape, rows)/sec/1e9, "GFLOP/s")
}

// BenchmarkLossGrad is the forward + backward part of BenchmarkTrainIter alone.
func BenchmarkLossGrad(b *testing.B) {
	const rows = 512
	r := rand.New(rand.NewPCG(1, 2))
	m, _ := New(paperShape, r)
	x, tg := randMat(r, rows*paperShape.In, 1), randMat(r, rows*paperShape.Out, 1)
	grad := make([]float32, m.NumParams())
	ws := new(Workspace)
	m.LossGrad(ws, x, tg, rows, grad)
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		m.LossGrad(ws, x, tg, rows, grad)
	}
	sec := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(sec*1e3, "ms/iter")
	b.ReportMetric(3*gemmFlops(paperShape, rows)/sec/1e9, "GFLOP/s")
}

// BenchmarkAdam is one optimizer step over the paper network's 1.58 M parameters.
func BenchmarkAdam(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	n := paperShape.NumParams()
	p, g := randMat(r, n, 1), randMat(r, n, 1)
	opt := &Adam{LR: 2e-4, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	b.SetBytes(int64(7 * 4 * n)) // reads p, g, m, v; writes p, m, v
	for range b.N {
		opt.Step(p, g)
	}
}

// BenchmarkForward is inference on 60 000 rows (20 000 points × 3 sources).
func BenchmarkForward(b *testing.B) { benchForward(b, paperShape, 60000) }

// BenchmarkForwardDefault is a forward pass of the default profile's network (width 64,
// depth 3) on 20 000 rows, the sampling stage's shape; run it with -cpu 1 to see it as the
// pipeline's workers do (one node per core).
func BenchmarkForwardDefault(b *testing.B) {
	benchForward(b, Config{In: 6, Out: 2, Width: 64, Depth: 3}, 20000)
}

func benchForward(b *testing.B, shape Config, rows int) {
	r := rand.New(rand.NewPCG(1, 2))
	m, _ := New(shape, r)
	x := randMat(r, rows*shape.In, 1)
	ws := new(Workspace)
	m.Forward(ws, x, rows)
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		m.Forward(ws, x, rows)
	}
	sec := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(gemmFlops(shape, rows)/sec/1e9, "GFLOP/s")
}

// BenchmarkBiasSiLU is the forward epilogue alone on one 512×512 activation matrix.
// (Inside the GEMM it runs on small blocks already in L1; here the matrix comes from L2.)
func BenchmarkBiasSiLU(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	src, bias, d := randMat(r, 512*512, 2), randMat(r, 512, 1), make([]float32, 512*512)
	c := make([]float32, len(src))
	b.SetBytes(4 * 512 * 512)
	// Every pass restarts from the same pre-activations (repeated SiLU would drift);
	// subtract the copy-only time.
	b.Run("infer", func(b *testing.B) {
		for range b.N {
			copy(c, src)
			biasSiLUBlock(c, 512, bias, 512, 512)
		}
	})
	b.Run("train", func(b *testing.B) {
		for range b.N {
			copy(c, src)
			biasSiLUDerivBlock(c, 512, bias, d, 512, 512, 512)
		}
	})
	b.Run("copy-only", func(b *testing.B) {
		for range b.N {
			copy(c, src)
		}
	})
}
