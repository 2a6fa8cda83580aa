package pipeline

import (
	"context"
	"fmt"
)

// Bench measures the kernels against the machine's FMA peak (filled in with the kernels).
func (s *Session) Bench(ctx context.Context) error {
	return fmt.Errorf("bench: not available yet")
}
