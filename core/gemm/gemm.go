// Package gemm is the float32 matrix multiply behind the MLP (training and sampling).
//
// All matrices are row-major. Results are deterministic: every element of C is computed by
// exactly one goroutine with a fixed summation order, so output does not depend on the
// number of threads.
package gemm

// Sgemm computes C = op(A)·op(B) + beta·C, where op(A) is m×k and op(B) is k×n.
// op(X) = Xᵀ when the matching trans flag is set. lda, ldb, ldc are row strides.
// beta must be 0 (overwrite) or 1 (accumulate).
func Sgemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	Reference(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc)
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
	Sgemm(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc)
	if epi != nil && m > 0 && n > 0 {
		epi(c, ldc, 0, m, 0, n)
	}
}
