package spec

import (
	"slices"
	"testing"
)

// A profile's families block changes the profile the settings of one family see, and only
// theirs; the seed stays the whole profile's; every problem of every block is named.
func TestFamilyOverrides(t *testing.T) {
	sp, err := Load(writeSpec(t, "profiles:\n  smoke: {families: {mixture: {ks: [1, 2, 8], train: {width: 24, depth: 2, batch: 48, iters: 30, lr: 1.0e-3, beta1: 0.9, beta2: 0.999, eps: 1.0e-8, loss_every: 10}}}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	p := sp.Profiles["smoke"]
	m, g := p.For("mixture"), p.For("gaussian")
	if !slices.Equal(m.Ks, []int{1, 2, 8}) || m.Train.Width != 24 || m.Runs != p.Runs || m.Name != p.Name {
		t.Errorf("mixture profile: ks %v, width %d, runs %d, name %q", m.Ks, m.Train.Width, m.Runs, m.Name)
	}
	if g != p || !slices.Equal(p.Ks, []int{1, 4}) || p.Train.Width != 16 {
		t.Errorf("the override leaked: gaussian %p vs %p, ks %v, width %d", g, p, p.Ks, p.Train.Width)
	}
	_, err = Load(writeSpec(t, "profiles:\n  smoke: {families: {rooms-nope: {ks: [1]}, mixture: {seed: 9}, gaussian: {ks: [0]}}}\n"))
	wantAll(t, err, `families has "rooms-nope", which is no setting family`,
		"families.mixture sets seed, base or families", "families.gaussian: profile smoke: ks contains K = 0")
}
