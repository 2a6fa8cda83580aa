package local

import (
	"math/rand/v2"
	"testing"

	"github.com/compdiff/compdiff/core/dsm"
)

// A short training of each arch learns: the loss over the last 50 iterations is well below
// the first 50's (at initialisation the ε-loss is about d = 24; a network that has learnt
// nothing stays there, while the noise at high noise levels is predictable from x_s).
func TestTrainLearns(t *testing.T) {
	sp := testSpec()
	dt, err := NewData(sp, 2)
	if err != nil {
		t.Fatal(err)
	}
	cfg := dsm.TrainConfig{Width: 32, Depth: 2, Batch: 32, Iters: 300, LR: 3e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, LossEvery: 50}
	for _, c := range []struct {
		labels Labels
		patch  int
	}{{All, Global}, {Single, 1}} {
		st := Streams{Data: rand.New(rand.NewPCG(1, 2)), Label: rand.New(rand.NewPCG(3, 4)), Init: rand.New(rand.NewPCG(5, 6))}
		nt, curve, err := Train(dt, c.labels, Arch{Slots: sp.Slots, Cell: sp.Cell, Patch: c.patch}, cfg, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		first, last := curve[0].Loss, curve[len(curve)-1].Loss
		t.Logf("%s labels, patch %d: loss %.3f → %.3f (%d parameters)", c.labels, c.patch, first, last, nt.MLP.NumParams())
		if !(last < 0.6*first) {
			t.Fatalf("%s labels, patch %d: loss %.3f → %.3f; training did not learn", c.labels, c.patch, first, last)
		}
	}
}
