package methods

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// samplers of one simulated score model: FKC over K at 63·K evaluations, the ODE at 60 and
// SuperDiff AND at 130 (so FKC K=2, at 126, is "FKC at the same NFE" for it).
var simSamplers = []struct {
	m   cell.Method
	k   int
	nfe float64
}{
	{cell.FKC, 1, 63}, {cell.FKC, 2, 126}, {cell.FKC, 4, 252}, {cell.FKC, 16, 1008},
	{cell.ODE, 1, 60}, {cell.SuperAnd, 1, 130}, {cell.SuperOr, 1, 60},
}

var simCols = []cell.Column{cell.Learned(cell.Conditional, 100), cell.Learned(cell.Conditional, 1000), cell.Learned(cell.Separate, 100), cell.Exact()}

// simulate draws one setting: SW2 = 0.3 + u_r + v_{col,r} + e (+ shift(col, sampler)), the
// correlation structure of the real study (u: the run's ground truth, v: its pool and
// networks, e: the cell's own noise). With contam > 0 each draw is 10× wider with that
// probability (heavy tails: an occasional runaway run).
func simulate(r *rand.Rand, runs int, contam float64, shift func(cell.Column, cell.Method, int) float64) *reports.Aggregate {
	draw := func(sd float64) float64 {
		if contam > 0 && r.Float64() < contam {
			sd *= 10
		}
		return sd * r.NormFloat64()
	}
	var rs []reports.Result
	for run := range runs {
		u := draw(0.05)
		for _, col := range simCols {
			v := draw(0.03)
			for _, s := range simSamplers {
				c := cell.Cell{Setting: "sim", Column: col, Method: s.m, K: s.k, Run: run}
				rs = append(rs, reports.Result{Cell: c, NFE: s.nfe, Metric: "sw2", Value: 0.3 + u + v + draw(0.02) + shift(col, s.m, s.k)})
			}
		}
	}
	return reports.Summarize(rs)
}

// The pairs follow from which cells exist and their NFE alone.
func TestDeclaredPairs(t *testing.T) {
	a := simulate(rand.New(rand.NewPCG(1, 2)), 3, 0, func(cell.Column, cell.Method, int) float64 { return 0 })
	var got []string
	for _, p := range declare(a, "sim") {
		if p.Col == simCols[0] {
			got = append(got, p.Comparison.Desc+" ["+p.Role+"]")
		}
	}
	want := []string{
		"ode vs fkc K=1 [naive = same NFE]",
		"superdiff-or vs fkc K=1 [naive = same NFE]",
		"fkc K=2 vs fkc K=1 [naive]",
		"superdiff-and vs fkc K=1 [naive]",
		"superdiff-and vs fkc K=2 [same NFE]",
		"fkc K=4 vs fkc K=1 [naive]",
		"fkc K=16 vs fkc K=1 [naive]",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("declared pairs\n got %q\nwant %q", got, want)
	}
}

// Under the null (every sampler of a model has the same expected SW2) a setting's family
// claims some difference in at most 5 % of studies, with normal and with contaminated
// (heavy-tailed) noise, at 3 and 10 runs; a planted difference is found with its sign.
func TestFindingsNull(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 5))
	const studies = 1500
	// 5 % plus three binomial standard errors of the simulation: 0.05 + 3·√(0.05·0.95/1500)
	// = 0.067; Holm keeps the family-wise rate ≤ α whatever the dependence between tests.
	lim := reports.Alpha + 3*math.Sqrt(reports.Alpha*(1-reports.Alpha)/studies)
	null := func(cell.Column, cell.Method, int) float64 { return 0 }
	for _, c := range []struct {
		runs   int
		contam float64
	}{{3, 0}, {10, 0}, {10, 0.1}} {
		fp := 0
		for range studies {
			for _, p := range testSetting(simulate(r, c.runs, c.contam, null), "sim") {
				if p.Comparison.Outcome() != reports.Undecided {
					fp++
					break
				}
			}
		}
		rate := float64(fp) / studies
		t.Logf("runs %d, contamination %.2f: families with a false finding %.4f (limit %.4f)", c.runs, c.contam, rate, lim)
		if rate > lim {
			t.Errorf("runs %d, contamination %.2f: false-finding rate %.4f > %.4f", c.runs, c.contam, rate, lim)
		}
	}
	// The ODE of the first model is lower by 0.05, 2.5× the SD of a per-run difference
	// (√2·0.02 = 0.028; u and v cancel in the pairing); at 10 runs its t is about 5.6, above
	// Holm's first threshold (one-sided α/56 with 9 df: t ≈ 4.6), so it is found in most studies.
	found, wrong := 0, 0
	plant := func(col cell.Column, m cell.Method, _ int) float64 {
		if col == simCols[0] && m == cell.ODE {
			return -0.05
		}
		return 0
	}
	for range 300 {
		for _, p := range testSetting(simulate(r, 10, 0, plant), "sim") {
			if p.Col == simCols[0] && p.Method.Method == cell.ODE {
				switch finding(p.Comparison) {
				case "lower":
					found++
				case "higher":
					wrong++
				}
			}
		}
	}
	if found < 200 || wrong > 0 {
		t.Errorf("planted difference: found lower in %d of 300 studies, higher in %d", found, wrong)
	}
	var b strings.Builder
	writeFindings(&b, simulate(r, 10, 0, plant))
	if !strings.Contains(b.String(), "| conditional N=100 | ode (60) | fkc K=1 (63) |") {
		t.Errorf("findings table:\n%s", b.String())
	}
}

// The frontier keeps each point below every point at the same or lower NFE.
func TestFrontier(t *testing.T) {
	pts := plotter.XYs{{X: 63, Y: 0.5}, {X: 60, Y: 0.7}, {X: 60, Y: 0.4}, {X: 252, Y: 0.45}, {X: 126, Y: 0.3}, {X: 1008, Y: 0.35}, {X: 4032, Y: 0.1}}
	got := fmt.Sprint(frontier(pts))
	if want := fmt.Sprint(plotter.XYs{{X: 60, Y: 0.4}, {X: 126, Y: 0.3}, {X: 4032, Y: 0.1}}); got != want {
		t.Errorf("frontier %s, want %s", got, want)
	}
}
