package local

import (
	"fmt"
	"math/rand/v2"

	"github.com/compdiff/compdiff/core/nn"
)

// Global is Arch.Patch of the global ε-MLP.
const Global = -1

// Arch is a network's shape over scenes of Slots cells of Cell pixels. Patch k ≥ 0 is the
// local network: one MLP shared by every cell i whose row is
//
//	[s, pixels of cells i−k…i+k, conditioners of cells i−k…i+k, onehot(i)]
//
// (cells outside the strip read 0) and whose output is ε̂ of cell i's P pixels. Patch Global
// is the global ε-MLP: one row [s, x, c] per scene, all S·P outputs.
type Arch struct {
	Slots int `json:"slots"`
	Cell  int `json:"cell"`
	Patch int `json:"patch"`
}

// IsGlobal tells whether the arch is the global ε-MLP.
func (a Arch) IsGlobal() bool { return a.Patch == Global }

// Dim is the scene dimension S·P.
func (a Arch) Dim() int { return a.Slots * a.Cell }

// width is the number of cells in a patch, 2k+1.
func (a Arch) width() int { return 2*a.Patch + 1 }

// In is the MLP's input width.
func (a Arch) In() int {
	if a.IsGlobal() {
		return 1 + a.Dim() + a.Slots
	}
	return 1 + a.width()*(a.Cell+1) + a.Slots
}

// Out is the MLP's output width.
func (a Arch) Out() int {
	if a.IsGlobal() {
		return a.Dim()
	}
	return a.Cell
}

// Rows is the number of MLP rows of n scenes: n, or n·S for the local network.
func (a Arch) Rows(n int) int {
	if a.IsGlobal() {
		return n
	}
	return n * a.Slots
}

// Check reports a shape that cannot be built.
func (a Arch) Check() error {
	if a.Slots < 1 || a.Cell < 1 {
		return fmt.Errorf("local network: %d cells of %d pixels; both must be ≥ 1", a.Slots, a.Cell)
	}
	if a.Patch < Global || a.Patch > a.Slots-1 {
		return fmt.Errorf("local network: patch radius %d; use 0…%d cells, or %d for the global ε-MLP", a.Patch, a.Slots-1, Global)
	}
	return nil
}

// Net is a location-conditioned ε-prediction network. Its buffers make it unsafe for
// concurrent use.
type Net struct {
	Arch  Arch
	MLP   *nn.MLP
	ws    nn.Workspace
	in    []float32
	cells []int // 0, 1, …: every cell row, for Input
}

// New returns a network of arch with depth hidden SiLU layers of width units, initialised
// from r (nn.New).
func New(a Arch, width, depth int, r *rand.Rand) (*Net, error) {
	if err := a.Check(); err != nil {
		return nil, err
	}
	m, err := nn.New(nn.Config{In: a.In(), Out: a.Out(), Width: width, Depth: depth, Act: "silu"}, r)
	if err != nil {
		return nil, err
	}
	return &Net{Arch: a, MLP: m}, nil
}

// FromMLP wraps a trained MLP, checking that its shape fits arch.
func FromMLP(a Arch, m *nn.MLP) (*Net, error) {
	if err := a.Check(); err != nil {
		return nil, err
	}
	if c := m.Config(); c.In != a.In() || c.Out != a.Out() {
		return nil, fmt.Errorf("local network: arch %+v needs a %d→%d MLP, the weights are %d→%d", a, a.In(), a.Out(), c.In, c.Out)
	}
	return &Net{Arch: a, MLP: m}, nil
}

// Input writes the MLP rows of n scenes x (n×S·P) with conditioners c (n×S) at denoising
// times s (one per scene) into a buffer of the network and returns it (Rows(n)×In).
func (nt *Net) Input(s, x []float64, c []float32, n int) []float32 {
	a := nt.Arch
	if !a.IsGlobal() {
		if len(nt.cells) < n*a.Slots {
			nt.cells = allCells(n * a.Slots)
		}
		return nt.CellInput(s, x, c, nt.cells[:n*a.Slots])
	}
	S, d, in := a.Slots, a.Dim(), a.In()
	buf := nt.buffer(n * in)
	for b := 0; b < n; b++ {
		row := buf[b*in : (b+1)*in]
		row[0] = float32(s[b])
		for j, v := range x[b*d : (b+1)*d] {
			row[1+j] = float32(v)
		}
		copy(row[1+d:], c[b*S:(b+1)*S])
	}
	return buf
}

// CellInput writes the local network's rows of the cells listed, cell b·S+i being cell i of
// scene b: [s_b, pixels of cells i−k…i+k, their conditioners, onehot(i)], zeros outside the
// strip (the patch gather).
func (nt *Net) CellInput(s, x []float64, c []float32, cells []int) []float32 {
	a := nt.Arch
	S, P, d, in, w := a.Slots, a.Cell, a.Dim(), a.In(), a.width()
	buf := nt.buffer(len(cells) * in)
	clear(buf)
	for r, bi := range cells {
		b, i := bi/S, bi%S
		xb, cb := x[b*d:(b+1)*d], c[b*S:(b+1)*S]
		row := buf[r*in : (r+1)*in]
		row[0] = float32(s[b])
		pix, cond := row[1:1+w*P], row[1+w*P:1+w*(P+1)]
		for o := 0; o < w; o++ {
			j := i - a.Patch + o
			if j < 0 || j >= S {
				continue // outside the strip: zeros
			}
			for q, v := range xb[j*P : (j+1)*P] {
				pix[o*P+q] = float32(v)
			}
			cond[o] = cb[j]
		}
		row[1+w*(P+1)+i] = 1
	}
	return buf
}

func (nt *Net) buffer(k int) []float32 {
	if cap(nt.in) < k {
		nt.in = make([]float32, k)
	}
	return nt.in[:k]
}

func allCells(k int) []int {
	out := make([]int, k)
	for i := range out {
		out[i] = i
	}
	return out
}

// Eps is ε̂ of n scenes (n×S·P, row-major): one forward pass over Rows(n) rows. The local
// network's output rows are cell i of scene b at row b·S+i, P values each, which is the
// scenes' own row-major layout, so no scatter is needed. The result lives in the network's
// workspace until the next call.
func (nt *Net) Eps(s, x []float64, c []float32, n int) []float32 {
	return nt.MLP.Forward(&nt.ws, nt.Input(s, x, c, n), nt.Arch.Rows(n))
}
