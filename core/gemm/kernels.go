package gemm

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"unsafe"
)

// microFunc multiplies a packed A tile (MR rows, zero-padded, in its aPath's layout) by
// a B micro-panel (k steps of NR values, bs floats apart: packed and zero-padded, or B
// itself for full panels) and writes the top-left mr×nr corner of the product to c (row
// stride ldc): c = tile when flags&1 == 0, c += tile otherwise. Every element is one
// sequential float32 chain over k, so the variant used for a tile never changes a result.
type microFunc func(k int, a, b *float32, bs int, c *float32, ldc, mr, nr, flags int)

// directFunc is a microFunc that reads its A tile in place: the mr rows start lda floats
// apart at a, each kc contiguous k steps (an untransposed A), so nothing is packed.
type directFunc func(k int, a, b *float32, bs int, c *float32, ldc, mr, nr, flags, lda int)

// packFunc packs kc steps of a panel `width` wide, of which the first w are real and the
// rest are zeroed. Copy form: dst[p*width+x] = src[off+p*ld+x] (packed dimension
// contiguous in src). Transposed form: dst[p*width+x] = src[off+x*ld+p].
type packFunc func(dst, src []float32, off, ld, kc, w, width int)

// kernel is one code path: a register-tile shape, microkernels and the packers that
// feed them.
type kernel struct {
	name    string
	mr, nr  int
	rowStep int
	// A is packed one of two ways, each read by its own microkernels: aRows for an
	// untransposed A (its packer reads rows contiguous in k, like the transposed form),
	// aCols for a transposed one (copy form).
	aRows, aCols aPath
	rowBlocks    bool // aRows packs row blocks of 16 k steps, not the transposed form
	// direct[i] reads up to (i+1)·rowStep rows of an untransposed A in place; nil where
	// the path has none. Used where packing A would not be repaid (few column panels).
	direct []directFunc
	// B panels: copy form for an untransposed B, transposed form otherwise.
	packCopy, packTrans packFunc
	// peak is an FMA loop on the path's vector width (flops per iteration), the limit
	// its throughput is reported against; nil for the generic path, which is measured
	// against the widest path's, the machine's real limit.
	peak      func(n int)
	peakFlops float64
	// dot is the row-dot kernel for products with few columns (thin.go), k a multiple of
	// dotStep; nil where the path has none (such products then go through the tiles).
	dot     dotFunc
	dotStep int
}

// aPath is one way of packing A: the packer (a tile's k steps start at multiples of 16
// floats·MR, so blocks of kc = 16j steps can be addressed as p·MR) and microkernels where
// micros[i] computes tiles of up to (i+1)·rowStep rows.
type aPath struct {
	pack   packFunc
	micros []microFunc
}

// micro picks the narrowest variant that covers rows.
func (a *aPath) micro(rows, step int) microFunc { return a.micros[(rows-1)/step] }

// available lists the paths this CPU can run, fastest first; the generic path is last.
var available []*kernel

var active atomic.Pointer[kernel]

func init() {
	generic := []microFunc{microGeneric}
	available = append(archKernels(), &kernel{
		name: "generic", mr: gMR, nr: gNR, rowStep: gMR,
		aRows:    aPath{packTransGo, generic},
		aCols:    aPath{packCopyGo, generic},
		packCopy: packCopyGo, packTrans: packTransGo,
	})
	active.Store(available[0])
	// The pipeline's -kernels flag sets this for its child processes; it also lets
	// `go test -bench` measure a forced path. Unknown names are the flag's to report.
	if name := os.Getenv("COMPDIFF_KERNELS"); name != "" && name != "all" {
		SetKernel(name)
	}
}

// Kernel names the active code path: "avx512", "avx2" or "generic".
func Kernel() string { return active.Load().name }

// Kernels lists the code paths usable on this machine, fastest first.
func Kernels() []string {
	names := make([]string, len(available))
	for i, k := range available {
		names[i] = k.name
	}
	return names
}

// SetKernel forces a code path ("auto" is the fastest available) and returns a function
// that restores the previous one. It is not meant to be called while multiplies are
// running. Paths differ only in summation order, so results agree to float32 rounding.
func SetKernel(name string) (restore func(), err error) {
	if name == "auto" {
		name = available[0].name
	}
	for _, k := range available {
		if k.name == name {
			prev := active.Swap(k)
			return func() { active.Store(prev) }, nil
		}
	}
	return nil, fmt.Errorf("gemm: kernel %q is not available on this machine (have %s)", name, strings.Join(Kernels(), ", "))
}

// Portable path: a 4×4 register tile in scalar Go.
const (
	gMR = 4
	gNR = 4
)

func microGeneric(k int, a, b *float32, bstride int, c *float32, ldc, mr, nr, flags int) {
	as := unsafe.Slice(a, k*gMR)
	bs := unsafe.Slice(b, (k-1)*bstride+gNR)
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 float32
	for p := 0; p < k; p++ {
		ap := as[p*gMR : p*gMR+gMR : p*gMR+gMR]
		bp := bs[p*bstride : p*bstride+gNR : p*bstride+gNR]
		a0, a1, a2, a3 := ap[0], ap[1], ap[2], ap[3]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	t := [gMR * gNR]float32{c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33}
	storeEdge(t[:], gNR, c, ldc, mr, nr, flags)
}

// storeEdge writes the top-left mr×nr corner of a tile (row stride ts) to c: c = tile
// when flags&1 == 0, c += tile otherwise.
func storeEdge(t []float32, ts int, c *float32, ldc, mr, nr, flags int) {
	cs := unsafe.Slice(c, (mr-1)*ldc+nr)
	for r := 0; r < mr; r++ {
		row := cs[r*ldc : r*ldc+nr]
		tr := t[r*ts : r*ts+nr]
		if flags&1 != 0 {
			for j := range row {
				row[j] += tr[j]
			}
		} else {
			copy(row, tr)
		}
	}
}

func packCopyGo(dst, src []float32, off, ld, kc, w, width int) {
	for p := 0; p < kc; p++ {
		d := dst[p*width : p*width+width]
		copy(d, src[off+p*ld:off+p*ld+w])
		clear(d[w:])
	}
}

func packTransGo(dst, src []float32, off, ld, kc, w, width int) {
	dst = dst[:kc*width]
	for x := 0; x < w; x++ {
		row := src[off+x*ld : off+x*ld+kc]
		for p, v := range row {
			dst[p*width+x] = v
		}
	}
	if w < width {
		for p := 0; p < kc; p++ {
			clear(dst[p*width+w : p*width+width])
		}
	}
}
