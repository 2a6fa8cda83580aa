package gemm

import "golang.org/x/sys/cpu"

// Implemented in peak_amd64.s: n iterations of 16 (ZMM) or 12 (YMM) independent FMAs.
func peakAVX512(n int)
func peakAVX2(n int)

func peakLoop() (loop func(n int), flopsPerIter float64) {
	switch {
	case cpu.X86.HasAVX512F:
		return peakAVX512, 16 * 16 * 2
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return peakAVX2, 12 * 8 * 2
	}
	return peakGo, 8 * 2
}
