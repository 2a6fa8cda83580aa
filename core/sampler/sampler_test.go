package sampler

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/score"
)

func gmmIDField(t *testing.T) score.Analytic {
	t.Helper()
	means := [][]float64{{-3, 2.5}, {0, 2.5}, {3, 2.5}, {-3, -2.5}, {0, -2.5}, {3, -2.5}}
	f := score.Analytic{}
	for _, w := range [][]float64{{1, 1, 1, 1, 0, 0}, {0, 1, 1, 0, 1, 1}, {1, 1, 1, 1, 1, 1}} {
		g, err := dist.NewGMM(means, w, 0.6)
		if err != nil {
			t.Fatal(err)
		}
		f.Dists = append(f.Dists, g)
	}
	return f
}

// K = 1: resampling one particle is the identity and draws nothing, so FKC must return
// the naive SDE's samples bit for bit from the same stream (non-linear GMM scores here).
func TestFKCWithOneParticleIsNaiveSDE(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test: minutes under emulation (-short); runs natively")
	}
	f := gmmIDField(t)
	for _, clip := range []float64{math.Inf(1), 15} {
		naive := NaiveSDE(f, baseW, 300, 60, rand.New(rand.NewPCG(42, 1)))
		fkc, stats, err := FKC(f, baseW, 300, FKCConfig{K: 1, Steps: 60, GClip: clip}, rand.New(rand.NewPCG(42, 1)))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(naive, fkc) {
			t.Fatalf("clip %v: FKC with K = 1 differs from the naive SDE", clip)
		}
		if len(stats.MeanESS) != 60 || slices.ContainsFunc(stats.MeanESS, func(e float64) bool { return e != 1 }) {
			t.Errorf("K = 1 must report ESS/K = 1 at each of 60 steps, got %v", stats.MeanESS)
		}
	}
}

// The naive SDE on gauss-nfc-id is a linear recursion, so its output variance is known
// exactly for the discrete grid (helpers_test.go). A sample variance of n Gaussian
// values has SE v·sqrt(2/n); the off-diagonal has SE sqrt(v₁v₂/n).
func TestNaiveSDEMatchesDiscreteVariance(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test: minutes under emulation (-short); runs natively")
	}
	gs := gaussSetting(t, 20)
	const n, steps = 20000, 100
	x := NaiveSDE(analytic(gs), baseW, n, steps, rand.New(rand.NewPCG(3, 1)))
	c := sampleCov(x)
	for j := 0; j < 2; j++ {
		want := discreteVariance(gs, baseW, j, steps, true)
		if se := want * math.Sqrt(2.0/n); math.Abs(c[j][j]-want) > 4*se {
			t.Errorf("coordinate %d: variance %.4f, exact discrete %.4f (4 SE = %.4f)", j, c[j][j], want, 4*se)
		}
		t.Logf("naive SDE nfc-id coordinate %d: variance %.4f, exact discrete %.4f, target %.4f", j, c[j][j], want, 20.0/21)
	}
	if se := math.Sqrt(c[0][0] * c[1][1] / n); math.Abs(c[0][1]) > 4*se {
		t.Errorf("covariance %.4f, want 0 ± %.4f", c[0][1], 4*se)
	}
}

func TestFKCValidation(t *testing.T) {
	f := gmmIDField(t)
	r := rand.New(rand.NewPCG(1, 1))
	good := FKCConfig{K: 4, Steps: 10, GClip: 15}
	cases := []struct {
		name string
		w    []float64
		n    int
		cfg  FKCConfig
		msg  string
	}{
		{"K = 0", baseW, 10, FKCConfig{K: 0, Steps: 10, GClip: 15}, "K = 0"},
		{"no steps", baseW, 10, FKCConfig{K: 4, Steps: 0, GClip: 15}, "steps"},
		{"no samples", baseW, 0, good, "samples"},
		{"zero clip", baseW, 10, FKCConfig{K: 4, Steps: 10, GClip: 0}, "g_clip"},
		{"negative clip", baseW, 10, FKCConfig{K: 4, Steps: 10, GClip: -1}, "g_clip"},
		{"NaN clip", baseW, 10, FKCConfig{K: 4, Steps: 10, GClip: math.NaN()}, "g_clip"},
		{"weights", []float64{1, 1}, 10, good, "one weight per source"},
	}
	for _, c := range cases {
		if _, _, err := FKC(f, c.w, c.n, c.cfg, r); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v, want an error mentioning %q", c.name, err, c.msg)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("NaiveSDE with a wrong weight count must panic")
		}
	}()
	NaiveSDE(f, []float64{1}, 10, 10, r)
}

// nanField returns NaN scores, like a diverged network.
type nanField struct{}

func (nanField) Dim() int     { return 2 }
func (nanField) Sources() int { return 2 }
func (nanField) Scores(_ float64, _ []float64, out [][]float64) {
	for _, o := range out {
		for i := range o {
			o[i] = math.NaN()
		}
	}
}

func TestFKCReportsNonFiniteScores(t *testing.T) {
	_, _, err := FKC(nanField{}, []float64{1, 1}, 3, FKCConfig{K: 2, Steps: 5, GClip: math.Inf(1)}, rand.New(rand.NewPCG(1, 1)))
	if err == nil || !strings.Contains(err.Error(), "non-finite") {
		t.Fatalf("got %v", err)
	}
}

// A vanishing clip freezes the weights (ESS/K = 1 to rounding); without clipping the
// non-factorized nfc-id setting must move them.
func TestFKCClipBoundsWeights(t *testing.T) {
	f := analytic(gaussSetting(t, 20))
	minESS := func(clip float64) float64 {
		_, st, err := FKC(f, baseW, 50, FKCConfig{K: 8, Steps: 50, GClip: clip}, rand.New(rand.NewPCG(2, 2)))
		if err != nil {
			t.Fatal(err)
		}
		return slices.Min(st.MeanESS)
	}
	if e := minESS(1e-12); e < 1-1e-20 {
		t.Errorf("with g_clip 1e-12 the minimum ESS/K is %v, want 1", e)
	}
	if e := minESS(math.Inf(1)); e > 1-1e-6 {
		t.Errorf("without clipping the minimum ESS/K is %v; the weights never moved", e)
	}
}
