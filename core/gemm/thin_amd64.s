#include "textflag.h"

// Row-dot kernels for products with one or two output columns (the MLP's output layer):
// c[i*ldc+j] (=, or += when acc ≠ 0) Σ_p a[i*lda+p]·bt[j*k+p] for i < rows, j < ncols,
// ncols ∈ {1, 2}; bt holds both columns of B contiguous in k (the second zero when
// ncols = 1). Each row of A is read once, straight from memory: no packing, no padding
// tile. k is a multiple of the vector width (the caller checks). The two column sums are
// reduced together by a shuffle tree, so every element has one fixed summation order.

// DOT_ARGS loads both kernels' arguments: CX = k in bytes, SI = a, R8 = lda in bytes,
// DX and BX = the two columns of bt, DI = c, R9 = ldc in bytes, R10 = rows, R11 = ncols,
// R12 = acc.
#define DOT_ARGS \
	MOVQ k+0(FP), CX \
	SHLQ $2, CX \
	MOVQ a+8(FP), SI \
	MOVQ lda+16(FP), R8 \
	SHLQ $2, R8 \
	MOVQ bt+24(FP), DX \
	LEAQ (DX)(CX*1), BX \
	MOVQ c+32(FP), DI \
	MOVQ ldc+40(FP), R9 \
	SHLQ $2, R9 \
	MOVQ rows+48(FP), R10 \
	MOVQ ncols+56(FP), R11 \
	MOVQ acc+64(FP), R12

// func dotRows2AVX512(k int, a *float32, lda int, bt *float32, c *float32, ldc, rows, ncols, acc int)
TEXT ·dotRows2AVX512(SB), NOSPLIT, $0-72
	DOT_ARGS

z_row:
	TESTQ R10, R10
	JZ    z_done
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	XORQ   AX, AX

z_k:
	VMOVUPS     (SI)(AX*1), Z8
	VFMADD231PS (DX)(AX*1), Z8, Z0
	VFMADD231PS (BX)(AX*1), Z8, Z1
	ADDQ        $64, AX
	CMPQ        AX, CX
	JLT         z_k

	// [Z0.q0 Z0.q1 Z1.q0 Z1.q1] + [Z0.q2 Z0.q3 Z1.q2 Z1.q3], then swap quads within halves,
	// then pairs and neighbours within quads: quad 0 ends as column 0's sum, quad 2 as
	// column 1's.
	VSHUFF32X4 $0x44, Z1, Z0, Z4
	VSHUFF32X4 $0xEE, Z1, Z0, Z5
	VADDPS     Z5, Z4, Z4
	VSHUFF32X4 $0xB1, Z4, Z4, Z5
	VADDPS     Z5, Z4, Z4
	VPERMILPS  $0x4E, Z4, Z5
	VADDPS     Z5, Z4, Z4
	VPERMILPS  $0xB1, Z4, Z5
	VADDPS     Z5, Z4, Z4
	VEXTRACTF32X4 $2, Z4, X5
	TESTQ      R12, R12
	JZ         z_store
	VADDSS     (DI), X4, X4
	CMPQ       R11, $2
	JLT        z_store
	VADDSS     4(DI), X5, X5

z_store:
	VMOVSS X4, (DI)
	CMPQ   R11, $2
	JLT    z_next
	VMOVSS X5, 4(DI)

z_next:
	ADDQ R8, SI
	ADDQ R9, DI
	DECQ R10
	JMP  z_row

z_done:
	VZEROUPPER
	RET

// func dotRows2AVX2(k int, a *float32, lda int, bt *float32, c *float32, ldc, rows, ncols, acc int)
// As dotRows2AVX512 with 8-float vectors; two accumulators per column (even and odd
// vectors of k) so the FMA chains overlap, k a multiple of 8.
TEXT ·dotRows2AVX2(SB), NOSPLIT, $0-72
	DOT_ARGS

y_row:
	TESTQ R10, R10
	JZ    y_done
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	XORQ   AX, AX
	MOVQ   CX, R13
	ANDQ   $-64, R13          // bytes covered by whole pairs of vectors

y_pair:
	CMPQ        AX, R13
	JGE         y_single
	VMOVUPS     (SI)(AX*1), Y8
	VMOVUPS     32(SI)(AX*1), Y9
	VFMADD231PS (DX)(AX*1), Y8, Y0
	VFMADD231PS (BX)(AX*1), Y8, Y1
	VFMADD231PS 32(DX)(AX*1), Y9, Y2
	VFMADD231PS 32(BX)(AX*1), Y9, Y3
	ADDQ        $64, AX
	JMP         y_pair

y_single:
	CMPQ        AX, CX
	JGE         y_reduce
	VMOVUPS     (SI)(AX*1), Y8
	VFMADD231PS (DX)(AX*1), Y8, Y0
	VFMADD231PS (BX)(AX*1), Y8, Y1

y_reduce:
	VADDPS     Y2, Y0, Y0
	VADDPS     Y3, Y1, Y1
	// [Y0.lo Y1.lo] + [Y0.hi Y1.hi]: lane half 0 is column 0, half 1 column 1.
	VPERM2F128 $0x20, Y1, Y0, Y4
	VPERM2F128 $0x31, Y1, Y0, Y5
	VADDPS     Y5, Y4, Y4
	VPERMILPS  $0x4E, Y4, Y5
	VADDPS     Y5, Y4, Y4
	VPERMILPS  $0xB1, Y4, Y5
	VADDPS     Y5, Y4, Y4
	VEXTRACTF128 $1, Y4, X5
	TESTQ      R12, R12
	JZ         y_store
	VADDSS     (DI), X4, X4
	CMPQ       R11, $2
	JLT        y_store
	VADDSS     4(DI), X5, X5

y_store:
	VMOVSS X4, (DI)
	CMPQ   R11, $2
	JLT    y_next
	VMOVSS X5, 4(DI)

y_next:
	ADDQ R8, SI
	ADDQ R9, DI
	DECQ R10
	JMP  y_row

y_done:
	VZEROUPPER
	RET
