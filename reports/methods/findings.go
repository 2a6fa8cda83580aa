package methods

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// coveragePoint pairs the diagnostic of one (setting, N) with the errors it should predict.
type coveragePoint struct {
	Setting string
	N       int
	Pool    float64
	// KEffect is SW2 at the largest K minus SW2 at K = 1 of the learned model (the paper's
	// "FKC gets worse with K" with learned scores); Excess is SW2 of the learned model minus
	// that of the exact scores, both at K = 1 (the naive SDE). Run means.
	KEffect, Excess float64
}

// coveragePoints averages the diagnostic over runs and pairs it with the K effect (up to
// kmax, the largest K of the paper's grid, which it also returns) and the excess SW2 of the
// learned kind (conditional when present, else the first other kind of the paper's grid),
// read from the aggregate.
func coveragePoints(r *reports.Report) (pts []coveragePoint, kmax int) {
	type key struct {
		s string
		n int
	}
	pool := map[key][]float64{}
	var order []key
	for _, c := range r.Coverage {
		k := key{c.Setting, c.N}
		if _, ok := pool[k]; !ok {
			order = append(order, k)
		}
		pool[k] = append(pool[k], c.EffectivePool)
	}
	a := r.Summarize()
	kind := cell.Model("")
	for _, k := range a.Keys() {
		if !(cell.Cell{Column: k.Column, Method: k.Method}).OnPaperGrid() {
			continue
		}
		kmax = max(kmax, k.K)
		if !k.IsExact() && (kind == "" || k.Model == cell.Conditional) {
			kind = k.Model
		}
	}
	sw2 := func(setting string, col cell.Column, k int) (float64, bool) {
		c, ok := a.Cell(reports.CellKey{Setting: setting, Column: col, Method: cell.FKC, K: k, Metric: "sw2"})
		return c.Mean, ok
	}
	for _, k := range order {
		col := cell.Learned(kind, k.n)
		l, ok1 := sw2(k.s, col, 1)
		h, ok2 := sw2(k.s, col, kmax)
		e, ok3 := sw2(k.s, cell.Exact(), 1)
		if !ok1 || !ok2 || !ok3 {
			continue
		}
		pts = append(pts, coveragePoint{Setting: k.s, N: k.n, Pool: mean(pool[k]), KEffect: h - l, Excess: l - e})
	}
	return pts, kmax
}

func mean(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m += x
	}
	return m / float64(len(v))
}

// ranks returns the mid-ranks of v (ties share their mean rank).
func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		for k := i; k <= j; k++ {
			r[idx[k]] = float64(i+j)/2 + 1
		}
		i = j + 1
	}
	return r
}

// Spearman is the rank correlation of x and y (Pearson on mid-ranks); NaN below 3 points
// or when either variable is constant.
func Spearman(x, y []float64) float64 {
	if len(x) < 3 || len(x) != len(y) {
		return math.NaN()
	}
	rx, ry := ranks(x), ranks(y)
	mx, my := mean(rx), mean(ry)
	sxy, sxx, syy := 0.0, 0.0, 0.0
	for i := range rx {
		sxy += (rx[i] - mx) * (ry[i] - my)
		sxx += (rx[i] - mx) * (rx[i] - mx)
		syy += (ry[i] - my) * (ry[i] - my)
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}

func writeCoverage(b *strings.Builder, r *reports.Report, dir string) error {
	pts, kmax := coveragePoints(r)
	if len(pts) == 0 {
		return nil
	}
	x, ke, ex := make([]float64, len(pts)), make([]float64, len(pts)), make([]float64, len(pts))
	b.WriteString("## Coverage diagnostic\n\n")
	b.WriteString("Computed from the training pools and the ground truth alone, before any model is trained (core/coverage): the effective sample size of each pool reweighted toward the target with Gaussians fitted to both, the smallest over the sources, averaged over runs. ")
	fmt.Fprintf(b, "It is set against the effect the paper is about, how much worse FKC gets from K = 1 to K = %d with learned scores (SW2 at K = %d minus SW2 at K = 1), and against the extra SW2 learned scores cost over exact ones with the naive SDE (K = 1).\n\n", kmax, kmax)
	fmt.Fprintf(b, "| setting | N | effective training points | SW2(K=%d) − SW2(K=1) | excess SW2 over exact |\n|---|---:|---:|---:|---:|\n", kmax)
	for i, q := range pts {
		fmt.Fprintf(b, "| %s | %d | %.1f | %+.4f | %+.4f |\n", q.Setting, q.N, q.Pool, q.KEffect, q.Excess)
		x[i], ke[i], ex[i] = q.Pool, q.KEffect, q.Excess
	}
	rho, rhoEx := Spearman(x, ke), Spearman(x, ex)
	fmt.Fprintf(b, "\nSpearman rank correlation over the %d (setting, N) points: with the K effect ρ = %.3f, with the excess error ρ = %.3f (negative: fewer effective points, larger error). ", len(pts), rho, rhoEx)
	b.WriteString(rhoVerdict(rho, len(pts)) + "\n\n")
	if err := coverageFigure(pts, rho, kmax, r.Profile, filepath.Join(dir, "figures", "coverage")); err != nil {
		return err
	}
	b.WriteString("![coverage diagnostic](figures/coverage.png)\n\n")
	return nil
}

// rhoTest tests Spearman's ρ over n points against no association, two-sided at 5%: under
// the null ρ has mean 0 and variance exactly 1/(n−1), and z = ρ·√(n−1) is taken as normal
// (its false-positive rate is checked by simulation in methods_test.go).
func rhoTest(rho float64, n int) (z float64, out reports.Tri) {
	if math.IsNaN(rho) || n < 4 {
		return math.NaN(), reports.Undecided
	}
	z = rho * math.Sqrt(float64(n-1))
	switch {
	case z <= -1.96:
		return z, reports.Yes
	case z >= 1.96:
		return z, reports.No
	}
	return z, reports.Undecided
}

// rhoVerdict states rhoTest's outcome for the coverage diagnostic (negative ρ predicted).
func rhoVerdict(rho float64, n int) string {
	z, out := rhoTest(rho, n)
	switch {
	case math.IsNaN(z):
		return "Too few points to test the association."
	case out == reports.Yes:
		return fmt.Sprintf("The diagnostic predicts the K effect here (z = %.2f, two-sided p < 0.05 under no association): supported.", z)
	case out == reports.No:
		return fmt.Sprintf("The association runs the wrong way (z = %.2f): more coverage goes with a larger K effect, contradicting the diagnostic.", z)
	}
	return fmt.Sprintf("Not distinguishable from no association (z = %.2f, |z| < 1.96): open.", z)
}

// writePenalty states what CoInD's penalty does to the composition error: per setting, for
// every listed λ > 0 and every K, the paired per-run difference of SW2 between the CoInD
// model and its reference at the same N — the λ = 0 CoInD model when the profile lists it
// (the same network trained without the penalty), else the conditional model (trained on the
// source conditions only, so it differs in more than the penalty). Each setting's tests form
// one family, two-sided, Holm at α = 0.05.
func writePenalty(b *strings.Builder, a *reports.Aggregate) {
	bySetting := map[string][]*reports.Comparison{}
	var settings []string
	for _, k := range a.Keys() {
		if k.Model != cell.CoInD || k.Method != cell.FKC || k.Metric != "sw2" || k.Lambda <= 0 {
			continue
		}
		ref, refName := k, "λ = 0"
		ref.Lambda = 0
		if _, ok := a.Stat(ref); !ok {
			ref.Column, refName = cell.Learned(cell.Conditional, k.N), "the conditional model"
		}
		cur, _ := a.Cell(k)
		base, _ := a.Cell(ref)
		d, _ := reports.PairRuns(cur.Runs, base.Runs, func(x, y float64) float64 { return x - y })
		if len(d) < 2 {
			continue
		}
		c := &reports.Comparison{Desc: fmt.Sprintf("coind λ=%g N=%d K=%d vs %s", k.Lambda, k.N, k.K, refName), D: d}
		if _, ok := bySetting[k.Setting]; !ok {
			settings = append(settings, k.Setting)
		}
		bySetting[k.Setting] = append(bySetting[k.Setting], c)
	}
	if len(settings) == 0 {
		return
	}
	b.WriteString("## What CoInD's penalty does (computed)\n\n")
	b.WriteString("Per-run paired differences of SW2, CoInD with the penalty minus its reference at the same N (λ = 0 when the profile lists it, else the conditional model, which was also trained without joint conditions). Two-sided paired t-tests, Holm over each setting's tests at α = 0.05.\n\n")
	for _, s := range settings {
		cs := bySetting[s]
		reports.TestFamily(cs, reports.Alpha)
		for _, c := range cs {
			m, se, _ := reports.TStat(c.D)
			word := "makes no detectable difference (open)"
			switch c.Outcome() {
			case reports.Yes:
				word = "lowers SW2 (supported)"
			case reports.No:
				word = "raises SW2 (it hurts here)"
			}
			fmt.Fprintf(b, "- %s, %s: SW2 difference %+.4f ± %.4f over %d runs; the penalty %s.\n", s, c.Desc, m, se, len(c.D), word)
		}
	}
	b.WriteString("\n")
}
