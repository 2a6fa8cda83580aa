package metrics

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

//go:noescape
func expLanesAVX2(v *float64, n int, scale float64, s *[8]float64)

//go:noescape
func expLanesAVX512(v *float64, n int, scale float64, s *[8]float64)

// The kernels serve the gemm paths of the same names, so -kernels moves them too.
func init() {
	wrap := func(f func(*float64, int, float64, *[8]float64)) lanesFunc {
		return func(v []float64, g float64, s *[8]float64) {
			if len(v)%8 != 0 {
				panic("metrics: expLanes needs a multiple of 8 values")
			}
			if len(v) > 0 {
				f(unsafe.SliceData(v), len(v), g, s)
			}
		}
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		expLanesPaths["avx2"] = wrap(expLanesAVX2)
	}
	if cpu.X86.HasAVX512F {
		expLanesPaths["avx512"] = wrap(expLanesAVX512)
	}
}
