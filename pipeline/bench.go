package pipeline

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/compdiff/compdiff/core/gemm"
	"github.com/compdiff/compdiff/core/perf"
)

// KernelsEnv names the environment variable that chooses the kernel path when the
// -kernels flag is not given; UseKernels sets it so child processes follow the choice.
const KernelsEnv = "COMPDIFF_KERNELS"

// kernelPaths are every path some machine has, for the error message.
var kernelPaths = []string{"avx512", "avx2", "neon", "generic"}

// UseKernels makes name the kernel path of every multiply and epilogue of this process:
// "auto" (or "") picks the fastest this CPU runs, "all" is auto except for bench, which
// then measures every path. Paths differ only in summation order (see README).
func UseKernels(name string) error {
	if err := checkKernels(name); err != nil {
		return err
	}
	path := name
	if name == "" || name == "all" {
		path = "auto"
	}
	if _, err := gemm.SetKernel(path); err != nil {
		return err
	}
	if name != "" {
		os.Setenv(KernelsEnv, name)
	}
	return nil
}

// checkKernels says why name is not a -kernels value this CPU can run (nil when it is).
func checkKernels(name string) error {
	have := gemm.Kernels()
	switch {
	case name == "" || name == "auto" || name == "all" || slices.Contains(have, name):
		return nil
	case slices.Contains(kernelPaths, name):
		return fmt.Errorf("-kernels %s: this CPU cannot run that path (it has %s); use -kernels auto", name, strings.Join(have, ", "))
	}
	return fmt.Errorf("-kernels %q: unknown path; want auto, all or one of %s (this CPU has %s)", name, strings.Join(kernelPaths, ", "), strings.Join(have, ", "))
}

// Bench prints the kernel measurements as a table (throughput and ratio to the measured
// FMA peak of the path's vector width) for the active kernel path, or for every path this
// CPU has when the session's Kernels is "all". It needs no spec or store.
func (s *Session) Bench(ctx context.Context) error {
	paths := []string{gemm.Kernel()}
	if s.Cfg.Kernels == "all" {
		paths = gemm.Kernels()
	}
	w := s.out()
	for i, name := range paths {
		restore, err := gemm.SetKernel(name)
		if err != nil {
			return err
		}
		res, err := perf.Run(ctx, 2*time.Second)
		restore()
		if err != nil {
			return err
		}
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "kernel path %s (of %s on this CPU)\n", name, strings.Join(gemm.Kernels(), ", "))
		fmt.Fprintf(w, "%-74s %10s %8s  %s\n", "measurement", "GFLOP/s", "of peak", "")
		for _, r := range res {
			ratio := ""
			if r.OfPeak > 0 {
				ratio = fmt.Sprintf("%.0f%%", 100*r.OfPeak)
			}
			fmt.Fprintf(w, "%-74s %10.1f %8s  %s\n", r.Name, r.Value, ratio, r.Extra)
		}
	}
	return nil
}
