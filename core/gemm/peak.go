package gemm

import (
	"runtime"
	"sync"
	"time"
)

// PeakGFLOPS measures the float32 multiply-add limit of the active code path: threads
// goroutines (each locked to an OS thread; threads ≤ 0 means runtime.NumCPU()) run a
// loop of independent fused multiply-adds on the path's vectors (the generic path: the
// widest the CPU has) for about d. Each lane of each FMA counts as 2 flops. Benchmarks
// report GEMM speed against it, so a forced narrower path is judged by its own limit.
func PeakGFLOPS(threads int, d time.Duration) float64 {
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	loop, flopsPerIter := peakLoop(active.Load())
	const iters = 1 << 14 // one call is tens of microseconds: fine-grained enough to stop near d
	var wg sync.WaitGroup
	start := make(chan struct{})
	calls := make([]int64, threads)
	for t := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			<-start
			t0 := time.Now()
			for time.Since(t0) < d {
				loop(iters)
				calls[t]++
			}
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	wall := time.Since(t0).Seconds()
	var total float64
	for _, c := range calls {
		total += float64(c) * iters * flopsPerIter
	}
	return total / wall / 1e9
}

// peakLoop is k's FMA loop, or the widest path's for the generic one.
func peakLoop(k *kernel) (loop func(n int), flopsPerIter float64) {
	if k.peak == nil {
		k = available[0]
	}
	if k.peak == nil {
		return peakGo, 8 * 2
	}
	return k.peak, k.peakFlops
}

// peakGo is the portable stand-in: 8 independent scalar multiply-add chains.
func peakGo(n int) {
	x0, x1, x2, x3, x4, x5, x6, x7 := float32(0), float32(0), float32(0), float32(0), float32(0), float32(0), float32(0), float32(0)
	m, c := float32(0.5), float32(1)
	for i := 0; i < n; i++ {
		x0 = x0*m + c
		x1 = x1*m + c
		x2 = x2*m + c
		x3 = x3*m + c
		x4 = x4*m + c
		x5 = x5*m + c
		x6 = x6*m + c
		x7 = x7*m + c
	}
	peakSink = x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7
}

var peakSink float32
