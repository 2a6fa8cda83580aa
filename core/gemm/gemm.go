// Package gemm is the float32 matrix multiply behind the MLP (training and sampling).
//
// All matrices are row-major. Results are deterministic: every element of C is computed by
// exactly one goroutine with a fixed summation order, so output does not depend on the
// number of threads.
//
// The implementation follows BLIS/GotoBLAS: op(B) is packed into NR-wide micro-panels,
// op(A) into MR-tall micro-panels (all transpose cases are resolved by the packing), and a
// register-tiled microkernel (AVX-512, AVX2+FMA or portable Go, chosen at run time)
// multiplies one micro-panel pair. The summation order of an element depends only on k
// (the kc blocking) and the kernel, never on the thread split.
package gemm

//go:generate go run gen_kernels.go

import "fmt"

// Sgemm computes C = op(A)·op(B) + beta·C, where op(A) is m×k and op(B) is k×n.
// op(X) = Xᵀ when the matching trans flag is set. lda, ldb, ldc are row strides.
// beta must be 0 (overwrite) or 1 (accumulate).
func Sgemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemm(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc, nil)
}

// Reference is the naive triple loop (float32 products, float32 accumulation in k order),
// kept as the ground truth for kernel tests.
func Reference(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += av * bv
			}
			if beta == 0 {
				c[i*ldc+j] = s
			} else {
				c[i*ldc+j] = beta*c[i*ldc+j] + s
			}
		}
	}
}

// Epilogue is applied to finished blocks of C — rows [i0,i1), columns [j0,j1) — while they
// are still in cache; it is how the MLP fuses bias and activation into the multiply.
// It is called exactly once per element of C, possibly from several goroutines at once
// (on disjoint blocks).
type Epilogue func(c []float32, ldc, i0, i1, j0, j1 int)

// SgemmEpi is Sgemm followed by epi on every finished block of C (epi may be nil).
func SgemmEpi(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, epi Epilogue) {
	sgemm(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc, epi)
}

// checkArgs panics with a precise message when the arguments cannot describe the
// matrices: the assembly kernels do not bounds-check, so this is the only guard.
func checkArgs(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("gemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	if beta != 0 && beta != 1 {
		panic(fmt.Sprintf("gemm: beta=%v; only 0 (overwrite) and 1 (accumulate) are supported", beta))
	}
	need := func(name string, rows, cols, ld int, s []float32) {
		if rows == 0 || cols == 0 {
			return
		}
		if ld < cols {
			panic(fmt.Sprintf("gemm: ld%s=%d is smaller than the %d columns of %s as stored", name, ld, cols, name))
		}
		if len(s) < (rows-1)*ld+cols {
			panic(fmt.Sprintf("gemm: %s has %d elements; a %d×%d matrix with ld%s=%d needs %d", name, len(s), rows, cols, name, ld, (rows-1)*ld+cols))
		}
	}
	if transA {
		need("a", k, m, lda, a)
	} else {
		need("a", m, k, lda, a)
	}
	if transB {
		need("b", n, k, ldb, b)
	} else {
		need("b", k, n, ldb, b)
	}
	need("c", m, n, ldc, c)
}
