//go:build !amd64

package gemm

// archKernels: only the portable path outside amd64.
func archKernels() []*kernel { return nil }

func cpuRelax() {}
