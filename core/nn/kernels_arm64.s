#include "textflag.h"

// NEON row kernels for the MLP epilogues and Adam: the AVX-512 ones of kernels_amd64.s on
// 4 lanes, for whole groups of 4 columns (the Go wrappers finish a row's last 1-3). Go's
// assembler lacks most vector float instructions, so they are WORDs with the instruction
// in a comment; the tests under emulation check them against the pure-Go kernels.

DATA sigconsts<>+0(SB)/4, $12582912.0
DATA sigconsts<>+4(SB)/4, $87.0
DATA sigconsts<>+8(SB)/4, $-88.0
DATA sigconsts<>+12(SB)/4, $-1.44269504088896341
DATA sigconsts<>+16(SB)/4, $0.0
DATA sigconsts<>+20(SB)/4, $1.0
DATA sigconsts<>+24(SB)/4, $0.693359375
DATA sigconsts<>+28(SB)/4, $-2.12194440e-4
DATA sigconsts<>+32(SB)/4, $-1.0000000496403856
DATA sigconsts<>+36(SB)/4, $0.5000000434374543
DATA sigconsts<>+40(SB)/4, $-0.16666365441265132
DATA sigconsts<>+44(SB)/4, $0.041664777297649398
DATA sigconsts<>+48(SB)/4, $-0.0083790111619178563
DATA sigconsts<>+52(SB)/4, $0.0014061240378206079
GLOBL sigconsts<>(SB), RODATA|NOPTR, $56

// Replicates the SiLU constants into V16..V29 (1.5·2^23, clamp 87, −88, −log2e, unused, 1,
// ln2hi, ln2lo, c1..c6).
#define SIGMOID_CONSTS \
	MOVD $sigconsts<>(SB), R7 \
	VLD1R.P 4(R7), [V16.S4] \
	VLD1R.P 4(R7), [V17.S4] \
	VLD1R.P 4(R7), [V18.S4] \
	VLD1R.P 4(R7), [V19.S4] \
	VLD1R.P 4(R7), [V20.S4] \
	VLD1R.P 4(R7), [V21.S4] \
	VLD1R.P 4(R7), [V22.S4] \
	VLD1R.P 4(R7), [V23.S4] \
	VLD1R.P 4(R7), [V24.S4] \
	VLD1R.P 4(R7), [V25.S4] \
	VLD1R.P 4(R7), [V26.S4] \
	VLD1R.P 4(R7), [V27.S4] \
	VLD1R.P 4(R7), [V28.S4] \
	VLD1R.P 4(R7), [V29.S4]

// ONE_PLUS_EXP sets V7 = 1 + exp(−V0), the steps of act.go's expNeg; clobbers V2-V5.
#define ONE_PLUS_EXP \
	WORD $0x4eb1f402 \ // FMIN V2.4S, V0.4S, V17.4S: z clamped to [−88, 87]
	WORD $0x4e32f442 \ // FMAX V2.4S, V2.4S, V18.4S
	VMOV V16.B16, V3.B16 \ // n = round(−z·log2e), by adding and removing 1.5·2^23
	VFMLA V19.S4, V2.S4, V3.S4 \
	WORD $0x4eb0d464 \ // FSUB V4.4S, V3.4S, V16.4S
	VFMLA V22.S4, V4.S4, V2.S4 \ // u = z + n·ln2hi + n·ln2lo
	VFMLA V23.S4, V4.S4, V2.S4 \
	VMOV V28.B16, V5.B16 \ // q = ((((((c6 u + c5) u + c4) u + c3) u + c2) u + c1) u + 1
	VFMLA V29.S4, V2.S4, V5.S4 \
	VMOV V27.B16, V7.B16 \
	VFMLA V5.S4, V2.S4, V7.S4 \
	VMOV V26.B16, V5.B16 \
	VFMLA V7.S4, V2.S4, V5.S4 \
	VMOV V25.B16, V7.B16 \
	VFMLA V5.S4, V2.S4, V7.S4 \
	VMOV V24.B16, V5.B16 \
	VFMLA V7.S4, V2.S4, V5.S4 \
	VMOV V21.B16, V7.B16 \
	VFMLA V5.S4, V2.S4, V7.S4 \
	VSHL $23, V3.S4, V3.S4 \ // exp(−z) = q·2^n: n added to the exponent bits
	VADD V3.S4, V7.S4, V7.S4 \
	WORD $0x4e35d4e7 // FADD V7.4S, V7.4S, V21.4S

// SILU sets V1 = V0/(1 + exp(−V0)) (a division, not z·σ, as act.go); clobbers V2-V5, V7.
#define SILU \
	ONE_PLUS_EXP \
	WORD $0x6e27fc01 // FDIV V1.4S, V0.4S, V7.4S

// SILU_DERIV sets V1 = SiLU(V0) exactly as SILU does and V6 = SiLU'(V0) =
// σ·(1 + z·(1 − σ)), σ = 1/(1 + exp(−z)); clobbers V2-V5, V7.
#define SILU_DERIV \
	ONE_PLUS_EXP \
	WORD $0x6e27fea1 \ // FDIV V1.4S, V21.4S, V7.4S: σ
	WORD $0x4ea1d6a6 \ // FSUB V6.4S, V21.4S, V1.4S
	VMOV V21.B16, V5.B16 \
	VFMLA V6.S4, V0.S4, V5.S4 \
	WORD $0x6e21dca6 \ // FMUL V6.4S, V5.4S, V1.4S
	WORD $0x6e27fc01 // FDIV V1.4S, V0.4S, V7.4S

// func biasSiLUBlockNEON(c *float32, ldc int, b *float32, rows, cols int), cols a positive multiple of 4.
TEXT ·biasSiLUBlockNEON(SB), NOSPLIT, $0-40
	MOVD c+0(FP), R0
	MOVD ldc+8(FP), R1
	LSL  $2, R1, R1
	MOVD rows+24(FP), R3
	MOVD cols+32(FP), R4
	SIGMOID_CONSTS
silu_row:
	CBZ  R3, silu_done
	MOVD R0, R8
	MOVD b+16(FP), R9
	MOVD R4, R10
silu_col:
	VLD1   (R8), [V0.S4]
	VLD1.P 16(R9), [V2.S4]
	WORD $0x4e22d400 // FADD V0.4S, V0.4S, V2.4S
	SILU
	VST1.P [V1.S4], 16(R8)
	SUB    $4, R10, R10
	CBNZ   R10, silu_col
	ADD    R1, R0, R0
	SUB    $1, R3, R3
	B      silu_row
silu_done:
	RET

// func biasSiLUDerivBlockNEON(c *float32, ldc int, b, d *float32, ldd, rows, cols int)
TEXT ·biasSiLUDerivBlockNEON(SB), NOSPLIT, $0-56
	MOVD c+0(FP), R0
	MOVD ldc+8(FP), R1
	LSL  $2, R1, R1
	MOVD d+24(FP), R2
	MOVD ldd+32(FP), R5
	LSL  $2, R5, R5
	MOVD rows+40(FP), R3
	MOVD cols+48(FP), R4
	SIGMOID_CONSTS
deriv_row:
	CBZ  R3, deriv_done
	MOVD R0, R8
	MOVD R2, R11
	MOVD b+16(FP), R9
	MOVD R4, R10
deriv_col:
	VLD1   (R8), [V0.S4]
	VLD1.P 16(R9), [V2.S4]
	WORD $0x4e22d400 // FADD V0.4S, V0.4S, V2.4S
	SILU_DERIV
	VST1.P [V1.S4], 16(R8)
	VST1.P [V6.S4], 16(R11)
	SUB    $4, R10, R10
	CBNZ   R10, deriv_col
	ADD    R1, R0, R0
	ADD    R5, R2, R2
	SUB    $1, R3, R3
	B      deriv_row
deriv_done:
	RET

// func mulBlockNEON(c *float32, ldc int, d *float32, ldd, rows, cols int)
TEXT ·mulBlockNEON(SB), NOSPLIT, $0-48
	MOVD c+0(FP), R0
	MOVD ldc+8(FP), R1
	LSL  $2, R1, R1
	MOVD d+16(FP), R2
	MOVD ldd+24(FP), R5
	LSL  $2, R5, R5
	MOVD rows+32(FP), R3
	MOVD cols+40(FP), R4
mul_row:
	CBZ  R3, mul_done
	MOVD R0, R8
	MOVD R2, R11
	MOVD R4, R10
mul_col:
	VLD1   (R8), [V0.S4]
	VLD1.P 16(R11), [V1.S4]
	WORD $0x6e21dc00 // FMUL V0.4S, V0.4S, V1.4S
	VST1.P [V0.S4], 16(R8)
	SUB    $4, R10, R10
	CBNZ   R10, mul_col
	ADD    R1, R0, R0
	ADD    R5, R2, R2
	SUB    $1, R3, R3
	B      mul_row
mul_done:
	RET

// func adamNEON(p, gr, m, v *float32, n int, k *adamConsts), n a positive multiple of 4.
TEXT ·adamNEON(SB), NOSPLIT, $0-48
	MOVD p+0(FP), R0
	MOVD gr+8(FP), R1
	MOVD m+16(FP), R2
	MOVD v+24(FP), R3
	MOVD n+32(FP), R4
	MOVD k+40(FP), R7
	VLD1R.P 4(R7), [V16.S4] // c1
	VLD1R.P 4(R7), [V17.S4] // b2
	VLD1R.P 4(R7), [V18.S4] // c2
	VLD1R.P 4(R7), [V19.S4] // eps
	VLD1R.P 4(R7), [V20.S4] // step
	VLD1R.P 4(R7), [V21.S4] // bc2sqrt
adam_loop:
	VLD1.P 16(R1), [V0.S4] // g
	VLD1   (R2), [V1.S4]   // m
	VLD1   (R3), [V2.S4]   // v
	WORD $0x4ea1d403 // FSUB V3.4S, V0.4S, V1.4S
	VMOV   V1.B16, V4.B16
	VFMLA  V16.S4, V3.S4, V4.S4 // m += c1·(g − m)
	WORD $0x6e20de45 // FMUL V5.4S, V18.4S, V0.4S
	WORD $0x6e20dca5 // FMUL V5.4S, V5.4S, V0.4S
	VFMLA  V17.S4, V2.S4, V5.S4 // v = b2·v + (c2·g)·g
	VST1.P [V4.S4], 16(R2)
	VST1.P [V5.S4], 16(R3)
	WORD $0x6ea1f8a6 // FSQRT V6.4S, V5.4S
	WORD $0x6e35fcc6 // FDIV V6.4S, V6.4S, V21.4S
	WORD $0x4e33d4c6 // FADD V6.4S, V6.4S, V19.4S
	WORD $0x6e26fc87 // FDIV V7.4S, V4.4S, V6.4S
	WORD $0x6e34dce7 // FMUL V7.4S, V7.4S, V20.4S
	VLD1   (R0), [V3.S4]
	WORD $0x4ea7d463 // FSUB V3.4S, V3.4S, V7.4S
	VST1.P [V3.S4], 16(R0)
	SUB    $4, R4, R4
	CBNZ   R4, adam_loop
	RET
