package local

import (
	"fmt"
	"math/rand/v2"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/dsm"
	"github.com/compdiff/compdiff/core/nn"
)

// Streams are the random streams of a training: Data draws the scenes, their pixel noise,
// the times s and the noises ε, Label the single label's object, Init the weights and then
// the local network's training cells. Trainings given equal Data and Label streams see the
// same batches, whatever their arch.
type Streams struct {
	Data, Label, Init *rand.Rand
}

// Train fits a network of arch to the data under labels by denoising score matching:
// per iteration cfg.Batch scenes, each noised at its own s ~ U(0,1) as
// x_s = α(s)·x0 + σ(s)·ε, and one Adam step (dsm.Optimise) on the loss
// (1/B)·Σ_b |ε̂(s_b, x_s, c_b) − ε_b|². The local network, as the seed's (§E.3), is trained
// on two cells per scene — one whose patch holds a marked cell and one whose patch holds
// none (a second of the first kind when every patch holds one), each uniform among its
// kind — with the loss scaled by S/2 to the scene's.
func Train(data *Data, labels Labels, a Arch, cfg dsm.TrainConfig, st Streams, progress func(iter int)) (*Net, []dsm.LossPoint, error) {
	if err := labels.Check(); err != nil {
		return nil, nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	if a.Slots != data.Scene.Slots || a.Cell != data.Scene.Cell {
		return nil, nil, fmt.Errorf("local network: arch of %d cells of %d pixels for scenes of %d cells of %d", a.Slots, a.Cell, data.Scene.Slots, data.Scene.Cell)
	}
	nt, err := New(a, cfg.Width, cfg.Depth, st.Init)
	if err != nil {
		return nil, nil, err
	}
	B, d, S, P := cfg.Batch, a.Dim(), a.Slots, a.Cell
	x0 := make([]float64, B*d)
	xs := make([]float64, B*d)
	s := make([]float64, B)
	c := make([]float32, B*S)
	eps := make([]float32, B*d)
	grad := make([]float32, nt.MLP.NumParams())
	opt := &nn.Adam{LR: cfg.LR, Beta1: cfg.Beta1, Beta2: cfg.Beta2, Eps: cfg.Eps}
	var ws nn.Workspace
	var cells []int
	target := make([]float32, 2*B*P)
	step := func(r *rand.Rand) float64 {
		data.Draw(B, labels, r, st.Label, x0, c)
		for b := 0; b < B; b++ {
			s[b] = r.Float64()
			al, sg := diffusion.Alpha(s[b]), diffusion.Sigma(s[b])
			for j := b * d; j < (b+1)*d; j++ {
				e := r.NormFloat64()
				xs[j] = al*x0[j] + sg*e
				eps[j] = float32(e)
			}
		}
		if a.IsGlobal() {
			in := nt.Input(s, xs, c, B)
			loss := nt.MLP.GradWith(&ws, in, B, grad, func(out []float32) float64 { return sqLossGrad(out, eps, float64(B)) })
			opt.Step(nt.MLP.Params(), grad)
			return loss
		}
		cells = trainingCells(a, c, B, st.Init, cells[:0])
		for r, bi := range cells {
			copy(target[r*P:(r+1)*P], eps[bi*P:(bi+1)*P])
		}
		in := nt.CellInput(s, xs, c, cells)
		norm := float64(len(cells)) / float64(S)
		loss := nt.MLP.GradWith(&ws, in, len(cells), grad, func(out []float32) float64 { return sqLossGrad(out, target, norm) })
		opt.Step(nt.MLP.Params(), grad)
		return loss
	}
	_, curve, err := dsm.Optimise(nt.MLP, step, cfg, st.Data, progress)
	if err != nil {
		return nil, nil, err
	}
	return nt, curve, nil
}

// trainingCells appends, per scene b of n, a cell b·S+i whose patch holds a marked cell
// and one whose patch holds none (else a second of the first kind), uniform among each.
func trainingCells(a Arch, c []float32, n int, r *rand.Rand, out []int) []int {
	S := a.Slots
	var pos, neg []int
	for b := 0; b < n; b++ {
		pos, neg = pos[:0], neg[:0]
		for i := 0; i < S; i++ {
			seen := false
			for j := max(0, i-a.Patch); j <= min(S-1, i+a.Patch); j++ {
				seen = seen || c[b*S+j] == 1
			}
			if seen {
				pos = append(pos, b*S+i)
			} else {
				neg = append(neg, b*S+i)
			}
		}
		if len(pos) == 0 {
			pos, neg = neg, nil
		}
		out = append(out, pos[r.IntN(len(pos))])
		if len(neg) == 0 {
			out = append(out, pos[r.IntN(len(pos))])
		} else {
			out = append(out, neg[r.IntN(len(neg))])
		}
	}
	return out
}

// sqLossGrad is L = Σ_k (out_k − target_k)² / norm (float64 sums), writing
// ∂L/∂out = 2(out − target)/norm in place of out.
func sqLossGrad(out, target []float32, norm float64) float64 {
	var loss float64
	scale := 2 / norm
	for k, o := range out {
		e := float64(o) - float64(target[k])
		loss += e * e
		out[k] = float32(scale * e)
	}
	return loss / norm
}
