package nn

import (
	"fmt"

	"github.com/compdiff/compdiff/core/gemm"
)

// LossGrad evaluates the loss L = (1/rows)·Σ_i Σ_j (out_ij − target_ij)² of m on rows
// inputs x (rows×In) and writes ∂L/∂params into grad (same layout as Params). The loss is
// accumulated in float64. Every layer product is a GEMM: forward h·W (with bias and
// activation fused, keeping act'(z)), backward [h,1]ᵀ·∂z for weights and bias at once, and
// ∂z·Wᵀ (with the activation derivative fused) for the layer below. The whole batch is one
// pass, so ws holds about (2·Depth+3)·rows·Width floats.
func (m *MLP) LossGrad(ws *Workspace, x, target []float32, rows int, grad []float32) float64 {
	cfg := m.cfg
	if len(target) < rows*cfg.Out {
		panic(fmt.Sprintf("nn.LossGrad: %d targets for %d rows of %d outputs", len(target), rows, cfg.Out))
	}
	return m.GradWith(ws, x, rows, grad, func(out []float32) float64 {
		// ∂L/∂out = 2(out − target)/rows in place of out.
		var loss float64
		scale := 2 / float64(rows)
		t := target[:len(out)]
		for k, o := range out {
			e := float64(o) - float64(t[k])
			loss += e * e
			out[k] = float32(scale * e)
		}
		return loss / float64(rows)
	})
}

// GradWith is LossGrad for any loss of the outputs: after the forward pass, lossGrad
// receives the rows×Out outputs, must overwrite them with ∂L/∂out and return L; GradWith
// then back-propagates and writes ∂L/∂params into grad. Losses that couple rows (such as
// penalties between outputs of one point under several conditions) fit here.
func (m *MLP) GradWith(ws *Workspace, x []float32, rows int, grad []float32, lossGrad func(out []float32) float64) float64 {
	cfg := m.cfg
	switch {
	case rows < 1:
		panic(fmt.Sprintf("nn.LossGrad: %d rows; need at least one", rows))
	case len(x) < rows*cfg.In:
		panic(fmt.Sprintf("nn.LossGrad: %d inputs for %d rows of %d→%d", len(x), rows, cfg.In, cfg.Out))
	case len(grad) != len(m.params):
		panic(fmt.Sprintf("nn.LossGrad: gradient has %d entries, the model %d", len(grad), len(m.params)))
	}
	if ws == nil {
		ws = new(Workspace)
	}
	ws.bind(m)
	ws.growTrain(rows)

	// Input rows with a trailing one.
	ldIn := cfg.In + 1
	h0 := ws.h[0]
	for i := 0; i < rows; i++ {
		copy(h0[i*ldIn:i*ldIn+cfg.In], x[i*cfg.In:(i+1)*cfg.In])
	}
	input := func(l int) ([]float32, int) {
		if l == 0 {
			return h0, ldIn
		}
		return ws.h[l], ws.ld
	}

	// Forward.
	last := len(m.layers) - 1
	for l, L := range m.layers {
		a, lda := input(l)
		c, ldc := ws.dout, cfg.Out
		if l < last {
			c, ldc = ws.h[l+1], ws.ld
		}
		gemm.SgemmEpi(false, false, rows, L.Out, L.In, a, lda, L.W, L.Out, 0, c, ldc, ws.trainEpi[l])
	}

	out := ws.dout[:rows*cfg.Out]
	loss := lossGrad(out)

	// Backward.
	g, ldg := out, cfg.Out
	off := len(grad)
	for l := last; l >= 0; l-- {
		L := m.layers[l]
		off -= (L.In + 1) * L.Out
		a, lda := input(l)
		gemm.Sgemm(true, false, L.In+1, L.Out, rows, a, lda, g, ldg, 0, grad[off:], L.Out)
		if l > 0 {
			next := ws.g[l%2]
			gemm.SgemmEpi(false, true, rows, L.In, L.Out, g, ldg, L.W, L.Out, 0, next, ws.ld, ws.backEpi[l-1])
			g, ldg = next, ws.ld
		}
	}
	return loss
}
