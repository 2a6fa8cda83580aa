package perf

import (
	"testing"

	"github.com/compdiff/compdiff/core/nn"
)

// The flop count of the paper's MLP: 2·rows·(6·512 + 3·512·512 + 512·2).
func TestForwardFlops(t *testing.T) {
	got := ForwardFlops(nn.Config{In: 6, Out: 2, Width: 512, Depth: 4}, 10)
	want := 2.0 * 10 * (6*512 + 3*512*512 + 512*2)
	if got != want {
		t.Fatalf("ForwardFlops = %v, want %v", got, want)
	}
}
