#include "textflag.h"

// AVX2+FMA row kernels for the MLP epilogues and Adam: the AVX-512 ones of kernels_amd64.s
// on 8 lanes. AVX2 has no VSCALEFPS or masked registers: 2^n is added to the exponent
// bits (n ∈ [−126, 127] after the clamp; only at its far end, where 1 + exp(−z) rounds
// to 1 anyway, can the sum leave the normal range), and each row ends with one VMASKMOVPS
// step whose lane mask comes from the sliding window ·laneMask.

#define B8(name, bits) \
	DATA name<>+0(SB)/4, bits \
	DATA name<>+4(SB)/4, bits \
	DATA name<>+8(SB)/4, bits \
	DATA name<>+12(SB)/4, bits \
	DATA name<>+16(SB)/4, bits \
	DATA name<>+20(SB)/4, bits \
	DATA name<>+24(SB)/4, bits \
	DATA name<>+28(SB)/4, bits \
	GLOBL name<>(SB), RODATA|NOPTR, $32

#define B1(name, bits) \
	DATA name<>+0(SB)/4, bits \
	GLOBL name<>(SB), RODATA|NOPTR, $4

B1(magic, $12582912.0)
B1(neglog2e, $-1.44269504088896341)
B1(one, $1.0)
B1(ln2hi, $0.693359375)
B1(ln2lo, $-2.12194440e-4)
B1(c6, $0.0014061240378206079)
B1(c5, $-0.0083790111619178563)
B1(c4, $0.041664777297649398)
B8(ymaxarg, $87.0)
B8(yminarg, $-88.0)
B8(yc3, $-0.16666365441265132)
B8(yc2, $0.5000000434374543)
B8(yc1, $-1.0000000496403856)

// Y7 1.5·2^23, Y8 −log2e, Y9 ln2hi, Y10 1, Y11 ln2lo, Y12..Y14 c6..c4; Y15 is the tail mask.
#define SIGMOID_CONSTS_Y \
	VBROADCASTSS magic<>(SB), Y7 \
	VBROADCASTSS neglog2e<>(SB), Y8 \
	VBROADCASTSS ln2hi<>(SB), Y9 \
	VBROADCASTSS one<>(SB), Y10 \
	VBROADCASTSS ln2lo<>(SB), Y11 \
	VBROADCASTSS c6<>(SB), Y12 \
	VBROADCASTSS c5<>(SB), Y13 \
	VBROADCASTSS c4<>(SB), Y14

// ONE_PLUS_EXP_Y sets Y5 = 1 + exp(−Y0), the steps of act.go's expNeg; clobbers Y2..Y4.
#define ONE_PLUS_EXP_Y \
	VMINPS ymaxarg<>(SB), Y0, Y2 \       // z clamped to [−88, 87]
	VMAXPS yminarg<>(SB), Y2, Y2 \
	VMOVAPS Y8, Y3 \                     // j = z·(−log2e) + 1.5·2^23: n = round(−z·log2e) in the low bits
	VFMADD213PS Y7, Y2, Y3 \
	VSUBPS Y7, Y3, Y4 \                  // n
	VFMADD231PS Y9, Y4, Y2 \             // u = z + n·ln2hi + n·ln2lo
	VFMADD231PS Y11, Y4, Y2 \
	VMOVAPS Y12, Y5 \                    // q = ((((((c6 u + c5) u + c4) u + c3) u + c2) u + c1) u + 1
	VFMADD213PS Y13, Y2, Y5 \
	VFMADD213PS Y14, Y2, Y5 \
	VFMADD213PS yc3<>(SB), Y2, Y5 \
	VFMADD213PS yc2<>(SB), Y2, Y5 \
	VFMADD213PS yc1<>(SB), Y2, Y5 \
	VFMADD213PS Y10, Y2, Y5 \
	VPSLLD $23, Y3, Y3 \                 // exp(−z) = q·2^n: n added to the exponent bits
	VPADDD Y3, Y5, Y5 \
	VADDPS Y10, Y5, Y5

// SILU_Y sets Y1 = Y0/(1 + exp(−Y0)): a division instead of z·σ saves the product.
#define SILU_Y \
	ONE_PLUS_EXP_Y \
	VDIVPS Y5, Y0, Y1

// SILU_DERIV_Y sets Y1 = SiLU(Y0) exactly as SILU_Y does and Y6 = SiLU'(Y0) =
// σ·(1 + z·(1 − σ)); clobbers Y2..Y5.
#define SILU_DERIV_Y \
	ONE_PLUS_EXP_Y \
	VDIVPS      Y5, Y10, Y1 \
	VSUBPS      Y1, Y10, Y6 \
	VFMADD213PS Y10, Y0, Y6 \
	VMULPS      Y1, Y6, Y6 \
	VDIVPS      Y5, Y0, Y1

// MASK_Y sets Y15 to the low (cols mod 8) lanes, using AX and CX.
#define MASK_Y(cols) \
	MOVQ    cols, CX \
	ANDQ    $7, CX \
	MOVQ    $8, AX \
	SUBQ    CX, AX \
	LEAQ    ·laneMask(SB), CX \
	VMOVDQU (CX)(AX*4), Y15

// func biasSiLUBlockAVX2(c *float32, ldc int, b *float32, rows, cols int)
TEXT ·biasSiLUBlockAVX2(SB), NOSPLIT, $0-40
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), R8
	SHLQ $2, R8
	MOVQ rows+24(FP), R10
	MOVQ cols+32(FP), R11
	SIGMOID_CONSTS_Y
	MASK_Y(R11)

ysilu_row:
	TESTQ R10, R10
	JZ    ysilu_done
	MOVQ  DI, R12
	MOVQ  b+16(FP), SI
	MOVQ  R11, BX

ysilu_col:
	CMPQ BX, $8
	JL   ysilu_tail
	VMOVUPS (R12), Y0
	VADDPS  (SI), Y0, Y0
	SILU_Y
	VMOVUPS Y1, (R12)
	ADDQ    $32, R12
	ADDQ    $32, SI
	SUBQ    $8, BX
	JMP     ysilu_col

ysilu_tail:
	TESTQ BX, BX
	JZ    ysilu_next
	VMASKMOVPS (R12), Y15, Y0
	VMASKMOVPS (SI), Y15, Y6
	VADDPS     Y6, Y0, Y0
	SILU_Y
	VMASKMOVPS Y1, Y15, (R12)

ysilu_next:
	ADDQ R8, DI
	DECQ R10
	JMP  ysilu_row

ysilu_done:
	VZEROUPPER
	RET

// func biasSiLUDerivBlockAVX2(c *float32, ldc int, b, d *float32, ldd, rows, cols int)
TEXT ·biasSiLUDerivBlockAVX2(SB), NOSPLIT, $0-56
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), R8
	SHLQ $2, R8
	MOVQ d+24(FP), DX
	MOVQ ldd+32(FP), R9
	SHLQ $2, R9
	MOVQ rows+40(FP), R10
	MOVQ cols+48(FP), R11
	SIGMOID_CONSTS_Y
	MASK_Y(R11)

yderiv_row:
	TESTQ R10, R10
	JZ    yderiv_done
	MOVQ  DI, R12
	MOVQ  DX, R13
	MOVQ  b+16(FP), SI
	MOVQ  R11, BX

yderiv_col:
	CMPQ BX, $8
	JL   yderiv_tail
	VMOVUPS (R12), Y0
	VADDPS  (SI), Y0, Y0
	SILU_DERIV_Y
	VMOVUPS Y1, (R12)
	VMOVUPS Y6, (R13)
	ADDQ    $32, R12
	ADDQ    $32, R13
	ADDQ    $32, SI
	SUBQ    $8, BX
	JMP     yderiv_col

yderiv_tail:
	TESTQ BX, BX
	JZ    yderiv_next
	VMASKMOVPS (R12), Y15, Y0
	VMASKMOVPS (SI), Y15, Y6
	VADDPS     Y6, Y0, Y0
	SILU_DERIV_Y
	VMASKMOVPS Y1, Y15, (R12)
	VMASKMOVPS Y6, Y15, (R13)

yderiv_next:
	ADDQ R8, DI
	ADDQ R9, DX
	DECQ R10
	JMP  yderiv_row

yderiv_done:
	VZEROUPPER
	RET

// func mulBlockAVX2(c *float32, ldc int, d *float32, ldd, rows, cols int)
TEXT ·mulBlockAVX2(SB), NOSPLIT, $0-48
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), R8
	SHLQ $2, R8
	MOVQ d+16(FP), DX
	MOVQ ldd+24(FP), R9
	SHLQ $2, R9
	MOVQ rows+32(FP), R10
	MOVQ cols+40(FP), R11
	MASK_Y(R11)

ymul_row:
	TESTQ R10, R10
	JZ    ymul_done
	MOVQ  DI, R12
	MOVQ  DX, R13
	MOVQ  R11, BX

ymul_col:
	CMPQ BX, $8
	JL   ymul_tail
	VMOVUPS (R12), Y0
	VMULPS  (R13), Y0, Y0
	VMOVUPS Y0, (R12)
	ADDQ    $32, R12
	ADDQ    $32, R13
	SUBQ    $8, BX
	JMP     ymul_col

ymul_tail:
	TESTQ BX, BX
	JZ    ymul_next
	VMASKMOVPS (R12), Y15, Y0
	VMASKMOVPS (R13), Y15, Y1
	VMULPS     Y1, Y0, Y0
	VMASKMOVPS Y0, Y15, (R12)

ymul_next:
	ADDQ R8, DI
	ADDQ R9, DX
	DECQ R10
	JMP  ymul_row

ymul_done:
	VZEROUPPER
	RET

// ADAM_Y updates 8 lanes of p, m, v at (DI), (BX), (R8) from g at (SI); loads and stores
// go through LOAD/STORE so the tail can mask them
// (constants: Y9 c1, Y10 b2, Y11 c2, Y12 eps, Y13 step, Y14 bc2sqrt).
#define ADAM_Y(LOAD, STORE) \
	LOAD((SI), Y0) \                      // g
	LOAD((BX), Y1) \                      // m
	LOAD((R8), Y2) \                      // v
	VSUBPS      Y1, Y0, Y3 \              // m += c1·(g − m)
	VFMADD213PS Y1, Y9, Y3 \
	VMULPS      Y11, Y0, Y4 \             // v = b2·v + (c2·g)·g
	VMULPS      Y0, Y4, Y4 \
	VFMADD231PS Y10, Y2, Y4 \
	STORE(Y3, (BX)) \
	STORE(Y4, (R8)) \
	VSQRTPS     Y4, Y5 \                  // den = √v / bc2sqrt + eps
	VDIVPS      Y14, Y5, Y5 \
	VADDPS      Y12, Y5, Y5 \
	VDIVPS      Y5, Y3, Y6 \              // p −= step·(m / den)
	VMULPS      Y13, Y6, Y6 \
	LOAD((DI), Y7) \
	VSUBPS      Y6, Y7, Y7 \
	STORE(Y7, (DI))

#define LOADU(addr, reg) VMOVUPS addr, reg
#define STOREU(reg, addr) VMOVUPS reg, addr
#define LOADM(addr, reg) VMASKMOVPS addr, Y15, reg
#define STOREM(reg, addr) VMASKMOVPS reg, Y15, addr

// func adamAVX2(p, g, m, v []float32, k *adamConsts) — all slices of len(p).
TEXT ·adamAVX2(SB), NOSPLIT, $0-104
	MOVQ p_base+0(FP), DI
	MOVQ p_len+8(FP), DX
	MOVQ g_base+24(FP), SI
	MOVQ m_base+48(FP), BX
	MOVQ v_base+72(FP), R8
	MOVQ k+96(FP), AX
	VBROADCASTSS 0(AX), Y9
	VBROADCASTSS 4(AX), Y10
	VBROADCASTSS 8(AX), Y11
	VBROADCASTSS 12(AX), Y12
	VBROADCASTSS 16(AX), Y13
	VBROADCASTSS 20(AX), Y14
	MASK_Y(DX)

yadam_loop:
	CMPQ DX, $8
	JL   yadam_tail
	ADAM_Y(LOADU, STOREU)
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, BX
	ADDQ $32, R8
	SUBQ $8, DX
	JMP  yadam_loop

yadam_tail:
	TESTQ DX, DX
	JZ    yadam_done
	ADAM_Y(LOADM, STOREM)

yadam_done:
	VZEROUPPER
	RET
