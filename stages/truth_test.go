package stages

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/truth"
	"github.com/compdiff/compdiff/data"
)

// The registry keeps the built-in methods as they were: the same params (so the same node
// keys) give the samples the core samplers draw from the node's stream, and the same facts.
func TestTruthRegistryKeepsBuiltins(t *testing.T) {
	if got := TruthMethods(); !slices.Contains(got, ClosedForm) || !slices.Contains(got, Rejection) || !slices.Contains(got, Importance) || !slices.Contains(got, SceneExact) {
		t.Fatalf("registered truth methods %v", got)
	}
	mix := func(wts ...float64) SourceSpec {
		return SourceSpec{Family: "mixture", Means: [][]float64{{0, 0}, {3, 0}}, Weights: wts, Std: 1}
	}
	key := data.Key("00000000000000000000000000000abc")
	for _, c := range []struct {
		p    TruthParams
		want func(ds []dist.Dist) []float64
	}{
		{TruthParams{Sources: []SourceSpec{gauss(10, 1), gauss(1, 10), gauss(10, 10)}, Weights: []float64{1, 1, -1}, Method: ClosedForm, N: 50, Seed: 2},
			func(ds []dist.Dist) []float64 {
				gs, _ := gaussians(ds)
				g, _ := dist.ComposeGaussians(gs, []float64{1, 1, -1})
				return truth.ClosedForm(g, 50, rng.New(2, "truth/"+string(key)))
			}},
		{TruthParams{Sources: []SourceSpec{mix(1, 0), mix(0.5, 0.5), mix(0.5, 0.5)}, Weights: []float64{1, 1, -1}, Method: Rejection, N: 50, Safety: 1, Seed: 3},
			func(ds []dist.Dist) []float64 {
				x, _, _ := truth.Rejection(ds[0].(*dist.GMM), ds[1].(*dist.GMM), ds[2].(*dist.GMM), 50, 1, rng.New(3, "truth/"+string(key)))
				return x
			}},
		{TruthParams{Sources: []SourceSpec{mix(1, 0), mix(0.5, 0.5), mix(0.5, 0.5)}, Weights: []float64{1, 1, -1}, Method: Importance, N: 50, Oversample: 20, Seed: 4},
			func(ds []dist.Dist) []float64 {
				x, _, _ := truth.Importance([]*dist.GMM{ds[0].(*dist.GMM), ds[1].(*dist.GMM)}, []dist.Dist{ds[2]}, []float64{-1}, 50, 20, rng.New(4, "truth/"+string(key)))
				return x
			}},
	} {
		raw, _ := json.Marshal(c.p)
		def, _ := Lookup("truth")
		out, err := def.Run(context.Background(), &Env{Key: key}, raw)
		if err != nil {
			t.Fatal(err)
		}
		got, _, _ := out.Parts["main"].Samples()
		ds, _ := Dists(c.p.Sources)
		if want := c.want(ds); !slices.Equal(got, want) {
			t.Errorf("%s: the truth node's samples differ from the core sampler's", c.p.Method)
		}
		if out.Info["method"] != c.p.Method {
			t.Errorf("%s: facts %v", c.p.Method, out.Info)
		}
	}
}
