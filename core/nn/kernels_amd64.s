#include "textflag.h"

// AVX-512 row kernels for the MLP epilogues and Adam. Each processes 16 floats per step
// and finishes each row with one masked step, so any shape works. The math mirrors act.go and
// adam.go step for step (with fused multiply-adds, hence last-ulp differences).

DATA magic<>+0(SB)/4, $12582912.0
GLOBL magic<>(SB), RODATA|NOPTR, $4
DATA neglog2e<>+0(SB)/4, $-1.44269504088896341
GLOBL neglog2e<>(SB), RODATA|NOPTR, $4
DATA maxarg<>+0(SB)/4, $87.0
GLOBL maxarg<>(SB), RODATA|NOPTR, $4
DATA minarg<>+0(SB)/4, $-88.0
GLOBL minarg<>(SB), RODATA|NOPTR, $4
DATA one<>+0(SB)/4, $1.0
GLOBL one<>(SB), RODATA|NOPTR, $4
DATA ln2hi<>+0(SB)/4, $0.693359375
GLOBL ln2hi<>(SB), RODATA|NOPTR, $4
DATA ln2lo<>+0(SB)/4, $-2.12194440e-4
GLOBL ln2lo<>(SB), RODATA|NOPTR, $4
DATA c1<>+0(SB)/4, $-1.0000000496403856
GLOBL c1<>(SB), RODATA|NOPTR, $4
DATA c2<>+0(SB)/4, $0.5000000434374543
GLOBL c2<>(SB), RODATA|NOPTR, $4
DATA c3<>+0(SB)/4, $-0.16666365441265132
GLOBL c3<>(SB), RODATA|NOPTR, $4
DATA c4<>+0(SB)/4, $0.041664777297649398
GLOBL c4<>(SB), RODATA|NOPTR, $4
DATA c5<>+0(SB)/4, $-0.0083790111619178563
GLOBL c5<>(SB), RODATA|NOPTR, $4
DATA c6<>+0(SB)/4, $0.0014061240378206079
GLOBL c6<>(SB), RODATA|NOPTR, $4

// Loads the SiLU constants into Z16..Z28.
#define SIGMOID_CONSTS \
	VBROADCASTSS magic<>(SB), Z16 \
	VBROADCASTSS maxarg<>(SB), Z17 \
	VBROADCASTSS minarg<>(SB), Z18 \
	VBROADCASTSS neglog2e<>(SB), Z19 \
	VBROADCASTSS one<>(SB), Z21 \
	VBROADCASTSS ln2hi<>(SB), Z22 \
	VBROADCASTSS ln2lo<>(SB), Z23 \
	VBROADCASTSS c1<>(SB), Z24 \
	VBROADCASTSS c2<>(SB), Z25 \
	VBROADCASTSS c3<>(SB), Z26 \
	VBROADCASTSS c4<>(SB), Z27 \
	VBROADCASTSS c5<>(SB), Z28 \
	VBROADCASTSS c6<>(SB), Z29

// ONE_PLUS_EXP sets Z5 = 1 + exp(−Z0), the steps of act.go's expNeg; clobbers Z2, Z3.
#define ONE_PLUS_EXP \
	VMINPS Z17, Z0, Z2 \           // z clamped to [−88, 87]
	VMAXPS Z18, Z2, Z2 \
	VMOVAPS Z19, Z3 \              // n = round(−z·log2e), by adding and removing 1.5·2^23
	VFMADD213PS Z16, Z2, Z3 \
	VSUBPS Z16, Z3, Z3 \
	VFMADD231PS Z22, Z3, Z2 \      // u = z + n·ln2hi + n·ln2lo
	VFMADD231PS Z23, Z3, Z2 \
	VMOVAPS Z29, Z5 \              // q = ((((((c6 u + c5) u + c4) u + c3) u + c2) u + c1) u + 1
	VFMADD213PS Z28, Z2, Z5 \
	VFMADD213PS Z27, Z2, Z5 \
	VFMADD213PS Z26, Z2, Z5 \
	VFMADD213PS Z25, Z2, Z5 \
	VFMADD213PS Z24, Z2, Z5 \
	VFMADD213PS Z21, Z2, Z5 \
	VSCALEFPS Z3, Z5, Z5 \         // exp(−z) = q·2^n
	VADDPS Z21, Z5, Z5

// SILU sets Z1 = Z0/(1 + exp(−Z0)) (a division, not z·σ, as act.go); clobbers Z2..Z5.
#define SILU \
	ONE_PLUS_EXP \
	VDIVPS Z5, Z0, Z1

// SILU_DERIV sets Z1 = SiLU(Z0) exactly as SILU does and Z6 = SiLU'(Z0) =
// σ·(1 + z·(1 − σ)), σ = 1/(1 + exp(−z)); clobbers Z2..Z5, Z7. Two divisions measured
// faster than VRCP14PS with a Newton step for σ (Zen 5).
#define SILU_DERIV \
	ONE_PLUS_EXP \
	VDIVPS Z5, Z21, Z7 \
	VDIVPS Z5, Z0, Z1 \
	VSUBPS      Z7, Z21, Z6 \
	VFMADD213PS Z21, Z0, Z6 \
	VMULPS      Z7, Z6, Z6

// MASK sets K1 to the low (cols mod 16) lanes, using AX and CX.
#define MASK(cols) \
	MOVQ  cols, CX \
	ANDQ  $15, CX \
	MOVL  $1, AX \
	SHLL  CX, AX \
	DECL  AX \
	KMOVW AX, K1

// func biasSiLUBlockAVX512(c *float32, ldc int, b *float32, rows, cols int)
// c[i*ldc+j] = silu(c[i*ldc+j] + b[j]) for i < rows, j < cols.
TEXT ·biasSiLUBlockAVX512(SB), NOSPLIT, $0-40
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), R8
	SHLQ $2, R8
	MOVQ rows+24(FP), R10
	MOVQ cols+32(FP), R11
	SIGMOID_CONSTS
	MASK(R11)

silu_row:
	TESTQ R10, R10
	JZ    silu_done
	MOVQ  DI, R12
	MOVQ  b+16(FP), SI
	MOVQ  R11, BX

silu_col:
	CMPQ BX, $16
	JL   silu_tail
	VMOVUPS (R12), Z0
	VADDPS  (SI), Z0, Z0
	SILU
	VMOVUPS Z1, (R12)
	ADDQ    $64, R12
	ADDQ    $64, SI
	SUBQ    $16, BX
	JMP     silu_col

silu_tail:
	TESTQ BX, BX
	JZ    silu_next
	VMOVUPS.Z (R12), K1, Z0
	VMOVUPS.Z (SI), K1, Z6
	VADDPS    Z6, Z0, Z0
	SILU
	VMOVUPS   Z1, K1, (R12)

silu_next:
	ADDQ R8, DI
	DECQ R10
	JMP  silu_row

silu_done:
	VZEROUPPER
	RET

// func biasSiLUDerivBlockAVX512(c *float32, ldc int, b, d *float32, ldd, rows, cols int)
// as biasSiLUBlockAVX512, and d[i*ldd+j] = silu'(c[i*ldc+j] + b[j]).
TEXT ·biasSiLUDerivBlockAVX512(SB), NOSPLIT, $0-56
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), R8
	SHLQ $2, R8
	MOVQ d+24(FP), DX
	MOVQ ldd+32(FP), R9
	SHLQ $2, R9
	MOVQ rows+40(FP), R10
	MOVQ cols+48(FP), R11
	SIGMOID_CONSTS
	MASK(R11)

deriv_row:
	TESTQ R10, R10
	JZ    deriv_done
	MOVQ  DI, R12
	MOVQ  DX, R13
	MOVQ  b+16(FP), SI
	MOVQ  R11, BX

deriv_col:
	CMPQ BX, $16
	JL   deriv_tail
	VMOVUPS (R12), Z0
	VADDPS  (SI), Z0, Z0
	SILU_DERIV
	VMOVUPS Z1, (R12)
	VMOVUPS Z6, (R13)
	ADDQ    $64, R12
	ADDQ    $64, R13
	ADDQ    $64, SI
	SUBQ    $16, BX
	JMP     deriv_col

deriv_tail:
	TESTQ BX, BX
	JZ    deriv_next
	VMOVUPS.Z (R12), K1, Z0
	VMOVUPS.Z (SI), K1, Z6
	VADDPS    Z6, Z0, Z0
	SILU_DERIV
	VMOVUPS   Z1, K1, (R12)
	VMOVUPS   Z6, K1, (R13)

deriv_next:
	ADDQ R8, DI
	ADDQ R9, DX
	DECQ R10
	JMP  deriv_row

deriv_done:
	VZEROUPPER
	RET

// func mulBlockAVX512(c *float32, ldc int, d *float32, ldd, rows, cols int)
// c[i*ldc+j] *= d[i*ldd+j].
TEXT ·mulBlockAVX512(SB), NOSPLIT, $0-48
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), R8
	SHLQ $2, R8
	MOVQ d+16(FP), DX
	MOVQ ldd+24(FP), R9
	SHLQ $2, R9
	MOVQ rows+32(FP), R10
	MOVQ cols+40(FP), R11
	MASK(R11)

mul_row:
	TESTQ R10, R10
	JZ    mul_done
	MOVQ  DI, R12
	MOVQ  DX, R13
	MOVQ  R11, BX

mul_col:
	CMPQ BX, $16
	JL   mul_tail
	VMOVUPS (R12), Z0
	VMULPS  (R13), Z0, Z0
	VMOVUPS Z0, (R12)
	ADDQ    $64, R12
	ADDQ    $64, R13
	SUBQ    $16, BX
	JMP     mul_col

mul_tail:
	TESTQ BX, BX
	JZ    mul_next
	VMOVUPS.Z (R12), K1, Z0
	VMOVUPS.Z (R13), K1, Z1
	VMULPS    Z1, Z0, Z0
	VMOVUPS   Z0, K1, (R12)

mul_next:
	ADDQ R8, DI
	ADDQ R9, DX
	DECQ R10
	JMP  mul_row

mul_done:
	VZEROUPPER
	RET

// ADAM updates p, m, v at (DI), (BX), (R8) from g at (SI) under mask K1
// (constants: Z17 c1, Z18 b2, Z19 c2, Z20 eps, Z21 step, Z22 bc2sqrt).
#define ADAM \
	VMOVUPS.Z (SI), K1, Z0 \          // g
	VMOVUPS.Z (BX), K1, Z1 \          // m
	VMOVUPS.Z (R8), K1, Z2 \          // v
	VSUBPS      Z1, Z0, Z3 \          // m += c1·(g − m)
	VFMADD213PS Z1, Z17, Z3 \
	VMULPS      Z19, Z0, Z4 \         // v = b2·v + (c2·g)·g
	VMULPS      Z0, Z4, Z4 \
	VFMADD231PS Z18, Z2, Z4 \
	VMOVUPS     Z3, K1, (BX) \
	VMOVUPS     Z4, K1, (R8) \
	VSQRTPS     Z4, Z5 \              // den = √v / bc2sqrt + eps
	VDIVPS      Z22, Z5, Z5 \
	VADDPS      Z20, Z5, Z5 \
	VDIVPS      Z5, Z3, Z6 \          // p −= step·(m / den)
	VMULPS      Z21, Z6, Z6 \
	VMOVUPS.Z   (DI), K1, Z7 \
	VSUBPS      Z6, Z7, Z7 \
	VMOVUPS     Z7, K1, (DI)

// func adamAVX512(p, g, m, v []float32, k *adamConsts) — all slices of len(p).
TEXT ·adamAVX512(SB), NOSPLIT, $0-104
	MOVQ p_base+0(FP), DI
	MOVQ p_len+8(FP), CX
	MOVQ g_base+24(FP), SI
	MOVQ m_base+48(FP), BX
	MOVQ v_base+72(FP), R8
	MOVQ k+96(FP), AX
	VBROADCASTSS 0(AX), Z17
	VBROADCASTSS 4(AX), Z18
	VBROADCASTSS 8(AX), Z19
	VBROADCASTSS 12(AX), Z20
	VBROADCASTSS 16(AX), Z21
	VBROADCASTSS 20(AX), Z22
	KXNORW K0, K0, K1

adam_loop:
	CMPQ CX, $16
	JL   adam_tail
	ADAM
	ADDQ $64, DI
	ADDQ $64, SI
	ADDQ $64, BX
	ADDQ $64, R8
	SUBQ $16, CX
	JMP  adam_loop

adam_tail:
	TESTQ CX, CX
	JZ    adam_done
	MOVL  $1, AX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K1
	ADAM

adam_done:
	VZEROUPPER
	RET
