package nn

import "golang.org/x/sys/cpu"

// The AVX-512 kernels of kernels_amd64.s replace the pure-Go ones when the CPU (and OS)
// support AVX-512F. Wrappers check lengths so the assembly can trust them.

//go:noescape
func biasSiLUAVX512(c, b []float32)

//go:noescape
func biasSiLUDerivAVX512(c, b, d []float32)

//go:noescape
func mulRowAVX512(c, d []float32)

//go:noescape
func adamAVX512(p, g, m, v []float32, k *adamConsts)

var haveAVX512 = cpu.X86.HasAVX512F

func init() {
	if haveAVX512 {
		useAVX512()
	}
}

func useAVX512() {
	biasSiLU = func(c, b []float32) { biasSiLUAVX512(c, b[:len(c)]) }
	biasSiLUDeriv = func(c, b, d []float32) { biasSiLUDerivAVX512(c, b[:len(c)], d[:len(c)]) }
	mulRow = func(c, d []float32) { mulRowAVX512(c, d[:len(c)]) }
	adamUpdate = func(p, g, m, v []float32, k *adamConsts) {
		n := len(p)
		adamAVX512(p, g[:n], m[:n], v[:n], k)
	}
}
