package gemm

// Implemented in peak_amd64.s: n iterations of 16 (ZMM) or 12 (YMM) independent FMAs.
func peakAVX512(n int)
func peakAVX2(n int)
