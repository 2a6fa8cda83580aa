#include "textflag.h"

// The 8-lane exponential sums of expsum.go: the steps of expNonPos, one FMA for each of
// its math.FMA calls, so both kernels reproduce the pure-Go lanes bit for bit.
// Constants are 4 copies each (32 bytes), so AVX2 can use them as memory operands; the
// AVX-512 kernel broadcasts them into registers.

#define D4(name, bits) \
	DATA name<>+0(SB)/8, bits \
	DATA name<>+8(SB)/8, bits \
	DATA name<>+16(SB)/8, bits \
	DATA name<>+24(SB)/8, bits \
	GLOBL name<>(SB), RODATA|NOPTR, $32

D4(expmin, $0xc085e00000000000)
D4(log2e, $0x3ff71547652b82fe)
D4(magic, $0x4338000000000000)
D4(negln2hi, $0xbfe62e42fee00000)
D4(negln2lo, $0xbdea39ef35793c76)
D4(t0, $0x3de6124613a86d09)  // 1/13!
D4(t1, $0x3e21eed8eff8d898)  // 1/12!
D4(t2, $0x3e5ae64567f544e4)  // 1/11!
D4(t3, $0x3e927e4fb7789f5c)  // 1/10!
D4(t4, $0x3ec71de3a556c734)  // 1/9!
D4(t5, $0x3efa01a01a01a01a)  // 1/8!
D4(t6, $0x3f2a01a01a01a01a)  // 1/7!
D4(t7, $0x3f56c16c16c16c17)  // 1/6!
D4(t8, $0x3f81111111111111)  // 1/5!
D4(t9, $0x3fa5555555555555)  // 1/4!
D4(t10, $0x3fc5555555555555)  // 1/3!
D4(t11, $0x3fe0000000000000)  // 1/2!
D4(t12, $0x3ff0000000000000)  // 1/1!
D4(t13, $0x3ff0000000000000)  // 1

// EXP_ADD_Y adds exp(max(g·v, −700)) for the 4 values at off(SI) to acc (g in Y0), the
// steps of expNonPos: x = max(g·v, −700); j = x·log2e + 1.5·2^52 (n = j − 1.5·2^52 in
// its low bits); r = x − n·ln2hi − n·ln2lo; p = Horner over 1/13! … 1; p·2^n by adding n
// to the exponent bits. Clobbers x, j, n, p.
#define EXP_ADD_Y(off, x, j, n, p, acc) \
	VMULPD off(SI), Y0, x \
	VMAXPD expmin<>(SB), x, x \
	VMOVUPD log2e<>(SB), j \
	VFMADD213PD magic<>(SB), x, j \
	VSUBPD magic<>(SB), j, n \
	VFMADD231PD negln2hi<>(SB), n, x \
	VFMADD231PD negln2lo<>(SB), n, x \
	VMOVUPD t0<>(SB), p \
	VFMADD213PD t1<>(SB), x, p \
	VFMADD213PD t2<>(SB), x, p \
	VFMADD213PD t3<>(SB), x, p \
	VFMADD213PD t4<>(SB), x, p \
	VFMADD213PD t5<>(SB), x, p \
	VFMADD213PD t6<>(SB), x, p \
	VFMADD213PD t7<>(SB), x, p \
	VFMADD213PD t8<>(SB), x, p \
	VFMADD213PD t9<>(SB), x, p \
	VFMADD213PD t10<>(SB), x, p \
	VFMADD213PD t11<>(SB), x, p \
	VFMADD213PD t12<>(SB), x, p \
	VFMADD213PD t13<>(SB), x, p \
	VPSLLQ $52, j, j \
	VPADDQ j, p, p \
	VADDPD p, acc, acc

// func expLanesAVX2(v *float64, n int, scale float64, s *[8]float64)
// s[j mod 8] += exp(scale·v[j]) for j < n, n a multiple of 8: lanes 0–3 in Y14, 4–7 in Y15.
TEXT ·expLanesAVX2(SB), NOSPLIT, $0-32
	MOVQ v+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSD scale+16(FP), Y0
	MOVQ s+24(FP), DI
	VMOVUPD (DI), Y14
	VMOVUPD 32(DI), Y15
	SHRQ $3, CX
	JZ   y_done
y_loop:
	EXP_ADD_Y(0, Y1, Y2, Y3, Y4, Y14)
	EXP_ADD_Y(32, Y5, Y6, Y7, Y8, Y15)
	ADDQ $64, SI
	DECQ CX
	JNZ  y_loop
y_done:
	VMOVUPD Y14, (DI)
	VMOVUPD Y15, 32(DI)
	VZEROUPPER
	RET

// func expLanesAVX512(v *float64, n int, scale float64, s *[8]float64)
// As expLanesAVX2 with all 8 lanes in Z15; constants in Z16–Z31 and Z9–Z11.
TEXT ·expLanesAVX512(SB), NOSPLIT, $0-32
	MOVQ v+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSD scale+16(FP), Z0
	MOVQ s+24(FP), DI
	VMOVUPD (DI), Z15
	VBROADCASTSD expmin<>(SB), Z16
	VBROADCASTSD log2e<>(SB), Z17
	VBROADCASTSD magic<>(SB), Z18
	VBROADCASTSD negln2hi<>(SB), Z19
	VBROADCASTSD negln2lo<>(SB), Z20
	VBROADCASTSD t0<>(SB), Z21
	VBROADCASTSD t1<>(SB), Z22
	VBROADCASTSD t2<>(SB), Z23
	VBROADCASTSD t3<>(SB), Z24
	VBROADCASTSD t4<>(SB), Z25
	VBROADCASTSD t5<>(SB), Z26
	VBROADCASTSD t6<>(SB), Z27
	VBROADCASTSD t7<>(SB), Z28
	VBROADCASTSD t8<>(SB), Z29
	VBROADCASTSD t9<>(SB), Z30
	VBROADCASTSD t10<>(SB), Z31
	VBROADCASTSD t11<>(SB), Z9
	VBROADCASTSD t12<>(SB), Z10
	VBROADCASTSD t13<>(SB), Z11
	SHRQ $3, CX
	JZ   z_done
z_loop:
	VMULPD (SI), Z0, Z1           // x = max(g·v, −700)
	VMAXPD Z16, Z1, Z1
	VMOVAPD Z17, Z2               // j = x·log2e + 1.5·2^52
	VFMADD213PD Z18, Z1, Z2
	VSUBPD Z18, Z2, Z3            // n
	VFMADD231PD Z19, Z3, Z1       // r = x − n·ln2hi − n·ln2lo
	VFMADD231PD Z20, Z3, Z1
	VMOVAPD Z21, Z4
	VFMADD213PD Z22, Z1, Z4
	VFMADD213PD Z23, Z1, Z4
	VFMADD213PD Z24, Z1, Z4
	VFMADD213PD Z25, Z1, Z4
	VFMADD213PD Z26, Z1, Z4
	VFMADD213PD Z27, Z1, Z4
	VFMADD213PD Z28, Z1, Z4
	VFMADD213PD Z29, Z1, Z4
	VFMADD213PD Z30, Z1, Z4
	VFMADD213PD Z31, Z1, Z4
	VFMADD213PD Z9, Z1, Z4
	VFMADD213PD Z10, Z1, Z4
	VFMADD213PD Z11, Z1, Z4
	VPSLLQ $52, Z2, Z2            // exp(x) = p·2^n: n added to the exponent bits
	VPADDQ Z2, Z4, Z4
	VADDPD Z4, Z15, Z15
	ADDQ $64, SI
	DECQ CX
	JNZ  z_loop
z_done:
	VMOVUPD Z15, (DI)
	VZEROUPPER
	RET

