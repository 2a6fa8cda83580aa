package gemm

// A job's tiles: the column panels of B (packed or read in place), the packed row chunks of
// A, and the microkernel calls over them (the driver, driver.go, schedules these).

import (
	"sync"
	"unsafe"
)

// panel returns column panel jp: its first column, width, and where its k steps start
// (B itself or the packed copy) with their stride.
func (j *job) panel(jp int) (col, w int, b []float32, bs int) {
	nr := j.kern.nr
	col = j.j0 + jp*nr
	w = min(nr, j.j0+j.n-col)
	if j.bDirect && w == nr {
		return col, w, j.b[j.p0*j.ldb+col:], j.ldb
	}
	return col, w, j.bp.data[jp*j.kj*nr : (jp+1)*j.kj*nr], nr
}

func (j *job) packB(jp int) {
	nr := j.kern.nr
	col := j.j0 + jp*nr
	w := min(nr, j.j0+j.n-col)
	if j.bDirect && w == nr {
		return // read in place
	}
	dst := j.bp.data[jp*j.kj*nr : (jp+1)*j.kj*nr]
	if j.transB {
		j.kern.packTrans(dst, j.b, col*j.ldb+j.p0, j.ldb, j.kj, w, nr)
	} else {
		j.kern.packCopy(dst, j.b, j.p0*j.ldb+col, j.ldb, j.kj, w, nr)
	}
}

func (j *job) packA(buf []float32, chunk int) {
	mr, kj := j.kern.mr, j.kj
	ts := j.tileStride()
	t0, t1 := chunk*j.tpc, min(chunk*j.tpc+j.tpc, j.tiles)
	if !j.transA {
		for t := t0; t < t1; t++ {
			i := t * mr
			dst := buf[(t-t0)*ts : (t-t0+1)*ts]
			j.kern.aRows.pack(dst, j.a, i*j.lda+j.p0, j.lda, kj, min(mr, j.m-i), mr)
		}
		return
	}
	// Copy form: walk k in short blocks across all tiles, so each source cache line
	// (shared by neighbouring tiles) is used up while in L1; a whole tile at a time walks
	// kj rows ld apart, which for power-of-two ld land in a few L1 sets.
	const kb = 32
	for pb := 0; pb < kj; pb += kb {
		for t := t0; t < t1; t++ {
			i := t * mr
			dst := buf[(t-t0)*ts+pb*mr : (t-t0+1)*ts]
			j.kern.aCols.pack(dst, j.a, (j.p0+pb)*j.lda+i, j.lda, min(kb, kj-pb), min(mr, j.m-i), mr)
		}
	}
}

// tileStride is the packed size of one A tile: k steps padded to whole groups of 16.
func (j *job) tileStride() int { return (j.kj + 15) &^ 15 * j.kern.mr }

// maxTile bounds MR×NR over all kernels: the scratch tile for transposed output.
const maxTile = 12 * 32

// compute multiplies one row chunk by column panels [jp0, jp1) over the job's k range,
// then hands the finished block to the epilogue.
func (j *job) compute(abuf []float32, chunk, jp0, jp1 int) {
	mr := j.kern.mr
	t0, t1 := chunk*j.tpc, min(chunk*j.tpc+j.tpc, j.tiles)
	tile := abuf[len(abuf)-maxTile:]
	ts := j.tileStride()
	ap := &j.kern.aRows
	if j.transA {
		ap = &j.kern.aCols
	}
	for pq := 0; pq < j.kj; pq += j.kc {
		kq := min(j.kc, j.kj-pq)
		flags := 0
		if pq > 0 || j.accumulate {
			flags = 1
		}
		for t := t0; t < t1; t++ {
			i := t * mr
			rows := min(mr, j.m-i)
			var (
				micro  microFunc
				direct directFunc
				a      *float32
			)
			if j.aDirect {
				direct = j.kern.direct[(rows-1)/j.kern.rowStep]
				a = &j.a[i*j.lda+j.p0+pq]
			} else {
				micro = ap.micro(rows, j.kern.rowStep)
				a = &abuf[(t-t0)*ts+pq*mr]
			}
			for jp := jp0; jp < jp1; jp++ {
				col, w, bpan, bs := j.panel(jp)
				c, ldc, flg := &j.c[i*j.ldc+col], j.ldc, flags
				if j.ctrans {
					c, ldc, flg = &tile[0], w, 0
				}
				if direct != nil {
					direct(kq, a, &bpan[pq*bs], bs, c, ldc, rows, w, flg, j.lda)
				} else {
					micro(kq, a, &bpan[pq*bs], bs, c, ldc, rows, w, flg)
				}
				if !j.ctrans {
					continue
				}
				// Dᵀ tile → C: rows of the tile are columns of C.
				for r := 0; r < rows; r++ {
					tr := tile[r*w : r*w+w]
					for x, v := range tr {
						p := &j.c[(col+x)*j.ldc+i+r]
						if flags != 0 {
							*p += v
						} else {
							*p = v
						}
					}
				}
			}
		}
	}
	if j.epi == nil {
		return
	}
	i0, i1 := t0*mr, min(t1*mr, j.m)
	c0, _, _, _ := j.panel(jp0)
	c1 := min(j.j0+jp1*j.kern.nr, j.j0+j.n)
	if j.ctrans {
		j.epi(j.c, j.ldc, c0, c1, i0, i1)
	} else {
		j.epi(j.c, j.ldc, i0, i1, c0, c1)
	}
}

// fbuf is a 64-byte aligned float32 buffer, recycled so steady-state calls do not
// allocate.
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
