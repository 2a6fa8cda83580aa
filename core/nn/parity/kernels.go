package parity

import (
	"testing"

	"github.com/compdiff/compdiff/core/gemm"
)

// OnEveryKernel runs f once per kernel path this machine has (each gemm path, "generic"
// included), with that path active; core/nn's epilogue and Adam kernels follow the gemm
// path, so the pure-Go ones run under "generic".
func OnEveryKernel(t *testing.T, f func(t *testing.T)) {
	for _, k := range gemm.Kernels() {
		t.Run(k, func(t *testing.T) {
			restore, err := gemm.SetKernel(k)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			f(t)
		})
	}
}
