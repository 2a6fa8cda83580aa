package nn

import "github.com/compdiff/compdiff/core/gemm"

// chunkRows is how many rows one inference pass pushes through all layers: 2048 rows of
// width-512 activations are 4 MiB, so a chunk's activations stay in L3 between layers
// while each GEMM still has plenty of rows to block over.
const chunkRows = 2048

// Workspace holds the buffers of Forward and LossGrad so that repeated calls allocate
// nothing. The zero value is ready to use; it adapts to whatever model it is used with
// (reshaping when the model's Config changes). A Workspace is not safe for concurrent use:
// give each goroutine its own.
type Workspace struct {
	m   *MLP   // model of the current call; the epilogues read its biases
	cfg Config // shape the buffers below belong to
	ld  int    // row stride of hidden activations: Width+1 (ones column) rounded up to 16 floats

	// Inference.
	ping, pong, out []float32

	// Training, for up to rows rows.
	rows int
	h    [][]float32 // h[0] input (stride In+1), h[l] output of hidden layer l (stride ld); both end with a ones column
	dact [][]float32 // dact[l] = act'(z) of hidden layer l+1, stride ld
	g    [2][]float32
	dout []float32

	// Epilogues per layer, built once per shape (a closure per call would allocate).
	fwdEpi, trainEpi, backEpi []gemm.Epilogue
}

// bind prepares w for m, rebuilding buffers and epilogues when the shape changed.
func (w *Workspace) bind(m *MLP) {
	w.m = m
	if w.fwdEpi != nil && w.cfg == m.cfg {
		return
	}
	*w = Workspace{m: m, cfg: m.cfg, ld: roundUp(m.cfg.Width+1, 16)}
	for l := range m.layers {
		w.fwdEpi = append(w.fwdEpi, w.forwardEpi(l))
		w.trainEpi = append(w.trainEpi, w.trainingEpi(l))
		if l < m.cfg.Depth {
			w.backEpi = append(w.backEpi, w.backwardEpi(l))
		}
	}
}

func (w *Workspace) forwardEpi(l int) gemm.Epilogue {
	hidden := l < w.cfg.Depth
	return func(c []float32, ldc, i0, i1, j0, j1 int) {
		b := w.m.layers[l].B[j0:j1]
		blk := c[i0*ldc+j0:]
		if hidden {
			biasActBlock(w.m.act, blk, ldc, b, i1-i0, j1-j0)
		} else {
			addBiasBlock(blk, ldc, b, i1-i0, j1-j0)
		}
	}
}

// trainingEpi also stores act'(z) of hidden layers for the backward pass.
func (w *Workspace) trainingEpi(l int) gemm.Epilogue {
	if l == w.cfg.Depth {
		return w.forwardEpi(l)
	}
	return func(c []float32, ldc, i0, i1, j0, j1 int) {
		b := w.m.layers[l].B[j0:j1]
		d := w.dact[l][i0*w.ld+j0:]
		biasActDerivBlock(w.m.act, c[i0*ldc+j0:], ldc, b, d, w.ld, i1-i0, j1-j0)
	}
}

// backwardEpi turns ∂L/∂h of hidden layer l+1 into ∂L/∂z by multiplying with act'(z).
func (w *Workspace) backwardEpi(l int) gemm.Epilogue {
	return func(c []float32, ldc, i0, i1, j0, j1 int) {
		mulBlock(c[i0*ldc+j0:], ldc, w.dact[l][i0*w.ld+j0:], w.ld, i1-i0, j1-j0)
	}
}

// growTrain makes the training buffers hold rows rows.
func (w *Workspace) growTrain(rows int) {
	if rows <= w.rows {
		return
	}
	cfg := w.cfg
	w.rows = rows
	w.h = w.h[:0]
	w.dact = w.dact[:0]
	w.h = append(w.h, onesColumn(rows, cfg.In+1, cfg.In))
	for l := 0; l < cfg.Depth; l++ {
		w.h = append(w.h, onesColumn(rows, w.ld, cfg.Width))
		w.dact = append(w.dact, make([]float32, rows*w.ld))
	}
	if cfg.Depth > 0 {
		w.g = [2][]float32{make([]float32, rows*w.ld), make([]float32, rows*w.ld)}
	}
	w.dout = make([]float32, rows*cfg.Out)
}

// onesColumn returns a rows×ld matrix whose column col is 1: multiplying its transpose
// into ∂L/∂z yields the bias gradient as the last row of the weight gradient.
func onesColumn(rows, ld, col int) []float32 {
	a := make([]float32, rows*ld)
	for i := 0; i < rows; i++ {
		a[i*ld+col] = 1
	}
	return a
}

func roundUp(n, k int) int { return (n + k - 1) / k * k }

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}
