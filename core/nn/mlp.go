package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Layer is a view into the flat parameter vector: y = x·W + B.
//
// W is In×Out row-major (W[i*Out+j] connects input i to output j) and B follows W
// directly, so W and B together are one (In+1)×Out matrix whose last row is the bias.
// That layout lets one GEMM against inputs carrying a column of ones produce the weight
// and bias gradients together, and keeps the forward product x·W free of transposes.
type Layer struct {
	In, Out int
	W, B    []float32
}

// MLP is a multilayer perceptron whose parameters live in one contiguous slice.
type MLP struct {
	cfg    Config
	act    activation
	params []float32
	layers []Layer // Depth hidden layers, then the output layer
}

// New returns an MLP initialised like PyTorch's nn.Linear: every weight and bias of a
// layer with fan-in n is drawn from U(−1/√n, 1/√n). Layers are drawn in order, weights
// before biases.
func New(cfg Config, r *rand.Rand) (*MLP, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m, _ := FromParams(cfg, make([]float32, cfg.NumParams()))
	for _, l := range m.layers {
		bound := 1 / math.Sqrt(float64(l.In))
		for i := range l.W {
			l.W[i] = float32((2*r.Float64() - 1) * bound)
		}
		for i := range l.B {
			l.B[i] = float32((2*r.Float64() - 1) * bound)
		}
	}
	return m, nil
}

// FromParams wraps p (not copied) as the parameters of an MLP of shape cfg.
func FromParams(cfg Config, p []float32) (*MLP, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if n := cfg.NumParams(); len(p) != n {
		return nil, fmt.Errorf("nn: %d parameters given but shape %+v needs %d", len(p), cfg, n)
	}
	act, _ := parseAct(cfg.Act)
	m := &MLP{cfg: cfg, act: act, params: p}
	off := 0
	for _, s := range cfg.layerShapes() {
		in, out := s[0], s[1]
		w := p[off : off+in*out : off+in*out]
		b := p[off+in*out : off+(in+1)*out : off+(in+1)*out]
		m.layers = append(m.layers, Layer{In: in, Out: out, W: w, B: b})
		off += (in + 1) * out
	}
	return m, nil
}

// Config returns the shape of m.
func (m *MLP) Config() Config { return m.cfg }

// Params returns the flat parameter vector (shared, not a copy). Layer l occupies
// (In_l+1)·Out_l entries: its weights row-major, then its bias.
func (m *MLP) Params() []float32 { return m.params }

// NumParams is len(m.Params()).
func (m *MLP) NumParams() int { return len(m.params) }

// Layers returns views of the layers, hidden layers first, output layer last.
func (m *MLP) Layers() []Layer { return m.layers }
