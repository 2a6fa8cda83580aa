package nn

import "golang.org/x/sys/cpu"

// The AVX-512 kernels of kernels_amd64.s and the AVX2 ones of kernels_avx2_amd64.s serve
// the GEMM paths of the same names. The assembly does not bounds-check, so the wrappers
// check the block fits its slices before passing pointers.

//go:noescape
func biasSiLUBlockAVX512(c *float32, ldc int, b *float32, rows, cols int)

//go:noescape
func biasSiLUDerivBlockAVX512(c *float32, ldc int, b, d *float32, ldd, rows, cols int)

//go:noescape
func mulBlockAVX512(c *float32, ldc int, d *float32, ldd, rows, cols int)

//go:noescape
func adamAVX512(p, g, m, v []float32, k *adamConsts)

//go:noescape
func biasSiLUBlockAVX2(c *float32, ldc int, b *float32, rows, cols int)

//go:noescape
func biasSiLUDerivBlockAVX2(c *float32, ldc int, b, d *float32, ldd, rows, cols int)

//go:noescape
func mulBlockAVX2(c *float32, ldc int, d *float32, ldd, rows, cols int)

//go:noescape
func adamAVX2(p, g, m, v []float32, k *adamConsts)

// laneMask is a sliding window of lane masks for the AVX2 row tails.
var laneMask = [16]int32{-1, -1, -1, -1, -1, -1, -1, -1}

func init() {
	if cpu.X86.HasAVX512F {
		epiPaths["avx512"] = &epiKernels{
			biasSiLU:      checkedSiLU(biasSiLUBlockAVX512),
			biasSiLUDeriv: checkedSiLUDeriv(biasSiLUDerivBlockAVX512),
			mul:           checkedMul(mulBlockAVX512),
			adam:          checkedAdam(adamAVX512),
		}
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		epiPaths["avx2"] = &epiKernels{
			biasSiLU:      checkedSiLU(biasSiLUBlockAVX2),
			biasSiLUDeriv: checkedSiLUDeriv(biasSiLUDerivBlockAVX2),
			mul:           checkedMul(mulBlockAVX2),
			adam:          checkedAdam(adamAVX2),
		}
	}
}

func checkedSiLU(f func(c *float32, ldc int, b *float32, rows, cols int)) func([]float32, int, []float32, int, int) {
	return func(c []float32, ldc int, b []float32, rows, cols int) {
		if rows <= 0 || cols <= 0 {
			return
		}
		fits(c, ldc, rows, cols)
		fits(b, cols, 1, cols)
		f(&c[0], ldc, &b[0], rows, cols)
	}
}

func checkedSiLUDeriv(f func(c *float32, ldc int, b, d *float32, ldd, rows, cols int)) func([]float32, int, []float32, []float32, int, int, int) {
	return func(c []float32, ldc int, b, d []float32, ldd, rows, cols int) {
		if rows <= 0 || cols <= 0 {
			return
		}
		fits(c, ldc, rows, cols)
		fits(d, ldd, rows, cols)
		fits(b, cols, 1, cols)
		f(&c[0], ldc, &b[0], &d[0], ldd, rows, cols)
	}
}

func checkedMul(f func(c *float32, ldc int, d *float32, ldd, rows, cols int)) func([]float32, int, []float32, int, int, int) {
	return func(c []float32, ldc int, d []float32, ldd, rows, cols int) {
		if rows <= 0 || cols <= 0 {
			return
		}
		fits(c, ldc, rows, cols)
		fits(d, ldd, rows, cols)
		f(&c[0], ldc, &d[0], ldd, rows, cols)
	}
}

func checkedAdam(f func(p, g, m, v []float32, k *adamConsts)) func(p, g, m, v []float32, k *adamConsts) {
	return func(p, g, m, v []float32, k *adamConsts) {
		n := len(p)
		f(p, g[:n], m[:n], v[:n], k)
	}
}
