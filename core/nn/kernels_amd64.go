package nn

import (
	"fmt"

	"golang.org/x/sys/cpu"
)

// The AVX-512 kernels of kernels_amd64.s replace the pure-Go ones when the CPU (and OS)
// support AVX-512F. The assembly does not bounds-check, so the wrappers check the block
// fits its slices before passing pointers.

//go:noescape
func biasSiLUBlockAVX512(c *float32, ldc int, b *float32, rows, cols int)

//go:noescape
func biasSiLUDerivBlockAVX512(c *float32, ldc int, b, d *float32, ldd, rows, cols int)

//go:noescape
func mulBlockAVX512(c *float32, ldc int, d *float32, ldd, rows, cols int)

//go:noescape
func adamAVX512(p, g, m, v []float32, k *adamConsts)

var haveAVX512 = cpu.X86.HasAVX512F

func init() {
	if haveAVX512 {
		biasSiLUBlock = biasSiLUBlockFast
		biasSiLUDerivBlock = biasSiLUDerivBlockFast
		mulBlock = mulBlockFast
		adamUpdate = adamFast
	}
}

// fits panics unless a rows×cols block with row stride ld fits in s.
func fits(s []float32, ld, rows, cols int) {
	if cols > ld || len(s) < (rows-1)*ld+cols {
		panic(fmt.Sprintf("nn: %d×%d block with stride %d does not fit %d floats", rows, cols, ld, len(s)))
	}
}

func biasSiLUBlockFast(c []float32, ldc int, b []float32, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	fits(c, ldc, rows, cols)
	fits(b, cols, 1, cols)
	biasSiLUBlockAVX512(&c[0], ldc, &b[0], rows, cols)
}

func biasSiLUDerivBlockFast(c []float32, ldc int, b, d []float32, ldd, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	fits(c, ldc, rows, cols)
	fits(d, ldd, rows, cols)
	fits(b, cols, 1, cols)
	biasSiLUDerivBlockAVX512(&c[0], ldc, &b[0], &d[0], ldd, rows, cols)
}

func mulBlockFast(c []float32, ldc int, d []float32, ldd, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	fits(c, ldc, rows, cols)
	fits(d, ldd, rows, cols)
	mulBlockAVX512(&c[0], ldc, &d[0], ldd, rows, cols)
}

func adamFast(p, g, m, v []float32, k *adamConsts) {
	n := len(p)
	adamAVX512(p, g[:n], m[:n], v[:n], k)
}
