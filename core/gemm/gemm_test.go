package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"testing"
)

type problem struct {
	transA, transB bool
	m, n, k        int
	lda, ldb, ldc  int
	a, b, c0       []float32
	beta           float32
	tol            []float64 // per element of the m×n block, see tolerance
}

// newProblem builds random operands; pad > 0 makes every leading dimension larger than
// the stored row length.
func newProblem(rng *rand.Rand, transA, transB bool, m, n, k, pad int, beta float32) *problem {
	p := &problem{transA: transA, transB: transB, m: m, n: n, k: k, beta: beta}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	p.lda, p.ldb, p.ldc = ac+pad, bc+pad, n+pad
	p.a = randSlice(rng, max(0, (ar-1)*p.lda+ac))
	p.b = randSlice(rng, max(0, (br-1)*p.ldb+bc))
	p.c0 = randSlice(rng, max(0, (m-1)*p.ldc+n))
	return p
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

func (p *problem) run(f func(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)) []float32 {
	c := append([]float32(nil), p.c0...)
	f(p.transA, p.transB, p.m, p.n, p.k, p.a, p.lda, p.b, p.ldb, p.beta, c, p.ldc)
	return c
}

func (p *problem) at(x []float32, ld int, trans bool, i, j int) float32 {
	if trans {
		return x[j*ld+i]
	}
	return x[i*ld+j]
}

// check compares got with the reference result ref element by element.
//
// Tolerance: any order of summing k float32 products (with or without FMA) has error at
// most γ_k·Σ|a||b| ≤ k·u·Σ|a||b| with u = eps32/2 (Higham, §3.1); the kernels and Reference
// each meet that bound, so they differ by at most 2·k·u·Σ|a||b| = k·eps32·Σ|a||b|. Adding
// beta·c costs one more rounding, covered by including |c| in the sum. 4·k·eps32 leaves a
// factor 4 of slack; it is still far below the error of a wrong index (≈ Σ|a||b|/√k).
// Elements outside the m×n block (padding) must be untouched.
func (p *problem) check(t *testing.T, name string, got, ref []float32) {
	t.Helper()
	if p.tol == nil {
		p.tol = p.tolerance()
	}
	bad := 0
	for i := 0; i < p.m; i++ {
		for j := 0; j < p.n; j++ {
			tol := p.tol[i*p.n+j]
			g, r := got[i*p.ldc+j], ref[i*p.ldc+j]
			if d := math.Abs(float64(g) - float64(r)); !(d <= tol) {
				if bad < 5 {
					t.Errorf("%s: C[%d,%d] = %g, reference %g (|diff| %.3g > tol %.3g)", name, i, j, g, r, d, tol)
				}
				bad++
			}
		}
	}
	for idx := range got {
		if i, j := idx/p.ldc, idx%p.ldc; i >= p.m || j >= p.n {
			if got[idx] != p.c0[idx] {
				t.Errorf("%s: padding C[%d,%d] changed from %g to %g", name, i, j, p.c0[idx], got[idx])
				return
			}
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d elements out of tolerance", name, bad)
	}
}

// tolerance: any order of summing k float32 products (with or without FMA) has error at
// most γ_k·Σ|a||b| ≤ k·u·Σ|a||b| with u = eps32/2 (Higham, §3.1); the kernels and Reference
// each meet that bound, so they differ by at most 2·k·u·Σ|a||b| = k·eps32·Σ|a||b|. Adding
// beta·c costs one more rounding, covered by including |c| in the sum. 4·k·eps32 leaves a
// factor 4 of slack; it is still far below the error of a wrong index (≈ Σ|a||b|/√k).
func (p *problem) tolerance() []float64 {
	const eps32 = 1.0 / (1 << 23)
	tol := make([]float64, p.m*p.n)
	// |op(A)|·|op(B)| by rank-1 updates: row i of the bound gets |a_iq|·|row q of op(B)|.
	for i := 0; i < p.m; i++ {
		row := tol[i*p.n : (i+1)*p.n]
		for q := 0; q < p.k; q++ {
			aq := math.Abs(float64(p.at(p.a, p.lda, p.transA, i, q)))
			for j := range row {
				row[j] += aq * math.Abs(float64(p.at(p.b, p.ldb, p.transB, q, j)))
			}
		}
		for j := range row {
			if p.beta != 0 {
				row[j] += math.Abs(float64(p.c0[i*p.ldc+j]))
			}
			row[j] *= 4 * float64(max(p.k, 1)) * eps32
		}
	}
	return tol
}

// smallBlocking shrinks the blocking so small problems exercise several k blocks, k
// ranges, column jobs and row chunks, and always run in parallel.
func smallBlocking(t *testing.T) {
	saved := blk
	blk = blocking{kc: 16, aChunk: 512, maxChunkRows: 24, bJob: 2048, parallelFlops: 0}
	t.Cleanup(func() { blk = saved })
}

func forEachKernel(t *testing.T, f func(t *testing.T)) {
	for _, name := range Kernels() {
		t.Run(name, func(t *testing.T) {
			restore, err := SetKernel(name)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			f(t)
		})
	}
}

func TestAgreesWithReference(t *testing.T) {
	shapes := []struct{ m, n, k, pad int }{
		{1, 1, 1, 0},
		{7, 13, 5, 0},
		{7, 13, 5, 3},
		{513, 511, 257, 0},
		{37, 70, 300, 5}, // k > kcMax: two k blocks
		{33, 65, 1, 0},
		{12, 32, 4, 1}, // exactly one avx512 tile
		{5, 2, 512, 0},
		{300, 3, 40, 2}, // few columns: computed as Cᵀ
		// few columns with k a whole number of vectors: the row-dot path (NN only)
		{450, 2, 64, 3}, {193, 1, 16, 0}, {7, 3, 48, 1}, {9, 4, 512, 2}, {1, 2, 16, 0}, {385, 2, 8, 0},
		{20, 100, 37, 1}, // few row tiles: full B panels read in place
		{20, 32, 10, 0},  // ... with ldb equal to the panel width
		{0, 5, 3, 0},
		{5, 0, 3, 0},
		{4, 6, 0, 2}, // k = 0: C = beta·C
	}
	rng := rand.New(rand.NewPCG(1, 2))
	type tc struct {
		name string
		p    *problem
		ref  []float32
	}
	var cases []tc
	for _, s := range shapes {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, beta := range []float32{0, 1} {
					p := newProblem(rng, ta, tb, s.m, s.n, s.k, s.pad, beta)
					name := fmt.Sprintf("%s%s_m%d_n%d_k%d_pad%d_beta%g", tn(ta), tn(tb), s.m, s.n, s.k, s.pad, beta)
					cases = append(cases, tc{name, p, p.run(Reference)})
				}
			}
		}
	}
	forEachKernel(t, func(t *testing.T) {
		for _, c := range cases {
			a, b := slices.Clone(c.p.a), slices.Clone(c.p.b)
			c.p.check(t, c.name, c.p.run(Sgemm), c.ref)
			if !slices.Equal(a, c.p.a) || !slices.Equal(b, c.p.b) {
				t.Errorf("%s: Sgemm wrote to A or B", c.name)
			}
		}
		t.Run("small-blocking", func(t *testing.T) {
			smallBlocking(t)
			for _, c := range cases {
				c.p.check(t, c.name, c.p.run(Sgemm), c.ref)
			}
		})
	})
}

func tn(trans bool) string {
	if trans {
		return "T"
	}
	return "N"
}

// TestEpilogue: every element is handed to the epilogue exactly once, after its last
// update; small blocking makes the shapes span several k ranges and column jobs.
func TestEpilogue(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	smallBlocking(t)
	for _, s := range []struct {
		m, n, k int
		nn      bool // also untransposed A and B (the row-dot path for few columns)
	}{{45, 77, 9, false}, {130, 170, 140, false}, {600, 100, 64, false}, {200, 5, 30, false}, {500, 2, 64, true}, {401, 3, 32, true}} {
		layouts := [][2]bool{{false, true}, {true, false}}
		if s.nn {
			layouts = append(layouts, [2]bool{false, false})
		}
		for _, tr := range layouts {
			p := newProblem(rng, tr[0], tr[1], s.m, s.n, s.k, 1, 1)
			ref := p.run(Reference)
			forEachKernel(t, func(t *testing.T) {
				count := make([]int32, len(p.c0))
				seen := append([]float32(nil), p.c0...)
				c := append([]float32(nil), p.c0...)
				epi := func(c []float32, ldc, i0, i1, j0, j1 int) {
					for i := i0; i < i1; i++ {
						for j := j0; j < j1; j++ {
							count[i*ldc+j]++ // blocks are disjoint, so no race
							seen[i*ldc+j] = c[i*ldc+j]
							c[i*ldc+j] += 1
						}
					}
				}
				SgemmEpi(p.transA, p.transB, p.m, p.n, p.k, p.a, p.lda, p.b, p.ldb, p.beta, c, p.ldc, epi)
				for i := 0; i < p.m; i++ {
					for j := 0; j < p.n; j++ {
						x := i*p.ldc + j
						if count[x] != 1 {
							t.Fatalf("%v: epilogue saw C[%d,%d] %d times", s, i, j, count[x])
						}
						if c[x] != seen[x]+1 {
							t.Fatalf("%v: C[%d,%d] changed after the epilogue saw it", s, i, j)
						}
					}
				}
				p.check(t, fmt.Sprint(s), seen, ref)
			})
		}
	}
}

// TestDeterministic: results are bit-identical for GOMAXPROCS 1 and 2, with the real
// blocking (column or row split, helpers) and with the small one (many jobs and units).
func TestDeterministic(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("one CPU: nothing to compare")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	rng := rand.New(rand.NewPCG(5, 6))
	shapes := []struct{ m, n, k int }{{512, 512, 512}, {515, 300, 700}, {2000, 64, 40}, {5, 512, 512}, {700, 3, 300}}
	if testing.Short() { // emulated runs: still two k blocks, row and column splits, Cᵀ
		shapes = []struct{ m, n, k int }{{130, 200, 300}, {600, 64, 40}, {5, 300, 260}, {400, 3, 300}}
	}
	small := []struct{ m, n, k int }{{75, 130, 70}, {300, 40, 9}, {9, 200, 50}, {100, 5, 33}}
	compare := func(t *testing.T, s struct{ m, n, k int }) {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				p := newProblem(rng, ta, tb, s.m, s.n, s.k, 0, 1)
				runtime.GOMAXPROCS(1)
				one := p.run(Sgemm)
				runtime.GOMAXPROCS(2)
				two := p.run(Sgemm)
				for i := range one {
					if math.Float32bits(one[i]) != math.Float32bits(two[i]) {
						t.Fatalf("%v %s%s: element %d differs: %g with 1 thread, %g with 2", s, tn(ta), tn(tb), i, one[i], two[i])
					}
				}
			}
		}
	}
	forEachKernel(t, func(t *testing.T) {
		for _, s := range shapes {
			compare(t, s)
		}
		t.Run("small-blocking", func(t *testing.T) {
			smallBlocking(t)
			for _, s := range small {
				compare(t, s)
			}
		})
	})
}

// TestMaxThreads: a bound of one goroutine per multiply gives the unbounded results bit
// for bit, and SetMaxThreads hands back the setting it replaced.
func TestMaxThreads(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	p := newProblem(rng, false, false, 512, 512, 512, 0, 1)
	free := p.run(Sgemm)
	prev := SetMaxThreads(1)
	if MaxThreads() != 1 {
		t.Fatalf("MaxThreads() = %d after SetMaxThreads(1)", MaxThreads())
	}
	one := p.run(Sgemm)
	if got := SetMaxThreads(prev); got != 1 {
		t.Fatalf("SetMaxThreads returned %d, want the 1 it replaced", got)
	}
	if MaxThreads() != runtime.NumCPU() && prev == 0 {
		t.Fatalf("MaxThreads() = %d with no bound, want NumCPU = %d", MaxThreads(), runtime.NumCPU())
	}
	for i := range one {
		if math.Float32bits(one[i]) != math.Float32bits(free[i]) {
			t.Fatalf("element %d: %g with one goroutine, %g unbounded", i, one[i], free[i])
		}
	}
}

// TestConcurrentCallers: multiplies issued from several goroutines at once share the
// helpers and still give exactly the single-caller results.
func TestConcurrentCallers(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	var probs []*problem
	var want [][]float32
	for i, s := range []struct{ m, n, k int }{{300, 256, 200}, {64, 512, 100}, {1000, 2, 64}, {200, 200, 5}} {
		p := newProblem(rng, i%2 == 0, i%3 == 0, s.m, s.n, s.k, 1, 0)
		probs = append(probs, p)
		want = append(want, p.run(Sgemm))
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rep := 0; rep < 20; rep++ {
				i := (g + rep) % len(probs)
				got := probs[i].run(Sgemm)
				for x := range got {
					if math.Float32bits(got[x]) != math.Float32bits(want[i][x]) {
						t.Errorf("problem %d: element %d is %g concurrently, %g alone", i, x, got[x], want[i][x])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

// TestNoAllocs: a steady-state 512³ multiply does not allocate (pack buffers and job
// state are pooled, helpers are long-lived goroutines). testing.AllocsPerRun runs with
// GOMAXPROCS=1, so the parallel path is counted with MemStats as well, at the process's
// GOMAXPROCS and before AllocsPerRun: each GOMAXPROCS switch makes every sync.Pool rebuild
// its per-P arrays and start empty. The garbage collector is held off meanwhile (a cycle
// empties the pools too). MemStats counts the whole process, and the runtime allocates for
// itself now and then (an OS thread when sysmon preempts a locked helper, a sudog, a timer
// heap), so the check asks for one clean window of 20 calls among a few: an allocation of
// the multiply itself would put at least 20 into every window.
func TestNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items")
	}
	runtime.GC()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	n := 512
	if testing.Short() {
		n = 160 // still parallel; the emulated arm64 run is ~100× slower
	}
	rng := rand.New(rand.NewPCG(7, 8))
	a, b, c := randSlice(rng, n*n), randSlice(rng, n*n), make([]float32, n*n)
	epi := func(c []float32, ldc, i0, i1, j0, j1 int) {}
	layouts := [][2]bool{{false, false}, {false, true}, {true, false}}
	call := func(tr [2]bool) func() {
		return func() { SgemmEpi(tr[0], tr[1], n, n, n, a, n, b, n, 0, c, n, epi) }
	}
	const calls, windows = 20, 5
	for _, tr := range layouts {
		f := call(tr)
		for i := 0; i < 5; i++ {
			f()
		}
		var seen []uint64
		for w := 0; w < windows; w++ {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for i := 0; i < calls; i++ {
				f()
			}
			runtime.ReadMemStats(&after)
			seen = append(seen, after.Mallocs-before.Mallocs)
			if seen[w] == 0 {
				break
			}
		}
		if seen[len(seen)-1] != 0 {
			t.Errorf("%s%s: allocations in each of %d windows of %d calls with GOMAXPROCS=%d: %v", tn(tr[0]), tn(tr[1]), windows, calls, runtime.GOMAXPROCS(0), seen)
		}
	}
	for _, tr := range layouts {
		if allocs := testing.AllocsPerRun(20, call(tr)); allocs != 0 {
			t.Errorf("%s%s: %.1f allocations per call on one thread", tn(tr[0]), tn(tr[1]), allocs)
		}
	}
}

func TestSetKernel(t *testing.T) {
	if _, err := SetKernel("sse1"); err == nil {
		t.Fatal("unknown kernel accepted")
	}
	want := Kernels()[0]
	if env := os.Getenv("COMPDIFF_KERNELS"); slices.Contains(Kernels(), env) {
		want = env // forced for this run
	}
	if Kernel() != want {
		t.Fatalf("active kernel %q, want %q", Kernel(), want)
	}
	if restore, err := SetKernel("auto"); err != nil || Kernel() != Kernels()[0] {
		t.Fatalf("SetKernel(auto): %v, active %q, want the fastest %q", err, Kernel(), Kernels()[0])
	} else {
		restore()
	}
	restore, err := SetKernel("generic")
	if err != nil || Kernel() != "generic" {
		t.Fatalf("SetKernel(generic): %v, active %q", err, Kernel())
	}
	restore()
	if Kernel() != want {
		t.Fatalf("restore left %q active, want %q", Kernel(), want)
	}
}
