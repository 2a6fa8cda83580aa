package superdiff

import (
	"math"
	"testing"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/score"
)

// OR of two exact Gaussians is their equal-weight mixture (Prop. 4 with κ from the
// estimated densities). The modes are 6 standard deviations apart, so the sign of x₀
// tells the component: each side must hold half the samples and that component's moments.
func TestOrReproducesMixture(t *testing.T) {
	left := gauss(t, []float64{-3, 0}, []float64{1, 1})
	right := gauss(t, []float64{3, 0}, []float64{1, 4})
	f := score.Analytic{Dists: []dist.Dist{left, right}}
	const n, steps = 4000, 500
	x, _, err := Sample(f, n, Config{Op: Or, Steps: steps}, rng.New(3, "or"))
	if err != nil {
		t.Fatal(err)
	}
	var side [2][]float64 // x₁ of the samples on each side
	var mean0 [2]float64
	for i := 0; i < n; i++ {
		k := 0
		if x[2*i] > 0 {
			k = 1
		}
		side[k] = append(side[k], x[2*i+1])
		mean0[k] += x[2*i]
	}
	frac := float64(len(side[0])) / n
	se := math.Sqrt(0.25 / n)
	t.Logf("left share %.4f (SE %.4f)", frac, se)
	if math.Abs(frac-0.5) > 4*se {
		t.Errorf("left share %.4f; the mixture puts 0.5 there (±%.4f at 4 SE)", frac, 4*se)
	}
	for k, g := range []*dist.Gaussian{left, right} {
		m := len(side[k])
		mu := mean0[k] / float64(m)
		v := 0.0
		for _, y := range side[k] {
			v += y * y
		}
		v /= float64(m)
		// Sampling SE of a variance is v·sqrt(2/m); Euler at 500 steps adds under 1%.
		tolV := 4*g.Var[1]*math.Sqrt(2/float64(m)) + 0.01*g.Var[1]
		tolM := 4*math.Sqrt(g.Var[0]/float64(m)) + 0.01
		t.Logf("component %d: mean x₀ %.3f (want %v), var x₁ %.3f (want %v)", k, mu, g.Mean[0], v, g.Var[1])
		if math.Abs(mu-g.Mean[0]) > tolM || math.Abs(v-g.Var[1]) > tolV {
			t.Errorf("component %d: mean %.3f, var %.3f; want %v ± %.3f and %v ± %.3f", k, mu, v, g.Mean[0], tolM, g.Var[1], tolV)
		}
	}
}

// logRatio is log p1 − log p2 of the closed-form noised sources at the end of the grid.
func logRatio(t testing.TB, p1, p2 *dist.Gaussian, s float64, x []float64) float64 {
	return noisedLogProb(t, p1, s, x) - noisedLogProb(t, p2, s, x)
}

// AND keeps the models' estimated log-densities equal, so its samples end where the true
// densities of the two models agree (Prop. 6). For N(0, diag(10,1)) and N(0, diag(1,10))
// that set is the two diagonals |x₀| = |x₁| (log p1 − log p2 = 0.45(x₀² − x₁²) at s = 1).
// The distance to the set is the estimator's error in the log-ratio, which must shrink at
// least like sqrt Δ (halve for four times the steps; removing the noise along S1 − S2
// makes it shrink faster); a fixed κ = ½ (score averaging, the paper's baseline) spreads
// over the plane instead.
func TestAndLandsOnEqualDensitySet(t *testing.T) {
	p1 := gauss(t, []float64{0, 0}, []float64{10, 1})
	p2 := gauss(t, []float64{0, 0}, []float64{1, 10})
	f := score.Analytic{Dists: []dist.Dist{p1, p2}}
	const n = 2000
	rmsAt := func(steps int) (float64, Stats) { // RMS log-ratio at the end
		x, st, err := Sample(f, n, Config{Op: And, Steps: steps}, rng.New(5, "and"))
		if err != nil {
			t.Fatal(err)
		}
		end := diffusion.Grid(steps)[steps]
		r := 0.0
		for i := 0; i < n; i++ {
			l := logRatio(t, p1, p2, end, x[2*i:2*i+2])
			r += l * l
			if d := st.LogQ[0][i] - st.LogQ[1][i]; math.Abs(d) > 1e-8 {
				t.Fatalf("sample %d: estimated log-densities differ by %g; AND must keep them equal", i, d)
			}
		}
		return math.Sqrt(r / n), st
	}
	r1, _ := rmsAt(200)
	r4, _ := rmsAt(800)
	// Baseline: averaged scores, κ = ½ fixed.
	avg := averagedSample(f, n, 800)
	end := diffusion.Grid(800)[800]
	rb := 0.0
	for i := 0; i < n; i++ {
		l := logRatio(t, p1, p2, end, avg[2*i:2*i+2])
		rb += l * l
	}
	rb = math.Sqrt(rb / n)
	t.Logf("RMS log p1 − log p2: AND %.4f (200 steps), %.4f (800 steps); κ = ½ %.4f", r1, r4, rb)
	if ratio := r1 / r4; ratio < 1.5 {
		t.Errorf("distance to the equal-density set shrinks by %.2f from 200 to 800 steps; the estimator's O(sqrt Δ) error predicts 2", ratio)
	}
	if r4 > rb/4 {
		t.Errorf("AND's RMS log-ratio %.4f is not well below score averaging's %.4f", r4, rb)
	}
}

// averagedSample is the reverse SDE with the fixed average of the two scores.
func averagedSample(f score.Field, n, steps int) []float64 {
	r := rng.New(5, "and")
	x := make([]float64, n*2)
	rng.Normals(r, x)
	out := [][]float64{make([]float64, n*2), make([]float64, n*2)}
	grid := diffusion.Grid(steps)
	dt := 1 / float64(steps)
	for i := 0; i < steps; i++ {
		f.Scores(grid[i], x, out)
		b := diffusion.Beta(grid[i])
		for j := range x {
			x[j] += (b/2*x[j]+b*(out[0][j]+out[1][j])/2)*dt + math.Sqrt(b*dt)*r.NormFloat64()
		}
	}
	return x
}

func TestConfigErrors(t *testing.T) {
	f := score.Analytic{Dists: []dist.Dist{gauss(t, []float64{0}, []float64{1})}}
	r := rng.New(1, "err")
	for _, cfg := range []Config{
		{Op: Or, Steps: 0},
		{Op: Op(7), Steps: 10},
		{Op: Or, Steps: 10, Models: []int{1}},
		{Op: Or, Steps: 10, Bias: []float64{1, 2}},
		{Op: Or, Steps: 10, Temperature: math.NaN()},
	} {
		if _, _, err := Sample(f, 3, cfg, r); err == nil {
			t.Errorf("config %+v: no error", cfg)
		}
	}
}
