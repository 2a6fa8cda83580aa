package resample

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSystematicHandCase(t *testing.T) {
	// Weights (1,2,1)/4, n = 4, u = 0.5: positions 0.125, 0.375, 0.625, 0.875 of the
	// normalised cumulative (0.25, 0.75, 1) fall into 0, 1, 1, 2.
	logw := []float64{0, math.Log(2), 0}
	idx := make([]int, 4)
	SystematicInto(idx, logw, 0.5, make([]float64, 3))
	if want := []int{0, 1, 1, 2}; !slices.Equal(idx, want) {
		t.Fatalf("got %v, want %v", idx, want)
	}
	// A shift of every log-weight by 1000 must not change anything (max is subtracted).
	for k := range logw {
		logw[k] += 1000
	}
	SystematicInto(idx, logw, 0.5, make([]float64, 3))
	if want := []int{0, 1, 1, 2}; !slices.Equal(idx, want) {
		t.Fatalf("shifted: got %v, want %v", idx, want)
	}
}

// Systematic resampling gives particle k either ⌊n·w_k⌋ or ⌈n·w_k⌉ copies, and its mean
// count over u ~ U(0,1) is exactly n·w_k.
func TestSystematicCountsAndUnbiased(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test: minutes under emulation (-short); runs natively")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 50; trial++ {
		k := 1 + r.IntN(12)
		n := 1 + r.IntN(40)
		logw := make([]float64, k)
		for i := range logw {
			logw[i] = 3 * r.NormFloat64()
		}
		w := make([]float64, k)
		tot := Weights(logw, w)
		const grid = 4000
		mean := make([]float64, k)
		idx := make([]int, n)
		for g := 0; g < grid; g++ {
			u := (float64(g) + 0.5) / grid
			SystematicInto(idx, logw, u, make([]float64, k))
			cnt := make([]int, k)
			for _, i := range idx {
				cnt[i]++
			}
			for i := range cnt {
				e := float64(n) * w[i] / tot
				if float64(cnt[i]) < math.Floor(e)-1e-9 || float64(cnt[i]) > math.Ceil(e)+1e-9 {
					t.Fatalf("trial %d: particle %d got %d copies, expected ⌊%.4f⌋ or ⌈%.4f⌉", trial, i, cnt[i], e, e)
				}
				mean[i] += float64(cnt[i]) / grid
			}
		}
		// The count is a step function of u with at most 2 jumps per particle, so the
		// midpoint rule on a grid of size G is off by at most 2/G.
		for i := range mean {
			if e := float64(n) * w[i] / tot; math.Abs(mean[i]-e) > 2.0/grid+1e-9 {
				t.Fatalf("trial %d: mean count of %d is %.5f, want n·w = %.5f", trial, i, mean[i], e)
			}
		}
	}
}

func TestSystematicEdgeWeights(t *testing.T) {
	idx := make([]int, 5)
	// Trailing zero weight must not be picked even for u just below 1.
	SystematicInto(idx, []float64{0, math.Inf(-1)}, math.Nextafter(1, 0), make([]float64, 2))
	for _, i := range idx {
		if i != 0 {
			t.Fatalf("picked zero-weight particle: %v", idx)
		}
	}
	// NaN counts as weight 0.
	SystematicInto(idx, []float64{math.NaN(), 0, math.NaN()}, 0.99, make([]float64, 3))
	for _, i := range idx {
		if i != 1 {
			t.Fatalf("NaN weight picked: %v", idx)
		}
	}
	// All −Inf: uniform, i.e. each of 5 particles once.
	inf := math.Inf(-1)
	SystematicInto(idx, []float64{inf, inf, inf, inf, inf}, 0.3, make([]float64, 5))
	if want := []int{0, 1, 2, 3, 4}; !slices.Equal(idx, want) {
		t.Fatalf("all −Inf: got %v, want %v", idx, want)
	}
	r := rand.New(rand.NewPCG(3, 4))
	if got := Systematic([]float64{0, 0, 0}, 3, r); !slices.Equal(got, []int{0, 1, 2}) {
		t.Fatalf("equal weights must keep every particle once, got %v", got)
	}
}

func TestESS(t *testing.T) {
	cases := []struct {
		logw []float64
		want float64
	}{
		{[]float64{0, 0, 0, 0}, 4},
		{[]float64{0, math.Log(2), 0}, 16.0 / 6}, // (1+2+1)²/(1+4+1)
		{[]float64{0, -2000, -2000}, 1},
		{[]float64{5000, 5000}, 2},
	}
	for _, c := range cases {
		if got := ESS(c.logw); math.Abs(got-c.want) > 1e-12*c.want {
			t.Errorf("ESS(%v) = %v, want %v", c.logw, got, c.want)
		}
	}
	big := make([]float64, 100)
	if got := ESSInto(big, make([]float64, 100)); got != 100 {
		t.Errorf("ESS of 100 equal weights = %v", got)
	}
	if ESS(nil) != 0 {
		t.Errorf("ESS(nil) must be 0")
	}
}
