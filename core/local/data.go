package local

import (
	"fmt"
	"math/rand/v2"

	"github.com/compdiff/compdiff/core/scene"
)

// Labels says which objects of a training scene its conditioner marks (seed 001 §2).
type Labels string

// The two labellings of the seed's location-conditioned experiments.
const (
	All    Labels = "all"    // every object's cell (Experiment 1)
	Single Labels = "single" // the cell of one object, chosen uniformly (Experiments 2 and 3)
)

// Check reports an unknown labelling.
func (l Labels) Check() error {
	if l != All && l != Single {
		return fmt.Errorf("labels %q; use %q or %q", l, All, Single)
	}
	return nil
}

// Data is the training data: scenes of a spec with 1…M objects at uniformly random cells,
// each object uniform over the templates (scene.Data).
type Data struct {
	Scene scene.Spec
	M     int
	law   scene.Law
	cfg   []int
}

// NewData returns the data of scenes of sp with at most m objects.
func NewData(sp scene.Spec, m int) (*Data, error) {
	if err := sp.Validate(); err != nil {
		return nil, err
	}
	law, err := scene.Data(sp, m)
	if err != nil {
		return nil, err
	}
	return &Data{Scene: sp, M: m, law: law, cfg: make([]int, sp.Slots)}, nil
}

// Draw writes n labelled training scenes: their pixels into x (n×S·P) and their
// conditioners into c (n×S, 1 on a marked cell). Configurations and pixel noise come from
// rs, the single label's object from rl, so that all and single labels see the same scenes
// when given equal rs.
func (d *Data) Draw(n int, labels Labels, rs, rl *rand.Rand, x []float64, c []float32) {
	sp := d.Scene
	S := sp.Slots
	cfgs := d.law.Draw(rs, n)
	copy(x, sp.Render(cfgs, rs))
	clear(c[:n*S])
	for b, k := range cfgs {
		occ := d.law.Config(k, d.cfg)
		row := c[b*S : (b+1)*S]
		if labels == All {
			for i, o := range occ {
				if o != 0 {
					row[i] = 1
				}
			}
			continue
		}
		pick := rl.IntN(objects(occ))
		for i, o := range occ {
			if o == 0 {
				continue
			}
			if pick == 0 {
				row[i] = 1
				break
			}
			pick--
		}
	}
}

func objects(cfg []int) int {
	n := 0
	for _, o := range cfg {
		if o != 0 {
			n++
		}
	}
	return n
}
