package local

import (
	"math/rand/v2"
	"testing"

	"github.com/compdiff/compdiff/core/scene"
)

// The reader counts true scenes right: samples of the exact target of each request are read
// as exactly the requested objects. scene.Reader flags at most InvalidLevel = 0.5% of true
// scenes and misreads a slot with probability ≤ S·T·Φ̄(MinSeparation/2) ≈ 1e−3, so the exact
// share is ≥ 99.4% in expectation; with n = 4000 its standard error is ≤ 0.0013, and the
// bound 99% sits 3 standard errors below (a false failure once in ~700 seeds).
func TestReaderCountsTrueScenes(t *testing.T) {
	sp := testSpec()
	rd, err := scene.NewReader(sp, scene.InvalidLevel)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(11, 12))
	for _, R := range [][]int{{}, {3}, {0, 5}, {0, 1, 2, 3, 4, 5}} {
		law, err := Target(sp, MaskOf(sp.Slots, R))
		if err != nil {
			t.Fatal(err)
		}
		x, _ := sp.Sample(law, 4000, r)
		rdg, err := Read(rd, x, R, 2, 0)
		if err != nil {
			t.Fatal(err)
		}
		if rdg.Exact < 0.99 || rdg.Success < rdg.Exact {
			t.Fatalf("R = %v: exact share %.4f, success %.4f of true scenes; want ≥ 0.99 and success ≥ exact", R, rdg.Exact, rdg.Success)
		}
	}
}

// The success rule on noiseless scenes of known content: K ≤ M needs every requested cell,
// K > M all but two; strays up to the allowance; Exact wants exactly the request.
func TestSuccessRule(t *testing.T) {
	sp := testSpec() // 6 cells
	rd, err := scene.NewReader(sp, scene.InvalidLevel)
	if err != nil {
		t.Fatal(err)
	}
	law := scene.Empty(sp)
	scn := func(occupied ...int) []float64 {
		cfg := make([]int, sp.Slots)
		for _, i := range occupied {
			cfg[i] = 1
		}
		return sp.Scene(law.Index(cfg), make([]float64, sp.Dim()))
	}
	for _, c := range []struct {
		name          string
		x             []float64
		R             []int
		m, strays     int
		exact, succes float64
	}{
		{"K ≤ M, exact", scn(1, 3), []int{1, 3}, 2, 0, 1, 1},
		{"K ≤ M, one missing", scn(1), []int{1, 3}, 2, 0, 0, 0},
		{"K ≤ M, a stray within the allowance", scn(1, 3, 5), []int{1, 3}, 2, 1, 0, 1},
		{"K ≤ M, a stray beyond it", scn(1, 3, 5), []int{1, 3}, 2, 0, 0, 0},
		{"K > M, two missing", scn(0, 1, 2), []int{0, 1, 2, 3, 4}, 2, 0, 0, 1},
		{"K > M, three missing", scn(0, 1), []int{0, 1, 2, 3, 4}, 2, 0, 0, 0},
		{"K = 0, empty", scn(), nil, 2, 0, 1, 1},
		{"K = 0, one stray", scn(2), nil, 2, 0, 0, 0},
	} {
		got, err := Read(rd, c.x, c.R, c.m, c.strays)
		if err != nil {
			t.Fatal(err)
		}
		if got.Exact != c.exact || got.Success != c.succes {
			t.Errorf("%s: exact %v success %v, want %v and %v", c.name, got.Exact, got.Success, c.exact, c.succes)
		}
	}
}

func TestKMax(t *testing.T) {
	for _, c := range []struct {
		s    map[int]float64
		m, k int
	}{
		{map[int]float64{1: 0.9, 2: 0.8, 3: 0.6, 4: 0.3, 5: 0.2}, 3, 4}, // K > M needs > 0.25
		{map[int]float64{1: 0.9, 2: 0.5, 3: 0.9}, 3, 1},                 // K ≤ M needs > 0.5
		{map[int]float64{1: 0.4, 2: 0.9}, 3, 0},
		{map[int]float64{1: 1, 2: 1}, 1, 2}, // every K checked is a success
		{map[int]float64{2: 1}, 1, 0},       // K = 1 missing
	} {
		if got := KMax(c.s, c.m); got != c.k {
			t.Errorf("KMax(%v, m=%d) = %d, want %d", c.s, c.m, got, c.k)
		}
	}
}

func readerOf(t *testing.T, sp scene.Spec) *scene.Reader {
	t.Helper()
	rd, err := scene.NewReader(sp, scene.InvalidLevel)
	if err != nil {
		t.Fatal(err)
	}
	return rd
}
