package gemm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"
)

// machinePeak is the FMA-loop limit on all threads a multiply may use, measured once
// per process so every %peak figure is against the same number.
// The best of a few short runs: on a shared machine a single long run mostly measures
// the neighbours.
var machinePeak = sync.OnceValue(func() float64 {
	best := 0.0
	for i := 0; i < 6; i++ {
		best = max(best, PeakGFLOPS(min(runtime.GOMAXPROCS(0), runtime.NumCPU()), 50*time.Millisecond))
	}
	return best
})

func BenchmarkPeak(b *testing.B) {
	for _, th := range []int{1, runtime.NumCPU()} {
		b.Run(fmt.Sprintf("threads=%d", th), func(b *testing.B) {
			best := 0.0
			for b.Loop() {
				best = max(best, PeakGFLOPS(th, 50*time.Millisecond))
			}
			b.ReportMetric(best, "GFLOP/s")
		})
	}
}

// The MLP's multiplies: y = x·W forward (NN), dX = dY·Wᵀ (NT) and dW = Xᵀ·dY (TN)
// backward, for the 512-wide hidden layers, the thin input (d=5) and output (2) layers,
// and a sampling batch.
var benchShapes = []struct {
	name           string
	transA, transB bool
	m, n, k        int
}{
	{"hidden/NN", false, false, 512, 512, 512},
	{"hidden/NT", false, true, 512, 512, 512},
	{"hidden/TN", true, false, 512, 512, 512},
	{"in5/NN", false, false, 512, 512, 5},
	{"in5/TN", true, false, 5, 512, 512},
	{"out2/NN", false, false, 512, 2, 512},
	{"out2w64/NN", false, false, 2048, 2, 64}, // the default profile's output layer on a sampling chunk
	{"out2/NT", false, true, 512, 512, 2},
	{"out2/TN", true, false, 512, 2, 512},
	{"sample20000/NN", false, false, 20000, 512, 512},
}

func BenchmarkSgemm(b *testing.B) {
	peak := machinePeak()
	for _, s := range benchShapes {
		b.Run(fmt.Sprintf("%s/%dx%dx%d", s.name, s.m, s.n, s.k), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			p := newProblem(rng, s.transA, s.transB, s.m, s.n, s.k, 0, 0)
			c := make([]float32, len(p.c0))
			Sgemm(s.transA, s.transB, s.m, s.n, s.k, p.a, p.lda, p.b, p.ldb, 0, c, p.ldc)
			b.ResetTimer()
			for b.Loop() {
				Sgemm(s.transA, s.transB, s.m, s.n, s.k, p.a, p.lda, p.b, p.ldb, 0, c, p.ldc)
			}
			gflops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N) / b.Elapsed().Seconds() / 1e9
			b.ReportMetric(gflops, "GFLOP/s")
			b.ReportMetric(100*gflops/peak, "%peak")
		})
	}
}
