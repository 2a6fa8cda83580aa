package dsm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/nn"
)

// forward64 is a plain float64 MLP (SiLU hidden layers) on one input row.
func forward64(m *nn.MLP, in []float64) []float64 {
	a := in
	ls := m.Layers()
	for li, l := range ls {
		z := make([]float64, l.Out)
		for j := range z {
			v := float64(l.B[j])
			for k := 0; k < l.In; k++ {
				v += a[k] * float64(l.W[k*l.Out+j])
			}
			if li < len(ls)-1 {
				v /= 1 + math.Exp(-v)
			}
			z[j] = v
		}
		a = z
	}
	return a
}

// Fields are compared with −ε̂/σ from the float64 network. As in core/nn, float32 forward
// passes of width-32 layers agree with float64 to ~1e-6 of the output scale; 1e-5 of the
// RMS score leaves a 10× margin.
func checkField(t *testing.T, name string, got, want []float64) {
	t.Helper()
	rms, worst := 0.0, 0.0
	for k := range want {
		rms += want[k] * want[k]
		worst = math.Max(worst, math.Abs(got[k]-want[k]))
	}
	rms = math.Sqrt(rms / float64(len(want)))
	if worst > 1e-5*rms {
		t.Errorf("%s: max |float32 − float64| = %g, RMS score %g", name, worst, rms)
	}
}

func TestConditionalFieldMatchesFloat64(t *testing.T) {
	const d, S, n = 2, 3, 1500 // S·n = 4500 rows: more than one forward chunk
	r := rand.New(rand.NewPCG(9, 9))
	m, err := nn.New(nn.Config{In: 1 + d + S, Out: d, Width: 32, Depth: 2}, r)
	if err != nil {
		t.Fatal(err)
	}
	f := ConditionalField(m, d, S)
	if f.Dim() != d || f.Sources() != S {
		t.Fatalf("Dim %d Sources %d", f.Dim(), f.Sources())
	}
	x := make([]float64, n*d)
	for k := range x {
		x[k] = 2 * r.NormFloat64()
	}
	for _, s := range []float64{0.05, 0.5, 0.97} {
		out := scores(f, s, x)
		for a := 0; a < S; a++ {
			want := make([]float64, n*d)
			for i := 0; i < n; i++ {
				in := make([]float64, 1+d+S)
				in[0] = float64(float32(s))
				copy(in[1:], x[i*d:(i+1)*d])
				in[1+d+a] = 1
				for j, e := range forward64(m, in) {
					want[i*d+j] = -e / diffusion.Sigma(s)
				}
			}
			checkField(t, "conditional", out[a], want)
		}
		// Same call again (reused workspace) gives identical numbers.
		again := scores(f, s, x)
		for a := range again {
			for k := range again[a] {
				if again[a][k] != out[a][k] {
					t.Fatalf("second call differs: source %d entry %d", a, k)
				}
			}
		}
	}
}

func TestSeparateFieldMatchesFloat64(t *testing.T) {
	const d, n = 2, 700
	r := rand.New(rand.NewPCG(10, 10))
	var ms []*nn.MLP
	for a := 0; a < 3; a++ {
		m, err := nn.New(nn.Config{In: 1 + d, Out: d, Width: 32, Depth: 3}, r)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	f := SeparateField(ms, d)
	x := make([]float64, n*d)
	for k := range x {
		x[k] = 2 * r.NormFloat64()
	}
	s := 0.4
	out := scores(f, s, x)
	for a, m := range ms {
		want := make([]float64, n*d)
		for i := 0; i < n; i++ {
			in := []float64{float64(float32(s)), x[i*d], x[i*d+1]}
			for j, e := range forward64(m, in) {
				want[i*d+j] = -e / diffusion.Sigma(s)
			}
		}
		checkField(t, "separate", out[a], want)
	}
}

func TestFieldShapeChecks(t *testing.T) {
	m, _ := nn.New(nn.Config{In: 6, Out: 2, Width: 4, Depth: 1}, rand.New(rand.NewPCG(1, 1)))
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", name)
			}
		}()
		f()
	}
	mustPanic("wrong source count", func() { ConditionalField(m, 2, 2) })
	mustPanic("conditional net as separate", func() { SeparateField([]*nn.MLP{m}, 2) })
	f := ConditionalField(m, 2, 3)
	mustPanic("too few outputs", func() { f.Scores(0.5, make([]float64, 4), make([][]float64, 2)) })
}
