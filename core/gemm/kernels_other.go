//go:build !amd64 && !arm64

package gemm

// archKernels: only the portable path outside amd64 and arm64.
func archKernels() []*kernel { return nil }

func cpuRelax() {}
