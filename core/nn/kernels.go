package nn

import (
	"fmt"

	"github.com/compdiff/compdiff/core/gemm"
)

// epiKernels is one code path's block kernels for the fused epilogues and Adam. The
// path follows the GEMM's (gemm.Kernel), so forcing a kernel path with gemm.SetKernel
// moves the whole network onto it; paths without their own kernels use the pure-Go ones.
type epiKernels struct {
	biasSiLU      func(c []float32, ldc int, b []float32, rows, cols int)
	biasSiLUDeriv func(c []float32, ldc int, b, d []float32, ldd, rows, cols int)
	mul           func(c []float32, ldc int, d []float32, ldd, rows, cols int)
	adam          func(p, g, m, v []float32, k *adamConsts)
}

var goKernels = epiKernels{biasSiLUBlockGo, biasSiLUDerivBlockGo, mulBlockGo, adamUpdateGo}

// epiPaths holds the assembly kernels by GEMM path name; filled by the arch files' init.
var epiPaths = map[string]*epiKernels{}

func kernels() *epiKernels {
	if k := epiPaths[gemm.Kernel()]; k != nil {
		return k
	}
	return &goKernels
}

func biasSiLUBlock(c []float32, ldc int, b []float32, rows, cols int) {
	kernels().biasSiLU(c, ldc, b, rows, cols)
}

func biasSiLUDerivBlock(c []float32, ldc int, b, d []float32, ldd, rows, cols int) {
	kernels().biasSiLUDeriv(c, ldc, b, d, ldd, rows, cols)
}

func mulBlock(c []float32, ldc int, d []float32, ldd, rows, cols int) {
	kernels().mul(c, ldc, d, ldd, rows, cols)
}

func adamUpdate(p, g, m, v []float32, k *adamConsts) { kernels().adam(p, g, m, v, k) }

// fits panics unless a rows×cols block with row stride ld fits in s: the assembly kernels
// do not bounds-check, so their wrappers check first.
func fits(s []float32, ld, rows, cols int) {
	if cols > ld || len(s) < (rows-1)*ld+cols {
		panic(fmt.Sprintf("nn: %d×%d block with stride %d does not fit %d floats", rows, cols, ld, len(s)))
	}
}
