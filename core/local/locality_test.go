package local

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/scene"
)

// tanhLocal is f_{i,a}(x) = Σ_{|o|≤2} w_|o|·tanh(x_{i+o,a}) over cells of P pixels: a local
// function of known Jacobian ∂f_{i,a}/∂x_{j,a} = w_|j−i|·(1 − tanh²(x_{j,a})), radius 2.
var tanhWeights = []float64{1, 0.8, 0.6}

func tanhLocal(S, P int) func(y []float64, n int) ([]float64, error) {
	return func(y []float64, n int) ([]float64, error) {
		d := S * P
		out := make([]float64, n*d)
		for p := 0; p < n; p++ {
			for i := 0; i < S; i++ {
				for o := -2; o <= 2; o++ {
					j := i + o
					if j < 0 || j >= S {
						continue
					}
					for a := 0; a < P; a++ {
						out[p*d+i*P+a] += tanhWeights[abs(o)] * math.Tanh(y[p*d+j*P+a])
					}
				}
			}
		}
		return out, nil
	}
}

func abs(o int) int {
	if o < 0 {
		return -o
	}
	return o
}

// CellEnergy of the closed-form local function equals its exact Jacobian energy and its
// radius is 2 at every cell. With x in [−0.1, 0.1] the tanh factors lie in [0.98, 1], so the
// cells within 1 hold (1 + 2·0.8²)/(1 + 2·0.8² + 2·0.6²) ≈ 0.76 < 0.9 of the interior energy
// (0.69 at the edges) whatever the point, and within 2 all of it. Tolerance: central
// differences with h = 1e−3 err by h²·|f”'|/6 ≲ 1e−6 relative.
func TestRadiusOfClosedFormLocalFunction(t *testing.T) {
	S, P, n := 7, 4, 3
	r := rand.New(rand.NewPCG(1, 1))
	x := make([]float64, n*S*P)
	for k := range x {
		x[k] = 0.2 * (r.Float64() - 0.5)
	}
	e, err := CellEnergy(tanhLocal(S, P), x, n, S, P, 1e-3)
	if err != nil {
		t.Fatal(err)
	}
	d := S * P
	for i := 0; i < S; i++ {
		for j := 0; j < S; j++ {
			want := 0.0
			if abs(i-j) <= 2 {
				for p := 0; p < n; p++ {
					for a := 0; a < P; a++ {
						th := math.Tanh(x[p*d+j*P+a])
						g := tanhWeights[abs(i-j)] * (1 - th*th)
						want += g * g / float64(n)
					}
				}
			}
			if math.Abs(e[i][j]-want) > 1e-6*math.Max(1, want) {
				t.Fatalf("E[%d][%d] = %v, exact %v", i, j, e[i][j], want)
			}
		}
		if got := Radius(e[i], i, EnergyFrac); got != 2 {
			t.Fatalf("cell %d: radius %d, want 2 (energies %v)", i, got, e[i])
		}
	}
}

func TestRadiusEdgeCases(t *testing.T) {
	for _, c := range []struct {
		e    []float64
		i, r int
	}{
		{[]float64{0, 0, 0}, 1, 0},          // no energy: the cell itself
		{[]float64{0, 5, 0, 0}, 1, 0},       // all in the cell
		{[]float64{1, 0, 0, 0, 9}, 0, 4},    // mass at the far end
		{[]float64{0.04, 0.92, 0.04}, 1, 0}, // 92% in the cell
		{[]float64{0.1, 0.85, 0.05}, 1, 1},  // just under: one more cell
	} {
		if got := Radius(c.e, c.i, EnergyFrac); got != c.r {
			t.Errorf("Radius(%v, %d) = %d, want %d", c.e, c.i, got, c.r)
		}
	}
}

// Lemma 1 (seed 001): the exact score of a conditional projective composition is local —
// x̂0 at cell i depends on x_i and c_i only — at every noise level, although it is computed
// as a mixture over all target configurations. Radius 0 and no conditioner influence beyond
// the own cell (patch 0), up to the central differences' rounding (float64, ~1e−10 of the
// entries: far below the 10% of energy a neighbour would need).
func TestExactCompositionIsLocal(t *testing.T) {
	sp := testSpec()
	f := ExactDenoiser(sp)
	r := rand.New(rand.NewPCG(2, 3))
	for _, R := range [][]int{{2}, {0, 3}, {1, 2, 4, 5}, {0, 1, 2, 3, 4, 5}} {
		mask := MaskOf(sp.Slots, R)
		law, err := Target(sp, mask)
		if err != nil {
			t.Fatal(err)
		}
		x0, _ := sp.Sample(law, 4, r)
		for _, s := range Levels {
			loc, err := Measure(f, sp, mask, 0, s, x0, r)
			if err != nil {
				t.Fatal(err)
			}
			if loc.Radius != 0 || !(loc.Far < 1e-12) {
				t.Fatalf("R = %v, s = %v: radius %v, far share %v; Lemma 1 says 0 and 0", R, s, loc.Radius, loc.Far)
			}
		}
	}
}

// The measurement sees non-locality where there is some: with one-object data (exactly one
// object in the strip) a cell's posterior depends on every other cell, so at mid noise the
// exact denoiser's radius exceeds 0 and conditioners move other cells.
func TestCoupledDataIsNotLocal(t *testing.T) {
	sp := testSpec()
	law, err := scene.Data(sp, 1)
	if err != nil {
		t.Fatal(err)
	}
	g, err := scene.Mixture(sp, law)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(4, 5))
	x0, _ := sp.Sample(law, 8, r)
	d := sp.Dim()
	s := 0.7
	al, sg := alphaSigma(s)
	den := func(y []float64, n int) ([]float64, error) {
		out := make([]float64, len(y))
		for i := 0; i < n; i++ {
			g.NoisedScore(al, sg, y[i*d:(i+1)*d], out[i*d:(i+1)*d])
		}
		for k := range out {
			out[k] = (y[k] + sg*sg*out[k]) / al
		}
		return out, nil
	}
	x := make([]float64, len(x0))
	for k := range x {
		x[k] = al*x0[k] + sg*r.NormFloat64()
	}
	e, err := CellEnergy(den, x, 8, sp.Slots, sp.Cell, FDStep(s))
	if err != nil {
		t.Fatal(err)
	}
	mean := 0.0
	for i := range e {
		mean += float64(Radius(e[i], i, EnergyFrac)) / float64(sp.Slots)
	}
	if !(mean > 0) {
		t.Fatalf("one-object data at s = %v: mean radius %v; its cells are coupled, the radius must exceed 0", s, mean)
	}
}

func alphaSigma(s float64) (float64, float64) { return diffusion.Alpha(s), diffusion.Sigma(s) }
