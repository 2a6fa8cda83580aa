package local

import (
	"fmt"
	"sync"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/scene"
)

// Field is a network's score field under one conditioner, for the samplers (score.Field):
// one source, score −ε̂(s, x, c)/σ(s). Calls are serialised (the network's buffers).
type Field struct {
	net  *Net
	mask []float32
	mu   sync.Mutex
	s    []float64
	c    []float32
}

// NewField is the field of nt under the conditioner that marks mask's cells.
func NewField(nt *Net, mask []bool) (*Field, error) {
	if len(mask) != nt.Arch.Slots {
		return nil, fmt.Errorf("local field: a mask of %d cells for a network over %d", len(mask), nt.Arch.Slots)
	}
	f := &Field{net: nt, mask: make([]float32, len(mask))}
	for i, on := range mask {
		if on {
			f.mask[i] = 1
		}
	}
	return f, nil
}

func (f *Field) Dim() int     { return f.net.Arch.Dim() }
func (f *Field) Sources() int { return 1 }

// Scores writes −ε̂/σ(s) of the n = len(x)/d points into out[0].
func (f *Field) Scores(s float64, x []float64, out [][]float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	eps := f.eps(s, x)
	inv := -1 / diffusion.Sigma(s)
	for k, v := range eps {
		out[0][k] = inv * float64(v)
	}
}

// eps is ε̂ at time s of the points x under the field's conditioner.
func (f *Field) eps(s float64, x []float64) []float32 {
	S := f.net.Arch.Slots
	n := len(x) / f.Dim()
	if cap(f.s) < n {
		f.s, f.c = make([]float64, n), make([]float32, n*S)
	}
	f.s, f.c = f.s[:n], f.c[:n*S]
	for b := 0; b < n; b++ {
		f.s[b] = s
		copy(f.c[b*S:(b+1)*S], f.mask)
	}
	return f.net.Eps(f.s, x, f.c, n)
}

// A Denoiser predicts x̂0 = E[x0 | x_s] of the n = len(x)/d points x at denoising time s
// under the conditioner that marks mask's cells (n×d, row-major; the caller may keep it).
type Denoiser func(s float64, x []float64, mask []bool) ([]float64, error)

// Denoiser is the network's x̂0 = (x − σ(s)·ε̂)/α(s).
func (nt *Net) Denoiser() Denoiser {
	return func(s float64, x []float64, mask []bool) ([]float64, error) {
		f, err := NewField(nt, mask)
		if err != nil {
			return nil, err
		}
		al, sg := diffusion.Alpha(s), diffusion.Sigma(s)
		out := make([]float64, len(x))
		for k, v := range f.eps(s, x) {
			out[k] = (x[k] - sg*float64(v)) / al
		}
		return out, nil
	}
}

// ExactDenoiser is the x̂0 of the exact conditional projective composition of each mask
// (Target), by Tweedie's formula x̂0 = (x + σ²·∇log p_s(x))/α with the score of the
// mixture over the target's configurations (scene.Mixture), so that any locality is the
// target's and not built into how its score is computed.
func ExactDenoiser(sp scene.Spec) Denoiser {
	mixtures := map[string]*dist.GMM{}
	return func(s float64, x []float64, mask []bool) ([]float64, error) {
		key := fmt.Sprint(mask)
		g, ok := mixtures[key]
		if !ok {
			law, err := Target(sp, mask)
			if err != nil {
				return nil, err
			}
			if g, err = scene.Mixture(sp, law); err != nil {
				return nil, err
			}
			mixtures[key] = g
		}
		al, sg := diffusion.Alpha(s), diffusion.Sigma(s)
		d := sp.Dim()
		out := make([]float64, len(x))
		for i := 0; i < len(x)/d; i++ {
			g.NoisedScore(al, sg, x[i*d:(i+1)*d], out[i*d:(i+1)*d])
		}
		for k := range out {
			out[k] = (x[k] + sg*sg*out[k]) / al
		}
		return out, nil
	}
}
