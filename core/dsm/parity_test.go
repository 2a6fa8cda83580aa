package dsm

import (
	"math"
	"testing"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/nn"
	"github.com/compdiff/compdiff/core/nn/parity"
)

func loadFixture(t *testing.T, name string) *parity.Fixture {
	t.Helper()
	f, err := parity.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestParityNoisedBatch: the training rows compdiff builds from a pool row, a time and a
// noise draw are PyTorch's batch (the float64 formula α(t)·x0 + σ(t)·ε rounded once to
// float32) to one float32 rounding: |Δ| ≤ U·|x| + float64 slack. Pool rows come from the
// fixture's indices, the one-hot from the source block, the target is ε.
func TestParityNoisedBatch(t *testing.T) {
	f := loadFixture(t, "train.json")
	S, per, B, in := f.Int("sources"), f.Int("per"), f.Int("batches"), f.Int("in")
	pools, idx, s, eps, want := f.F64("pools"), f.Ints("idx"), f.F64("s"), f.F64("eps"), f.F32("x_in")
	d := in - 1 - S
	n := f.Shape("pools")[1]
	row, tgt := make([]float32, in), make([]float32, d)
	for b := 0; b < B; b++ {
		for a := 0; a < S; a++ {
			for k := 0; k < per; k++ {
				r := b*S*per + a*per + k
				x0 := pools[(a*n+idx[(b*S+a)*per+k])*d:][:d]
				noisedRow(row, tgt, x0, s[r], eps[r*d:(r+1)*d], a)
				for j, v := range row {
					w := want[r*in+j]
					if math.Abs(float64(v-w)) > parity.U*math.Abs(float64(w))+1e-12 {
						t.Fatalf("batch %d row %d column %d: %v, PyTorch %v", b, r, j, v, w)
					}
				}
				for j, v := range tgt {
					if float64(v) != eps[r*d+j] {
						t.Fatalf("batch %d row %d target %d: %v, PyTorch %v", b, r, j, v, eps[r*d+j])
					}
				}
			}
		}
	}
}

// TestParityComposedScore: ConditionalField on PyTorch's 200-step network gives PyTorch's
// per-source scores −ε̂/σ and the composed score Σ w_a S_a on fixed points at four times,
// within the float32 forward bound (parity.Net.Scores), on every kernel path. PyTorch's float32 scores satisfy
// the bound once the float32 evaluation of σ(t) is allowed for: 1 − α² is formed from α²
// with a relative error of ≈ 4U/(1 − α²), halved by the square root.
func TestParityComposedScore(t *testing.T) {
	f := loadFixture(t, "score.json")
	d, S := f.Int("out"), f.Int("in")-1-f.Int("out")
	w := f.Floats("weights")
	net := parity.NewNet(f.F64("p"), f.Int("in"), d, f.Int("width"), f.Int("depth"))
	x, times := f.F64("x"), f.F64("times")
	n := len(x) / d
	ref64, ref32 := f.F64("scores64"), f.F64("scores32")
	comp64 := f.F64("composed64")
	for ti, s := range times {
		a := diffusion.Alpha(s)
		_, b32 := net.Scores(s, x, nil, d, S, diffusion.Sigma(s), 2*parity.U/(1-a*a))
		for src := 0; src < S; src++ {
			for k := 0; k < n*d; k++ {
				i := (ti*S+src)*n*d + k
				if math.Abs(ref32[i]-ref64[i]) > b32[src][k] {
					t.Fatalf("t = %v source %d entry %d: PyTorch float32 %v vs float64 %v exceeds the bound %g", s, src, k, ref32[i], ref64[i], b32[src][k])
				}
			}
		}
	}
	cfg := nn.Config{In: f.Int("in"), Out: d, Width: f.Int("width"), Depth: f.Int("depth"), Act: "silu"}
	parity.OnEveryKernel(t, func(t *testing.T) {
		m, err := nn.FromParams(cfg, f.F32("p"))
		if err != nil {
			t.Fatal(err)
		}
		field := ConditionalField(m, d, S)
		out := [][]float64{make([]float64, n*d), make([]float64, n*d), make([]float64, n*d)}
		for ti, s := range times {
			_, bound := net.Scores(s, x, nil, d, S, diffusion.Sigma(s), 0)
			field.Scores(s, x, out)
			for k := 0; k < n*d; k++ {
				comp, cb := 0.0, 0.0
				for src := 0; src < S; src++ {
					i := (ti*S+src)*n*d + k
					if math.Abs(out[src][k]-ref64[i]) > bound[src][k] {
						t.Fatalf("t = %v source %d entry %d: score %v, PyTorch %v, bound %g", s, src, k, out[src][k], ref64[i], bound[src][k])
					}
					comp += w[src] * out[src][k]
					cb += math.Abs(w[src]) * bound[src][k]
				}
				if want := comp64[ti*n*d+k]; math.Abs(comp-want) > cb {
					t.Fatalf("t = %v entry %d: composed score %v, PyTorch %v, bound %g", s, k, comp, want, cb)
				}
			}
		}
	})
}
