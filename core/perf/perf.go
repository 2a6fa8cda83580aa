// Package perf measures the hot kernels against the machine's physical limit: the fp32 FMA
// peak, GEMM at the MLP's shapes, a training iteration and a batched forward pass of the
// composed score. It backs the pipeline's `bench` task; `go test -bench` in core/gemm and
// core/nn measures the same things.
package perf

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/compdiff/compdiff/core/dsm"
	"github.com/compdiff/compdiff/core/gemm"
	"github.com/compdiff/compdiff/core/nn"
	"github.com/compdiff/compdiff/core/rng"
)

// Result is one measurement: a rate in GFLOP/s (or another unit) and, for GFLOP/s, its
// ratio to the measured peak.
type Result struct {
	Name    string
	Value   float64
	Unit    string
	Extra   string  // e.g. "9.4 ms/iter"
	OfPeak  float64 // 0 when not a flop rate
	Threads int
}

// Run measures everything on the active kernel path (gemm.Kernel), against that path's
// FMA peak; each timed section runs for about budget.
func Run(ctx context.Context, budget time.Duration) ([]Result, error) {
	threads := runtime.GOMAXPROCS(0)
	peak1 := gemm.PeakGFLOPS(1, budget)
	peak := gemm.PeakGFLOPS(threads, budget)
	out := []Result{
		{Name: "fp32 FMA peak, 1 core", Value: peak1, Unit: "GFLOP/s", Threads: 1},
		{Name: fmt.Sprintf("fp32 FMA peak, %d cores", threads), Value: peak, Unit: "GFLOP/s", OfPeak: 1, Threads: threads},
	}
	// addBytes times f; extraUnit/scale turn seconds per call into the Extra column, or
	// with bytes > 0 Extra is the memory traffic rate, the limit of the thin layers.
	addBytes := func(name string, flops, bytes float64, extraUnit string, scale float64, f func()) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		sec := timeIt(f, budget)
		g := flops / sec / 1e9
		r := Result{Name: name, Value: g, Unit: "GFLOP/s", OfPeak: g / peak, Threads: threads}
		switch {
		case bytes > 0:
			r.Extra = fmt.Sprintf("%.1f GB/s, %.3g µs", bytes/sec/1e9, sec*1e6)
		case extraUnit != "":
			r.Extra = fmt.Sprintf("%.3g %s", sec*scale, extraUnit)
		}
		out = append(out, r)
		return nil
	}
	add := func(name string, flops float64, extraUnit string, scale float64, f func()) error {
		return addBytes(name, flops, 0, extraUnit, scale, f)
	}
	for _, s := range []struct {
		name    string
		m, n, k int
		tA, tB  bool
	}{
		{"sgemm 512×512×512 (NN)", 512, 512, 512, false, false},
		{"sgemm 512×512×512 (TN, weight gradient)", 512, 512, 512, true, false},
		{"sgemm 512×512×512 (NT, input gradient)", 512, 512, 512, false, true},
		{"sgemm 512×512 by k=6 (first layer)", 512, 512, 6, false, false},
		{"sgemm 512×2 by k=512 (last layer)", 512, 2, 512, false, false},
		{"sgemm 4096×512×512 (sampling chunk)", 4096, 512, 512, false, false},
	} {
		a := fill(s.m * s.k)
		b := fill(s.k * s.n)
		c := make([]float32, s.m*s.n)
		lda, ldb := s.k, s.n
		if s.tA {
			lda = s.m
		}
		if s.tB {
			ldb = s.k
		}
		// Thin products (k or n tiny) move more bytes than they compute: report GB/s.
		bytes := 0.0
		if min(s.k, s.n) <= 8 {
			bytes = 4 * float64(s.m*s.k+s.k*s.n+s.m*s.n)
		}
		if err := addBytes(s.name, 2*float64(s.m*s.n*s.k), bytes, "", 0, func() {
			gemm.Sgemm(s.tA, s.tB, s.m, s.n, s.k, a, lda, b, ldb, 0, c, s.n)
		}); err != nil {
			return nil, err
		}
	}
	// A training iteration (forward + backward, 3 GEMMs a layer, + Adam) and the composed
	// score of a sampling step (20 000 points × 3 sources in one pass), at the paper's
	// network and at the default profile's.
	for _, net := range []struct {
		name    string
		cfg     nn.Config
		perCore bool // also measured one network per core, as the pipeline's workers run it
	}{
		{"width 512, depth 4", nn.Config{In: 6, Out: 2, Width: 512, Depth: 4}, false},
		{"width 64, depth 3", nn.Config{In: 6, Out: 2, Width: 64, Depth: 3}, true},
	} {
		m, err := nn.New(net.cfg, rng.New(1, "bench"))
		if err != nil {
			return nil, err
		}
		rows := 512
		// train and forward build one independent instance of the work (own parameters,
		// optimizer state and workspace), so several can run at once.
		train := func() func() {
			m, _ := nn.FromParams(net.cfg, append([]float32(nil), m.Params()...))
			x, tgt := fill(rows*net.cfg.In), fill(rows*net.cfg.Out)
			grad := make([]float32, m.NumParams())
			opt := &nn.Adam{LR: 2e-4, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
			var ws nn.Workspace
			return func() {
				m.LossGrad(&ws, x, tgt, rows, grad)
				opt.Step(m.Params(), grad)
			}
		}
		n := 20000
		forward := func() func() {
			f := dsm.ConditionalField(m, 2, 3)
			xs := make([]float64, 2*n)
			sc := [][]float64{make([]float64, 2*n), make([]float64, 2*n), make([]float64, 2*n)}
			return func() { f.Scores(0.5, xs, sc) }
		}
		works := []struct {
			name, unit string
			flops      float64
			mk         func() func()
		}{
			{"training iteration (" + net.name + ", batch 512)", "ms/iter", 3 * ForwardFlops(net.cfg, rows), train},
			{"composed-score forward (" + net.name + ", 20 000 × 3 rows)", "ms/pass", ForwardFlops(net.cfg, 3*n), forward},
		}
		for _, w := range works {
			if err := add(w.name, w.flops, w.unit, 1e3, w.mk()); err != nil {
				return nil, err
			}
		}
		if !net.perCore || threads < 2 {
			continue
		}
		for _, w := range works {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			sec := timeEach(threads, w.mk, budget)
			g := w.flops / sec / 1e9
			out = append(out, Result{Name: w.name + ", one per core", Value: g, Unit: "GFLOP/s", OfPeak: g / peak, Threads: threads,
				Extra: fmt.Sprintf("%.3g %s on each core", sec*float64(threads)*1e3, w.unit)})
		}
	}
	return out, nil
}

// ForwardFlops counts 2·rows·in·out multiply-adds for every layer of the MLP.
func ForwardFlops(c nn.Config, rows int) float64 {
	in, fl := c.In, 0.0
	for l := 0; l < c.Depth; l++ {
		fl += 2 * float64(rows*in*c.Width)
		in = c.Width
	}
	return fl + 2*float64(rows*in*c.Out)
}

// timeEach runs one instance of the work on every core at once, each with single-threaded
// multiplies — how the pipeline's workers run nodes of the default profile side by side —
// and returns the machine's seconds per call (wall time over all calls on all cores).
func timeEach(threads int, mk func() func(), budget time.Duration) float64 {
	defer gemm.SetMaxThreads(gemm.SetMaxThreads(1))
	fs := make([]func(), threads)
	for i := range fs {
		fs[i] = mk()
		fs[i]() // warm-up
	}
	var calls atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for _, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; time.Since(start) < budget || n < 3; n++ {
				f()
				calls.Add(1)
			}
		}()
	}
	wg.Wait()
	return time.Since(start).Seconds() / float64(calls.Load())
}

// timeIt returns seconds per call of f, after a warm-up, over about budget of calls.
func timeIt(f func(), budget time.Duration) float64 {
	f()
	n := 0
	start := time.Now()
	for time.Since(start) < budget || n < 3 {
		f()
		n++
	}
	return time.Since(start).Seconds() / float64(n)
}

func fill(n int) []float32 {
	r := rng.New(7, "bench-fill")
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}
