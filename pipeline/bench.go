package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/compdiff/compdiff/core/perf"
)

// Bench prints the kernel measurements as a table (throughput and ratio to the measured
// FMA peak). It needs no spec or store.
func (s *Session) Bench(ctx context.Context) error {
	res, err := perf.Run(ctx, 2*time.Second)
	if err != nil {
		return err
	}
	w := s.out()
	fmt.Fprintf(w, "%-55s %12s %8s  %s\n", "measurement", "GFLOP/s", "of peak", "")
	for _, r := range res {
		ratio := ""
		if r.OfPeak > 0 {
			ratio = fmt.Sprintf("%.0f%%", 100*r.OfPeak)
		}
		fmt.Fprintf(w, "%-55s %12.1f %8s  %s\n", r.Name, r.Value, ratio, r.Extra)
	}
	return nil
}
