package local

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/scene"
)

func testSpec() scene.Spec {
	sp := scene.Default()
	sp.Slots = 6
	return sp
}

// randomBatch is n noised scenes with random times and conditioners.
func randomBatch(sp scene.Spec, n int, r *rand.Rand) (s, x []float64, c []float32) {
	d, S := sp.Dim(), sp.Slots
	s, x, c = make([]float64, n), make([]float64, n*d), make([]float32, n*S)
	for b := range s {
		s[b] = r.Float64()
	}
	for k := range x {
		x[k] = r.NormFloat64()
	}
	for k := range c {
		if r.IntN(3) == 0 {
			c[k] = 1
		}
	}
	return s, x, c
}

// cellRow is the local network's row of cell i written independently of Net.Input: the
// scene padded with k empty (zero) cells on each side, then sliced.
func cellRow(a Arch, s float64, x []float64, c []float32, i int) []float32 {
	S, P, k := a.Slots, a.Cell, a.Patch
	padX := make([]float32, (S+2*k)*P)
	padC := make([]float32, S+2*k)
	for j := 0; j < S; j++ {
		for q := 0; q < P; q++ {
			padX[(j+k)*P+q] = float32(x[j*P+q])
		}
		padC[j+k] = c[j]
	}
	row := []float32{float32(s)}
	row = append(row, padX[i*P:(i+2*k+1)*P]...)
	row = append(row, padC[i:i+2*k+1]...)
	pos := make([]float32, S)
	pos[i] = 1
	return append(row, pos...)
}

// The batched forward (one pass over n·S rows) equals a loop over cells, each its own
// one-row pass. Tolerance: both are float32 dot products of ≤ 64 terms of size ≲ 1, whose
// summation order may differ between the blocked and the one-row GEMM path: a few ulps of
// the largest partial sums, far below 1e−4.
func TestLocalForwardEqualsCellLoop(t *testing.T) {
	sp := testSpec()
	r := rand.New(rand.NewPCG(1, 2))
	for _, k := range []int{0, 1, 2, sp.Slots - 1} {
		a := Arch{Slots: sp.Slots, Cell: sp.Cell, Patch: k}
		nt, err := New(a, 24, 2, r)
		if err != nil {
			t.Fatal(err)
		}
		n := 5
		s, x, c := randomBatch(sp, n, r)
		got := append([]float32(nil), nt.Eps(s, x, c, n)...)
		d, S, P := sp.Dim(), sp.Slots, sp.Cell
		for b := 0; b < n; b++ {
			for i := 0; i < S; i++ {
				row := cellRow(a, s[b], x[b*d:(b+1)*d], c[b*S:(b+1)*S], i)
				want := nt.MLP.Forward(nil, row, 1)
				for q := 0; q < P; q++ {
					if g, w := got[b*d+i*P+q], want[q]; math.Abs(float64(g-w)) > 1e-4 {
						t.Fatalf("patch %d scene %d cell %d pixel %d: batched %v, per cell %v", k, b, i, q, g, w)
					}
				}
			}
		}
	}
}

// The global network's row is [s, x, c].
func TestGlobalInput(t *testing.T) {
	sp := testSpec()
	a := Arch{Slots: sp.Slots, Cell: sp.Cell, Patch: Global}
	nt, err := New(a, 8, 1, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	s, x, c := randomBatch(sp, 2, rand.New(rand.NewPCG(5, 6)))
	in := nt.Input(s, x, c, 2)
	d, S := sp.Dim(), sp.Slots
	for b := 0; b < 2; b++ {
		row := in[b*a.In() : (b+1)*a.In()]
		if row[0] != float32(s[b]) || row[1] != float32(x[b*d]) || row[1+d+S-1] != c[b*S+S-1] {
			t.Fatalf("scene %d: row %v does not start [s, x…] or end with c", b, row)
		}
	}
}

// The gradient the training uses (GradWith with sqLossGrad over the arch's rows) matches a
// central difference of the loss along a random parameter direction v. Step h = 1e−3 on
// parameters of size ~0.2: the truncation error is O(h²·L”') ~ 1e−6 of the derivative and
// the float32 rounding of the loss (≲ 1e−7 relative over a few hundred outputs) over 2h is
// ≲ 1e−4 of it; a 1% tolerance holds with a wide margin and fails for any wrong term.
func TestGradientMatchesFiniteDifference(t *testing.T) {
	sp := testSpec()
	r := rand.New(rand.NewPCG(7, 8))
	for _, k := range []int{Global, 1} {
		a := Arch{Slots: sp.Slots, Cell: sp.Cell, Patch: k}
		nt, err := New(a, 16, 2, r)
		if err != nil {
			t.Fatal(err)
		}
		n := 4
		s, x, c := randomBatch(sp, n, r)
		target := make([]float32, n*sp.Dim())
		for j := range target {
			target[j] = float32(r.NormFloat64())
		}
		loss := func() float64 {
			out := append([]float32(nil), nt.Eps(s, x, c, n)...)
			return sqLossGrad(out, target, float64(n))
		}
		grad := make([]float32, nt.MLP.NumParams())
		nt.MLP.GradWith(nil, nt.Input(s, x, c, n), a.Rows(n), grad, func(out []float32) float64 { return sqLossGrad(out, target, float64(n)) })
		theta := nt.MLP.Params()
		orig := append([]float32(nil), theta...)
		v := make([]float64, len(theta))
		want := 0.0
		for j := range v {
			v[j] = r.NormFloat64()
			want += v[j] * float64(grad[j])
		}
		const h = 1e-3
		shift := func(sign float64) float64 {
			for j := range theta {
				theta[j] = orig[j] + float32(sign*h*v[j])
			}
			return loss()
		}
		got := (shift(1) - shift(-1)) / (2 * h)
		copy(theta, orig)
		if math.Abs(got-want) > 0.01*math.Abs(want) {
			t.Fatalf("patch %d: directional derivative %v by differences, %v by GradWith", k, got, want)
		}
	}
}

// The field's score is −ε̂/σ(s) under its mask.
func TestFieldIsScaledEps(t *testing.T) {
	sp := testSpec()
	r := rand.New(rand.NewPCG(9, 10))
	nt, err := New(Arch{Slots: sp.Slots, Cell: sp.Cell, Patch: 1}, 8, 1, r)
	if err != nil {
		t.Fatal(err)
	}
	mask := []bool{true, false, false, true, false, false}
	f, err := NewField(nt, mask)
	if err != nil {
		t.Fatal(err)
	}
	_, x, _ := randomBatch(sp, 3, r)
	out := [][]float64{make([]float64, len(x))}
	f.Scores(0.4, x, out)
	c := make([]float32, 3*sp.Slots)
	for b := 0; b < 3; b++ {
		c[b*sp.Slots], c[b*sp.Slots+3] = 1, 1
	}
	eps := nt.Eps([]float64{0.4, 0.4, 0.4}, x, c, 3)
	sg := diffusion.Sigma(0.4)
	for k := range x {
		if math.Abs(out[0][k]+float64(eps[k])/sg) > 1e-9*math.Max(1, math.Abs(out[0][k])) {
			t.Fatalf("coordinate %d: score %v, −ε̂/σ = %v", k, out[0][k], -float64(eps[k])/sg)
		}
	}
}
