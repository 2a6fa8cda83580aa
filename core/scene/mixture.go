package scene

import (
	"fmt"
	"math/rand/v2"

	"github.com/compdiff/compdiff/core/dist"
)

// Scene writes the noiseless scene of configuration index c (its template x̄(c): each
// slot's cell template, concatenated) into out (len S·P) and returns it.
func (sp Spec) Scene(c int, out []float64) []float64 {
	K := sp.Kinds()
	for s := 0; s < sp.Slots; s++ {
		copy(out[s*sp.Cell:(s+1)*sp.Cell], sp.Template(c%K))
		c /= K
	}
	return out
}

// Render returns the scenes x̄(c) + σ0·ε of the configuration indices cfgs (row-major
// n×S·P), drawing the noise from r in row order.
func (sp Spec) Render(cfgs []int, r *rand.Rand) []float64 {
	d := sp.Dim()
	x := make([]float64, len(cfgs)*d)
	for i, c := range cfgs {
		row := sp.Scene(c, x[i*d:(i+1)*d])
		for j := range row {
			row[j] += sp.Noise * r.NormFloat64()
		}
	}
	return x
}

// Sample draws n scenes of the law: configurations by Law.Draw, then Render. It returns
// the scenes and their configuration indices.
func (sp Spec) Sample(l Law, n int, r *rand.Rand) ([]float64, []int) {
	cfgs := l.Draw(r, n)
	return sp.Render(cfgs, r), cfgs
}

// Mixture is the exact scene distribution of a law: the isotropic mixture
// Σ_c P(c)·N(x̄(c), σ0² I) over the law's support, components in increasing configuration
// index (Law.Support). Zero-probability configurations are dropped: they carry no mass and
// would only slow the score down.
func Mixture(sp Spec, l Law) (*dist.GMM, error) {
	if err := sp.checkLaw(l); err != nil {
		return nil, err
	}
	return mixtureOver(sp, l.Support(), l)
}

// SharedMixtures returns the mixtures of several laws over one shared component list, the
// union of their supports (increasing configuration index), with zero weights where a law
// has no mass. Samplers that need equal component lists (truth.Rejection) use these; the
// densities and scores equal Mixture's.
func SharedMixtures(sp Spec, laws ...Law) ([]*dist.GMM, error) {
	union := make([]bool, sp.Configs())
	for i, l := range laws {
		if err := sp.checkLaw(l); err != nil {
			return nil, fmt.Errorf("law %d: %w", i, err)
		}
		for c, p := range l.P {
			union[c] = union[c] || p > 0
		}
	}
	var comps []int
	for c, in := range union {
		if in {
			comps = append(comps, c)
		}
	}
	out := make([]*dist.GMM, len(laws))
	for i, l := range laws {
		g, err := mixtureOver(sp, comps, l)
		if err != nil {
			return nil, fmt.Errorf("law %d: %w", i, err)
		}
		out[i] = g
	}
	return out, nil
}

func mixtureOver(sp Spec, comps []int, l Law) (*dist.GMM, error) {
	means := make([][]float64, len(comps))
	w := make([]float64, len(comps))
	for k, c := range comps {
		means[k] = sp.Scene(c, make([]float64, sp.Dim()))
		w[k] = l.P[c]
	}
	g, err := dist.NewGMM(means, w, sp.Noise)
	if err != nil {
		return nil, fmt.Errorf("scene mixture: %w", err)
	}
	return g, nil
}

// Mean is the mean scene Σ_c P(c)·x̄(c) of a law.
func (sp Spec) Mean(l Law) []float64 {
	d := sp.Dim()
	m := make([]float64, d)
	row := make([]float64, d)
	for c, p := range l.P {
		if p == 0 {
			continue
		}
		for j, v := range sp.Scene(c, row) {
			m[j] += p * v
		}
	}
	return m
}

// checkLaw reports a law that does not belong to the spec's scenes.
func (sp Spec) checkLaw(l Law) error {
	if l.Slots != sp.Slots || l.Kinds != sp.Kinds() || len(l.P) != sp.Configs() {
		return fmt.Errorf("a law over %d slots with %d contents (%d configurations) does not fit a spec with %d slots and %d objects; build the law from this spec", l.Slots, l.Kinds, len(l.P), sp.Slots, len(sp.Objects))
	}
	return nil
}
