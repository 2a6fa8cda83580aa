package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkUniform tests that v looks like n independent draws of U(−b, b), PyTorch's
// nn.Linear default for weights and biases (kaiming_uniform_ with a = √5 gives
// b = √(1/3)·√(3/fan_in) = 1/√fan_in; the bias uses the same bound). Thresholds are four
// standard errors (mean: b/√(3n); mean square: b²·√(4/45)/√n) and the Kolmogorov–Smirnov
// critical value 1.95/√n (α = 0.001); every draw must lie within ±b, and the largest |v|
// must reach b·(1 − 10/n) (missed with probability e^−10).
func checkUniform(v []float64, b float64) error {
	n := float64(len(v))
	mean, sq, top := 0.0, 0.0, 0.0
	for _, x := range v {
		if math.Abs(x) > b {
			return fmt.Errorf("draw %v outside ±%v", x, b)
		}
		mean += x
		sq += x * x
		top = math.Max(top, math.Abs(x))
	}
	mean, sq = mean/n, sq/n
	if se := b / math.Sqrt(3*n); math.Abs(mean) > 4*se {
		return fmt.Errorf("mean %.4g, want 0 ± %.3g", mean, 4*se)
	}
	if se := b * b * math.Sqrt(4.0/45) / math.Sqrt(n); math.Abs(sq-b*b/3) > 4*se {
		return fmt.Errorf("mean square %.4g, want b²/3 = %.4g ± %.3g", sq, b*b/3, 4*se)
	}
	if top < b*(1-10/n) {
		return fmt.Errorf("largest |draw| %.4g; U(±%.4g) reaches %.4g", top, b, b*(1-10/n))
	}
	s := slices.Clone(v)
	slices.Sort(s)
	ks := 0.0
	for i, x := range s {
		c := (x + b) / (2 * b)
		ks = math.Max(ks, math.Max(math.Abs(float64(i+1)/n-c), math.Abs(c-float64(i)/n)))
	}
	if crit := 1.95 / math.Sqrt(n); ks > crit {
		return fmt.Errorf("Kolmogorov–Smirnov distance %.4g to U(±%.4g) exceeds %.4g", ks, b, crit)
	}
	return nil
}

// layerDraws pools the weights and the biases of layer l over the given networks.
func layerDraws(nets [][]Layer, l int) (w, b []float64) {
	for _, ls := range nets {
		w = append(w, widen(ls[l].W)...)
		b = append(b, widen(ls[l].B)...)
	}
	return w, b
}

// TestInitMatchesTorchLinear: compdiff's fresh networks (the study's conditional network,
// width 128, depth 4, pooled over 40 seeds so that even the 2 output biases have 80 draws)
// follow nn.Linear's default per layer. The same check on the weights PyTorch itself drew
// for the parity fixture shows the test accepts the reference implementation.
func TestInitMatchesTorchLinear(t *testing.T) {
	cfg := Config{In: 6, Out: 2, Width: 128, Depth: 4}
	var nets [][]Layer
	for seed := uint64(0); seed < 40; seed++ {
		m, err := New(cfg, rand.New(rand.NewPCG(seed, 13)))
		if err != nil {
			t.Fatal(err)
		}
		nets = append(nets, m.Layers())
	}
	for l, s := range cfg.layerShapes() {
		w, b := layerDraws(nets, l)
		bound := 1 / math.Sqrt(float64(s[0]))
		if err := checkUniform(w, bound); err != nil {
			t.Errorf("compdiff layer %d (%d→%d) weights: %v", l, s[0], s[1], err)
		}
		if err := checkUniform(b, bound); err != nil {
			t.Errorf("compdiff layer %d (%d→%d) biases: %v", l, s[0], s[1], err)
		}
	}

	f, tcfg := loadTrain(t)
	m, err := FromParams(tcfg, f.F32("p0"))
	if err != nil {
		t.Fatal(err)
	}
	for l, L := range m.Layers() {
		bound := 1 / math.Sqrt(float64(L.In))
		if err := checkUniform(widen(L.W), bound); err != nil {
			t.Errorf("PyTorch layer %d weights: %v", l, err)
		}
		if L.Out >= 20 { // the 2 output biases are too few for the moment tests
			if err := checkUniform(widen(L.B), bound); err != nil {
				t.Errorf("PyTorch layer %d biases: %v", l, err)
			}
		}
	}
}

// TestCheckUniformRejects: the init check fails for the usual mistakes — a bound of
// √(6/fan_in) (Kaiming-uniform with a = 0), a normal of the right variance, zero biases.
func TestCheckUniformRejects(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n, b = 5000, 0.1
	draw := func(f func() float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = f()
		}
		return v
	}
	if err := checkUniform(draw(func() float64 { return (2*r.Float64() - 1) * b }), b); err != nil {
		t.Errorf("U(±b) rejected: %v", err)
	}
	for name, v := range map[string][]float64{
		"wider bound": draw(func() float64 { return (2*r.Float64() - 1) * b * math.Sqrt(6) }),
		"normal":      draw(func() float64 { return math.Max(-b, math.Min(b, r.NormFloat64()*b/math.Sqrt(3))) }),
		"zeros":       make([]float64, n),
	} {
		if checkUniform(v, b) == nil {
			t.Errorf("%s accepted as U(±b)", name)
		}
	}
}
