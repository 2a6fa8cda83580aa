package gemm

import "sync"

// dotFunc is a row-dot kernel (thin_amd64.s): c[i*ldc+j] = (or +=, acc ≠ 0)
// Σ_p a[i*lda+p]·bt[j*k+p] for i < rows and j < ncols ≤ 2, k a multiple of the kernel's
// dotStep.
type dotFunc func(k int, a *float32, lda int, bt *float32, c *float32, ldc, rows, ncols, acc int)

// thinCols is the widest C the row-dot path computes: the MLP's output layer (2 or 3
// scores). Such a product is memory-bound — each row of A meets only n columns of B — so
// it reads A once in place instead of packing it into tiles that would be mostly padding.
const thinCols = 4

// thinRows is how many rows of C one epilogue call covers (like a GEMM block).
const thinRows = 192

// btPool holds the transposed B of the row-dot path (n ≤ 4 columns of k floats).
var btPool = sync.Pool{New: func() any { s := make([]float32, 0, 4*512); return &s }}

// useRowDot tells whether the product goes the row-dot way on kernel kern: C = A·B with
// A untransposed, a few columns, and k a whole number of the kernel's vectors. The choice
// depends on the shape alone, never on the thread count, so results do not either.
func useRowDot(kern *kernel, transA, transB bool, n, k int) bool {
	return kern.dot != nil && !transA && !transB && n <= thinCols && k >= kern.dotStep && k%kern.dotStep == 0
}

// rowDot computes C (= or += by beta) A·B for n ≤ thinCols columns on the caller's
// goroutine, two columns per kernel pass, and runs epi on blocks of thinRows rows.
func rowDot(kern *kernel, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, epi Epilogue) {
	cols := (n + 1) &^ 1
	bp := btPool.Get().(*[]float32)
	if cap(*bp) < cols*k {
		*bp = make([]float32, cols*k)
	}
	bt := (*bp)[:cols*k]
	clear(bt[n*k:]) // the zero partner of an odd last column
	for p := 0; p < k; p++ {
		for j := 0; j < n; j++ {
			bt[j*k+p] = b[p*ldb+j]
		}
	}
	acc := 0
	if beta != 0 {
		acc = 1
	}
	for i0 := 0; i0 < m; i0 += thinRows {
		rows := min(thinRows, m-i0)
		for j := 0; j < n; j += 2 {
			kern.dot(k, &a[i0*lda], lda, &bt[j*k], &c[i0*ldc+j], ldc, rows, min(2, n-j), acc)
		}
		if epi != nil {
			epi(c, ldc, i0, i0+rows, 0, n)
		}
	}
	btPool.Put(bp)
}
