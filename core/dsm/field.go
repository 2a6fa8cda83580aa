package dsm

import (
	"fmt"
	"sync"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/nn"
	"github.com/compdiff/compdiff/core/score"
)

// ConditionalField exposes a network trained by TrainConditional as the score field of its
// sources: score_a(x) = −ε̂(s, x, onehot(a))/σ(s). For n points it stacks the S·n inputs
// into one matrix and runs a single forward pass. The field keeps a reusable workspace;
// concurrent calls are serialised, so use one field per goroutine for parallelism.
// It panics if m's shape does not fit d and sources.
func ConditionalField(m *nn.MLP, d, sources int) score.Field {
	checkShape(m, d, 1+d+sources, "conditional")
	codes := make([][]float32, sources)
	for a := range codes {
		codes[a] = make([]float32, sources)
		codes[a][a] = 1
	}
	return &netField{nets: []*nn.MLP{m}, d: d, sources: sources, codes: codes}
}

// SeparateField exposes one network per source (each trained by TrainSeparate) as a score
// field; all networks see the same input matrix [s, x]. Same concurrency rule as
// ConditionalField.
func SeparateField(ms []*nn.MLP, d int) score.Field {
	if len(ms) == 0 {
		panic("dsm.SeparateField: no networks; give one per source")
	}
	for _, m := range ms {
		checkShape(m, d, 1+d, "separate")
	}
	return &netField{nets: ms, d: d, sources: len(ms)}
}

func checkShape(m *nn.MLP, d, in int, kind string) {
	if c := m.Config(); c.In != in || c.Out != d {
		panic(fmt.Sprintf("dsm: %s field with d = %d needs a %d→%d network, got %d→%d", kind, d, in, d, c.In, c.Out))
	}
}

type netField struct {
	nets       []*nn.MLP
	d, sources int
	// codes[a] is the condition vector written after [s, x] for source a (one network
	// over all sources); nil for one network per source.
	codes [][]float32

	mu sync.Mutex
	ws nn.Workspace
	in []float32
}

func (f *netField) Dim() int     { return f.d }
func (f *netField) Sources() int { return f.sources }

func (f *netField) Scores(s float64, x []float64, out [][]float64) {
	d, S := f.d, f.sources
	n := len(x) / d
	if len(x) != n*d || len(out) != S {
		panic(fmt.Sprintf("dsm: Scores got %d coordinates (d = %d) and %d outputs for %d sources", len(x), d, len(out), S))
	}
	for a := range out {
		if len(out[a]) < n*d {
			panic(fmt.Sprintf("dsm: Scores output %d has room for %d values, needs %d", a, len(out[a]), n*d))
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	inv := -1 / diffusion.Sigma(s)
	if f.codes == nil {
		in := 1 + d
		f.in = fill(f.in, n*in)
		for i := 0; i < n; i++ {
			writeRow(f.in[i*in:(i+1)*in], s, x[i*d:(i+1)*d])
		}
		for a, m := range f.nets {
			scale(out[a], m.Forward(&f.ws, f.in, n), inv)
		}
		return
	}
	// One matrix of S·n rows: block a holds every point with source a's condition.
	in := 1 + d + len(f.codes[0])
	f.in = fill(f.in, S*n*in)
	for a := 0; a < S; a++ {
		for i := 0; i < n; i++ {
			row := f.in[(a*n+i)*in : (a*n+i+1)*in]
			writeRow(row, s, x[i*d:(i+1)*d])
			copy(row[1+d:], f.codes[a])
		}
	}
	eps := f.nets[0].Forward(&f.ws, f.in, S*n)
	for a := 0; a < S; a++ {
		scale(out[a], eps[a*n*d:(a+1)*n*d], inv)
	}
}

// fill returns a zeroed slice of length k, reusing buf when it is large enough.
func fill(buf []float32, k int) []float32 {
	if cap(buf) < k {
		return make([]float32, k)
	}
	buf = buf[:k]
	clear(buf)
	return buf
}

func writeRow(row []float32, s float64, x []float64) {
	row[0] = float32(s)
	for j, v := range x {
		row[1+j] = float32(v)
	}
}

// scale writes dst[k] = c·src[k]; c = −1/σ turns ε̂ into a score.
func scale(dst []float64, src []float32, c float64) {
	dst = dst[:len(src)]
	for k, v := range src {
		dst[k] = c * float64(v)
	}
}
