package methods

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

func TestSpearman(t *testing.T) {
	// Monotone but non-linear: ρ = 1; reversed: −1; ties take mid-ranks.
	x := []float64{1, 2, 3, 4, 5}
	if r := Spearman(x, []float64{1, 8, 27, 64, 125}); math.Abs(r-1) > 1e-12 {
		t.Errorf("monotone: ρ = %v", r)
	}
	if r := Spearman(x, []float64{5, 4, 3, 2, 1}); math.Abs(r+1) > 1e-12 {
		t.Errorf("reversed: ρ = %v", r)
	}
	// Ranks of y with a tie: 1, 2.5, 2.5, 4 against 1..4 → ρ = 4.5/sqrt(5·4.5) = 0.9487.
	if r := Spearman([]float64{1, 2, 3, 4}, []float64{0, 7, 7, 9}); math.Abs(r-4.5/math.Sqrt(5*4.5)) > 1e-12 {
		t.Errorf("tie: ρ = %v", r)
	}
	if r := Spearman([]float64{1, 2}, []float64{1, 2}); !math.IsNaN(r) {
		t.Errorf("two points: ρ = %v, want NaN", r)
	}
}

// Under no association the ρ test claims an association (either sign) in at most 5% of
// studies, at the sizes the coverage table has (7 to 21 points); with a strong monotone
// association it finds it.
func TestRhoTestNull(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	const studies = 20000
	for _, n := range []int{7, 14, 21} {
		x, y := make([]float64, n), make([]float64, n)
		false_, power := 0, 0
		for range studies {
			for i := range x {
				x[i], y[i] = r.NormFloat64(), r.NormFloat64()
			}
			if _, out := rhoTest(Spearman(x, y), n); out != reports.Undecided {
				false_++
			}
			for i := range y {
				y[i] = -x[i] + 0.5*r.NormFloat64()
			}
			if _, out := rhoTest(Spearman(x, y), n); out == reports.Yes {
				power++
			}
		}
		rate := float64(false_) / studies
		// 5% plus three binomial standard errors of the simulation.
		if lim := 0.05 + 3*math.Sqrt(0.05*0.95/studies); rate > lim {
			t.Errorf("n = %d: false-positive rate %.4f > %.4f", n, rate, lim)
		}
		if p := float64(power) / studies; n >= 14 && p < 0.9 { // 7 points need ρ ≤ −0.8
			t.Errorf("n = %d: power %.3f against ρ ≈ −0.9", n, p)
		}
		t.Logf("n = %d: false-positive rate %.4f, power %.4f", n, rate, float64(power)/studies)
	}
}

// Cells of other samplers and CoInD models reach methods.md with their NFE, and it states
// what the penalty does (paired by run, Holm).
func TestMethodCells(t *testing.T) {
	r := &reports.Report{Profile: "testprof"}
	conditional := cell.Learned(cell.Conditional, 100)
	add := func(col cell.Column, m cell.Method, k, run int, sw2, nfe float64) {
		c := cell.Cell{Setting: "toy", Column: col, Method: m, K: k, Run: run}
		r.Results = append(r.Results, reports.Result{Cell: c, NFE: nfe, Metric: "sw2", Value: sw2}, reports.Result{Cell: c, NFE: nfe, Metric: "mmd2", Value: sw2 / 100})
	}
	for run := range 4 {
		noise := 0.01 * float64(run%2)
		add(conditional, cell.FKC, 1, run, 0.30+noise, 40)
		add(conditional, cell.ODE, 1, run, 0.35+noise, 40)
		add(cell.CoInDModel(100, 0), cell.FKC, 1, run, 0.40+noise, 40)
		add(cell.CoInDModel(100, 1), cell.FKC, 1, run, 0.20+noise+0.001*float64(run), 40)
	}
	dir := t.TempDir()
	if err := render(r, dir); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "methods.md"))
	for _, want := range []string{"| ode | 40 |", "coind λ=1 N=100 K=1 vs λ = 0", "lowers SW2 (supported)"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("methods.md lacks %q:\n%s", want, md)
		}
	}
}
