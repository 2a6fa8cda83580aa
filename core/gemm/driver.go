package gemm

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// blocking holds the cache-blocking parameters, sized for Zen 5 (48 KiB L1d, 1 MiB L2
// per core) and fine on older x86. A variable, not constants, so tests can shrink it and
// reach every split with small matrices.
var blk = blocking{
	kc:            256,
	aChunk:        1 << 16,
	maxChunkRows:  192,
	bJob:          1 << 21,
	parallelFlops: 1 << 22,
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
// C is split into jobs of at most blk.bJob floats of packed B (column range × k range); jobs
// over k run in order, so every element sums its k blocks in the same order whatever the
// thread count. Within a job, op(B) is packed once into NR-wide panels (shared), then the
// work units — (row chunk, column panel) pairs — are shared among goroutines.
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
	mr, nr := kern.mr, kern.nr

	// k blocking depends on k alone: it fixes each element's summation order.
	nk := (k + blk.kc - 1) / blk.kc
	kc := (k + nk - 1) / nk
	// k range per job: enough blocks that a row chunk of at least 4 tiles fits blk.aChunk.
	kJob := max(kc, blk.aChunk/(4*mr)/kc*kc)
	nc := max(nr, blk.bJob/min(k, kJob)/nr*nr)

	threads := 1
	if 2*float64(m)*float64(n)*float64(k) >= blk.parallelFlops {
		threads = min(runtime.GOMAXPROCS(0), runtime.NumCPU())
	}

	j := jobPool.Get().(*job)
	for j0 := 0; j0 < n; j0 += nc {
		for p0 := 0; p0 < k; p0 += kJob {
			j.kern, j.transA, j.transB, j.m = kern, transA, transB, m
			j.a, j.lda, j.b, j.ldb, j.c, j.ldc = a, lda, b, ldb, c, ldc
			j.accumulate = beta != 0 || p0 > 0
			j.epi = nil
			if p0+kJob >= k {
				j.epi = epi
			}
			j.j0, j.n = j0, min(nc, n-j0)
			j.p0, j.kj, j.kc = p0, min(kJob, k-p0), kc
			j.plan(mr, nr, threads)
			j.execute()
		}
	}
	// Drop references to the caller's memory before pooling.
	j.kern, j.a, j.b, j.c, j.epi = nil, nil, nil, nil, nil
	jobPool.Put(j)
}

// job multiplies one column range × k range of the problem.
type job struct {
	kern           *kernel
	transA, transB bool
	m              int
	a              []float32
	lda            int
	b              []float32
	ldb            int
	c              []float32
	ldc            int
	accumulate     bool     // the first k block adds to C instead of overwriting it
	epi            Epilogue // set only on the last k range
	j0, n          int      // columns [j0, j0+n)
	p0, kj, kc     int      // k steps [p0, p0+kj), in blocks of kc

	np               int // column panels
	tiles, tpc, nchk int // row tiles, tiles per chunk, chunks
	threads          int

	bp fbuf // packed B: panel jp at jp*kj*nr, layout [p][nr]

	bNext, bDone atomic.Int64 // B panels claimed / packed
	unitsDone    atomic.Int64
	seg          [maxThreads]segment
	joined       atomic.Int64
	state        atomic.Int64 // helpers inside run, plus closedBit; see execute
}

const (
	maxThreads = 64
	closedBit  = 1 << 40
)

func (j *job) plan(mr, nr, threads int) {
	j.np = (j.n + nr - 1) / nr
	j.tiles = (j.m + mr - 1) / mr
	tpc := max(1, min(blk.maxChunkRows/mr, blk.aChunk/(mr*j.kj)))
	j.nchk = (j.tiles + tpc - 1) / tpc
	j.tpc = (j.tiles + j.nchk - 1) / j.nchk // equal chunks
	units := j.nchk * j.np
	j.threads = max(1, min(threads, units, maxThreads))
	for t := 0; t < j.threads; t++ {
		lo, hi := units*t/j.threads, units*(t+1)/j.threads
		j.seg[t].v.Store(uint64(hi)<<32 | uint64(lo))
	}
	j.bp.ensure(j.np * j.kj * nr)
	j.bNext.Store(0)
	j.bDone.Store(0)
	j.unitsDone.Store(0)
	j.joined.Store(0)
}

// execute runs the job on the caller's goroutine plus up to threads-1 helpers.
// Helpers are woken without blocking; one that arrives after the work is done finds the
// job closed and leaves, so the caller never waits for a helper that has not started.
func (j *job) execute() {
	if j.threads == 1 {
		j.run(0)
		return
	}
	startWorkers()
	j.state.Store(0) // open: helpers may join
	for t := 1; t < j.threads; t++ {
		select {
		case workCh <- j:
		default:
		}
	}
	j.run(0)
	units := int64(j.nchk * j.np)
	for j.unitsDone.Load() < units {
		runtime.Gosched()
	}
	for {
		s := j.state.Load()
		if j.state.CompareAndSwap(s, s|closedBit) {
			break
		}
	}
	for j.state.Load() != closedBit {
		runtime.Gosched()
	}
}

// help is a helper's side of execute.
func (j *job) help() {
	for {
		s := j.state.Load()
		if s&closedBit != 0 {
			return
		}
		if j.state.CompareAndSwap(s, s+1) {
			break
		}
	}
	j.run(int(j.joined.Add(1)))
	j.state.Add(-1)
}

var (
	workers sync.Once
	workCh  chan *job
)

func startWorkers() {
	workers.Do(func() {
		n := runtime.NumCPU() - 1
		workCh = make(chan *job, 4*n+4)
		for i := 0; i < n; i++ {
			go func() {
				for j := range workCh {
					j.help()
				}
			}()
		}
	})
}

// run is one goroutine's share: pack B panels until none are left, wait until all are
// packed, then take units from its own segment (front) and steal from others (back).
func (j *job) run(id int) {
	for {
		jp := int(j.bNext.Add(1)) - 1
		if jp >= j.np {
			break
		}
		j.packB(jp)
		j.bDone.Add(1)
	}
	for j.bDone.Load() < int64(j.np) {
		runtime.Gosched()
	}
	mr := j.kern.mr
	abuf := aPool.Get().(*fbuf)
	abuf.ensure(j.tpc * mr * j.kj)
	cur := -1
	for s := 0; s < j.threads; s++ {
		sg := &j.seg[(id+s)%j.threads]
		for {
			u, ok := sg.pop(s == 0)
			if !ok {
				break
			}
			chunk, jp := u/j.np, u%j.np
			if chunk != cur {
				j.packA(abuf.data, chunk)
				cur = chunk
			}
			j.compute(abuf.data, chunk, jp)
			j.unitsDone.Add(1)
		}
	}
	aPool.Put(abuf)
}

func (j *job) packB(jp int) {
	nr := j.kern.nr
	col := j.j0 + jp*nr
	w := min(nr, j.j0+j.n-col)
	dst := j.bp.data[jp*j.kj*nr : (jp+1)*j.kj*nr]
	if j.transB {
		j.kern.packTrans(dst, j.b, col*j.ldb+j.p0, j.ldb, j.kj, w, nr)
	} else {
		j.kern.packCopy(dst, j.b, j.p0*j.ldb+col, j.ldb, j.kj, w, nr)
	}
}

func (j *job) packA(buf []float32, chunk int) {
	mr := j.kern.mr
	t0, t1 := chunk*j.tpc, min(chunk*j.tpc+j.tpc, j.tiles)
	for t := t0; t < t1; t++ {
		i := t * mr
		w := min(mr, j.m-i)
		dst := buf[(t-t0)*j.kj*mr : (t-t0+1)*j.kj*mr]
		if j.transA {
			j.kern.packCopy(dst, j.a, j.p0*j.lda+i, j.lda, j.kj, w, mr)
		} else {
			j.kern.packTrans(dst, j.a, i*j.lda+j.p0, j.lda, j.kj, w, mr)
		}
	}
}

// compute multiplies one row chunk by one column panel over the job's k range, then
// hands the finished block to the epilogue.
func (j *job) compute(abuf []float32, chunk, jp int) {
	mr, nr := j.kern.mr, j.kern.nr
	micro := j.kern.micro
	t0, t1 := chunk*j.tpc, min(chunk*j.tpc+j.tpc, j.tiles)
	col := j.j0 + jp*nr
	w := min(nr, j.j0+j.n-col)
	bpan := j.bp.data[jp*j.kj*nr : (jp+1)*j.kj*nr]
	for pq := 0; pq < j.kj; pq += j.kc {
		kq := min(j.kc, j.kj-pq)
		flags := 0
		if pq > 0 || j.accumulate {
			flags = 1
		}
		for t := t0; t < t1; t++ {
			i := t * mr
			micro(kq, &abuf[(t-t0)*j.kj*mr+pq*mr], &bpan[pq*nr], &j.c[i*j.ldc+col], j.ldc, min(mr, j.m-i), w, flags)
		}
	}
	if j.epi != nil {
		j.epi(j.c, j.ldc, t0*mr, min(t1*mr, j.m), col, col+w)
	}
}

// segment is a range [lo, hi) of unit indices packed into one word: the owner pops from
// the front, thieves from the back, so they meet once and rarely contend.
type segment struct {
	v atomic.Uint64
	_ [56]byte // own cache line
}

func (s *segment) pop(front bool) (int, bool) {
	for {
		v := s.v.Load()
		lo, hi := uint32(v), uint32(v>>32)
		if lo >= hi {
			return 0, false
		}
		if front {
			if s.v.CompareAndSwap(v, v+1) {
				return int(lo), true
			}
		} else if s.v.CompareAndSwap(v, v-1<<32) {
			return int(hi - 1), true
		}
	}
}

// fbuf is a 64-byte aligned float32 buffer, recycled through pools so steady-state
// calls do not allocate.
type fbuf struct {
	raw  []float32
	data []float32
}

func (f *fbuf) ensure(n int) {
	if cap(f.data) >= n {
		f.data = f.data[:n]
		return
	}
	f.raw = make([]float32, n+16)
	off := 0
	if r := uintptr(unsafe.Pointer(unsafe.SliceData(f.raw))) % 64; r != 0 {
		off = int(64-r) / 4
	}
	f.data = f.raw[off : off+n : off+n]
}

var (
	jobPool = sync.Pool{New: func() any {
		j := new(job)
		j.state.Store(closedBit) // closed until execute opens it
		return j
	}}
	aPool = sync.Pool{New: func() any { return new(fbuf) }}
)
