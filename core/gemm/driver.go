package gemm

import (
	"runtime"
	"sync/atomic"
)

// blocking holds the cache-blocking parameters, sized for Zen 5 (48 KiB L1d, 1 MiB L2
// per core) and fine on older x86. A variable, not constants, so tests can shrink it and
// reach every split with small matrices.
var blk = blocking{
	kc:            256,
	aChunk:        1 << 16,
	maxChunkRows:  192,
	bJob:          1 << 21,
	parallelFlops: 1 << 18,
}

type blocking struct {
	// kc bounds the k steps of one microkernel call: a 32-wide B micro-panel of 256
	// steps is 32 KiB and stays in L1 while the row chunk's tiles stream past it.
	kc int
	// aChunk bounds one packed row chunk of A (all k steps of a job), in floats: 256 KiB,
	// L2-resident while every column panel is multiplied against it.
	aChunk       int
	maxChunkRows int
	// bJob bounds the packed B of one job, in floats (8 MiB); larger B is split into jobs.
	bJob int
	// parallelFlops: below this a multiply runs on the caller's goroutine; waking a
	// helper costs microseconds.
	parallelFlops float64
}

// sgemm is the blocked driver behind Sgemm and SgemmEpi.
//
// C is split into jobs of at most blk.bJob floats of packed B (column range × k range);
// jobs over k run in order, so every element sums its k blocks in the same order whatever
// the thread count. Within a job the work units — (row chunk, column panels) pairs — are
// shared among goroutines; each packs the A chunk it works on, and each B panel is
// packed once, by whoever needs it first.
func sgemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, epi Epilogue) {
	checkArgs(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if beta == 0 {
			for i := 0; i < m; i++ {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		if epi != nil {
			epi(c, ldc, 0, m, 0, n)
		}
		return
	}
	kern := active.Load()
	if useRowDot(kern, transA, transB, n, k) {
		rowDot(kern, m, n, k, a, lda, b, ldb, beta, c, ldc, epi)
		return
	}
	mr, nr := kern.mr, kern.nr

	// A few columns (the MLP's output layer) would waste most of every NR-wide tile:
	// compute Cᵀ = op(B)ᵀ·op(A)ᵀ instead, whose few rows use a narrow row variant.
	ctrans := n < nr/2 && n < m
	if ctrans {
		transA, transB, m, n, a, lda, b, ldb = !transB, !transA, n, m, b, ldb, a, lda
	}

	// k blocking depends on k alone: it fixes each element's summation order.
	nk := (k + blk.kc - 1) / blk.kc
	kc := ((k+nk-1)/nk + 15) &^ 15 // whole groups of 16 steps, for the row-block A layout
	// k range per job: enough blocks that a row chunk of at least 4 tiles fits blk.aChunk.
	kJob := max(kc, blk.aChunk/(4*mr)/kc*kc)
	nc := max(nr, blk.bJob/min(k, kJob)/nr*nr)

	threads := 1
	if 2*float64(m)*float64(n)*float64(k) >= blk.parallelFlops {
		threads = min(runtime.GOMAXPROCS(0), MaxThreads())
	}

	j := jobPool.Get().(*job)
	for j0 := 0; j0 < n; j0 += nc {
		for p0 := 0; p0 < k; p0 += kJob {
			j.kern, j.transA, j.transB, j.ctrans, j.m = kern, transA, transB, ctrans, m
			j.a, j.lda, j.b, j.ldb, j.c, j.ldc = a, lda, b, ldb, c, ldc
			j.accumulate = beta != 0 || p0 > 0
			j.epi = nil
			if p0+kJob >= k {
				j.epi = epi
			}
			j.j0, j.n = j0, min(nc, n-j0)
			j.p0, j.kj, j.kc = p0, min(kJob, k-p0), kc
			j.plan(threads)
			j.execute()
		}
	}
	// Drop references to the caller's memory before pooling.
	j.kern, j.a, j.b, j.c, j.epi = nil, nil, nil, nil, nil
	jobPool.Put(j)
}

// job computes D = op(A)·op(B) for one column range × k range, where D is C, or Cᵀ when
// ctrans is set (a, b and the trans flags are then already swapped).
type job struct {
	kern           *kernel
	transA, transB bool
	ctrans         bool
	m              int
	a              []float32
	lda            int
	b              []float32
	ldb            int
	c              []float32
	ldc            int
	accumulate     bool     // the first k block adds to C instead of overwriting it
	epi            Epilogue // set only on the last k range
	j0, n          int      // columns [j0, j0+n) of D
	p0, kj, kc     int      // k steps [p0, p0+kj), in blocks of kc

	np               int // column panels
	ppu, ncu         int // panels per column unit, column units
	tiles, tpc, nchk int // row tiles, tiles per chunk, chunks
	threads          int
	// bDirect: full B panels are read in place (rows ldb apart) instead of packed, when
	// there are too few row tiles to repay the copy.
	bDirect bool
	// aDirect: A tiles are read in place by the path's direct microkernels instead of
	// packed, when there are too few column panels to repay the copy (see plan).
	aDirect bool

	bp fbuf // packed B: panel jp at jp*kj*nr, layout [p][nr]

	// colSplit: each goroutine owns a group of column panels (packing them itself and
	// every row chunk of A); otherwise goroutines own row chunks and share all panels.
	colSplit  bool
	pstate    []panelState
	unitsDone atomic.Int64
	seg       [maxThreads]segment
	joined    atomic.Int64
	state     atomic.Int64  // helpers inside run, plus closedBit; see execute
	gen       atomic.Uint64 // counts openings, so a polling helper joins each once
}

// panelState is panelTodo, panelPacking or panelReady, on its own cache line: panels
// owned by different goroutines would otherwise share lines and bounce between cores.
type panelState struct {
	v atomic.Int32
	_ [60]byte
}

const (
	panelTodo = iota
	panelPacking
	panelReady
)

// plan sizes the job's row chunks and work units for up to threads goroutines and resets
// its shared state.
func (j *job) plan(threads int) {
	mr, nr := j.kern.mr, j.kern.nr
	j.np = (j.n + nr - 1) / nr
	j.tiles = (j.m + mr - 1) / mr
	j.bDirect = !j.transB && j.tiles <= 2
	j.aDirect = j.directA()
	tpc := max(1, min(blk.maxChunkRows/mr, blk.aChunk/(mr*j.kj)))
	j.nchk = (j.tiles + tpc - 1) / tpc
	if j.tiles >= threads {
		// A multiple of the thread count, so a row split gives everyone whole chunks.
		j.nchk = (j.nchk + threads - 1) / threads * threads
	}
	j.tpc = (j.tiles + j.nchk - 1) / j.nchk // equal chunks
	j.nchk = (j.tiles + j.tpc - 1) / j.tpc
	// A work unit is a row chunk times a column unit of ppu panels: one panel, except
	// with few k steps, where the time goes into storing C and a tile row across several
	// panels writes C rows in order, which the hardware streams far better than a column
	// of tiles.
	j.ppu = 1
	if j.kj <= 32 {
		j.ppu = max(1, min(8, j.np/(2*threads)))
	}
	j.ncu = (j.np + j.ppu - 1) / j.ppu
	units := j.nchk * j.ncu
	j.threads = max(1, min(threads, units, maxThreads))
	// Sharing packed B across cores costs a cache-line transfer per line every call
	// (measured ~9% at 512³ on 2 cores), while splitting columns makes every goroutine
	// pack all of A: worth it unless A is much larger than B. With few k steps B is tiny
	// and writing C dominates; column halves of the same C rows then fight over the lines
	// at their border (the prefetchers run ahead into the neighbour's half), so split rows.
	j.colSplit = j.threads > 1 && j.ncu >= 2*j.threads && j.m <= 2*j.n && j.kj > 32
	for t := 0; t < j.threads; t++ {
		var lo, hi int
		if j.colSplit {
			lo, hi = j.nchk*(j.ncu*t/j.threads), j.nchk*(j.ncu*(t+1)/j.threads)
		} else {
			lo, hi = j.ncu*(j.nchk*t/j.threads), j.ncu*(j.nchk*(t+1)/j.threads)
		}
		j.seg[t].v.Store(uint64(hi)<<32 | uint64(lo))
	}
	j.bp.ensure(j.np * j.kj * nr)
	if cap(j.pstate) < j.np {
		j.pstate = make([]panelState, j.np)
	}
	j.pstate = j.pstate[:j.np]
	for i := range j.pstate {
		j.pstate[i].v.Store(panelTodo)
	}
	j.unitsDone.Store(0)
	j.joined.Store(0)
}

// maxDirectPanels: with up to this many column panels a packed A tile is used too few
// times to repay its copy (the default profile's width-64 layers have 2 on avx512, 4 on
// avx2); reading it in place costs nothing extra, as a tile's rows stay in L1 while it
// meets each panel.
const maxDirectPanels = 4

// directA reports whether A is read in place: the path has direct kernels, A is not
// transposed, the panels are few, and the last tile's kernel — which reads a whole
// number of rowSteps of rows — stays inside a (rows past m are computed but not stored).
func (j *job) directA() bool {
	k := j.kern
	if k.direct == nil || j.transA || j.np > maxDirectPanels {
		return false
	}
	i := (j.tiles - 1) * k.mr
	read := (j.m - i + k.rowStep - 1) / k.rowStep * k.rowStep
	return (i+read-1)*j.lda+j.p0+j.kj <= len(j.a)
}

// unit maps a unit index to its row chunk and column unit. Units are numbered so that
// each goroutine's segment starts where its data is: column groups whole, chunk by chunk
// (colSplit); or row chunks whole, each chunk's column units rotated so goroutines
// starting on different chunks start packing different panels.
func (j *job) unit(u int) (chunk, cu int) {
	if j.colSplit {
		g := 0
		for j.nchk*(j.ncu*(g+1)/j.threads) <= u {
			g++
		}
		c0, c1 := j.ncu*g/j.threads, j.ncu*(g+1)/j.threads
		local := u - j.nchk*c0
		return local / (c1 - c0), c0 + local%(c1-c0)
	}
	chunk = u / j.ncu
	return chunk, (u%j.ncu + chunk*j.ncu/j.nchk) % j.ncu
}

// readyPanel packs panel jp unless another goroutine has (or is doing it).
func (j *job) readyPanel(jp int, yield bool) {
	st := &j.pstate[jp].v
	if st.Load() == panelReady {
		return
	}
	if st.CompareAndSwap(panelTodo, panelPacking) {
		j.packB(jp)
		st.Store(panelReady)
		return
	}
	waitFor(func() bool { return st.Load() == panelReady }, yield)
}

// run is one goroutine's share: units from its own segment (front), then stolen from
// the others (back). B panels are packed on first use by whoever needs them.
func (j *job) run(id int) {
	abuf := aPool.Get().(*fbuf)
	abuf.ensure(j.tpc*j.tileStride() + maxTile) // packed A chunk, then the scratch tile
	cur, done := -1, 0
	for s := 0; s < j.threads; s++ {
		sg := &j.seg[(id+s)%j.threads]
		for {
			u, ok := sg.pop(s == 0)
			if !ok {
				break
			}
			chunk, cu := j.unit(u)
			jp0, jp1 := cu*j.ppu, min(cu*j.ppu+j.ppu, j.np)
			for jp := jp0; jp < jp1; jp++ {
				j.readyPanel(jp, id == 0)
			}
			if chunk != cur && !j.aDirect {
				j.packA(abuf.data, chunk)
				cur = chunk
			}
			j.compute(abuf.data, chunk, jp0, jp1)
			done++
		}
	}
	aPool.Put(abuf)
	j.unitsDone.Add(int64(done)) // once per goroutine: a shared per-unit counter would bounce
}
