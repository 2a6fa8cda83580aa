//go:build !amd64

package gemm

func peakLoop() (loop func(n int), flopsPerIter float64) { return peakGo, 8 * 2 }
