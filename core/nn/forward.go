package nn

import (
	"fmt"

	"github.com/compdiff/compdiff/core/gemm"
)

// Forward evaluates m on rows inputs x (rows×In, row-major) and returns the rows×Out
// outputs. The result lives in ws and is overwritten by the next call with ws; a nil ws
// uses a temporary workspace. Rows are processed in chunks so activations stay in cache.
func (m *MLP) Forward(ws *Workspace, x []float32, rows int) []float32 {
	if len(x) < rows*m.cfg.In {
		panic(fmt.Sprintf("nn.Forward: %d inputs for %d rows of %d", len(x), rows, m.cfg.In))
	}
	if ws == nil {
		ws = new(Workspace)
	}
	ws.bind(m)
	in, out := m.cfg.In, m.cfg.Out
	ws.out = grow(ws.out, rows*out)
	if m.cfg.Depth > 0 {
		n := min(rows, chunkRows) * ws.ld
		ws.ping, ws.pong = grow(ws.ping, n), grow(ws.pong, n)
	}
	last := len(m.layers) - 1
	for r0 := 0; r0 < rows; r0 += chunkRows {
		n := min(chunkRows, rows-r0)
		a, lda := x[r0*in:], in
		for l, L := range m.layers {
			c, ldc := ws.ping, ws.ld
			if l%2 == 1 {
				c = ws.pong
			}
			if l == last {
				c, ldc = ws.out[r0*out:], out
			}
			gemm.SgemmEpi(false, false, n, L.Out, L.In, a, lda, L.W, L.Out, 0, c, ldc, ws.fwdEpi[l])
			a, lda = c, ldc
		}
	}
	return ws.out[:rows*out]
}
