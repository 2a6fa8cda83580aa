package reports

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
)

// coveragePoint pairs the diagnostic of one (setting, N) with the error it should predict.
type coveragePoint struct {
	Setting, N   string
	Pool, Excess float64
}

// coveragePoints averages the diagnostic over runs and pairs it with the excess SW2 of the
// first learned model kind at K = 1 (the naive SDE) over the exact scores.
func coveragePoints(m *Methods) []coveragePoint {
	type key struct{ s, n string }
	pool := map[key][]float64{}
	var order []key
	for _, c := range m.Coverage {
		k := key{c.Setting, c.N}
		if _, ok := pool[k]; !ok {
			order = append(order, k)
		}
		pool[k] = append(pool[k], c.EffectivePool)
	}
	// The learned kind: conditional when present, else the first other non-CoInD kind.
	kind := ""
	for _, r := range m.Results {
		if r.Model != "analytic" && !strings.HasPrefix(r.Model, "coind") && (kind == "" || r.Model == "conditional") {
			kind = r.Model
		}
	}
	sw := map[key][]float64{}
	exact := map[string][]float64{}
	for _, r := range m.Results {
		if r.Method != "fkc" || r.K != 1 {
			continue
		}
		switch r.Model {
		case "analytic":
			exact[r.Setting] = append(exact[r.Setting], r.SW2)
		case kind:
			sw[key{r.Setting, r.N}] = append(sw[key{r.Setting, r.N}], r.SW2)
		}
	}
	var out []coveragePoint
	for _, k := range order {
		if len(sw[k]) == 0 || len(exact[k.s]) == 0 {
			continue
		}
		p, _ := meanSE(pool[k])
		l, _ := meanSE(sw[k])
		e, _ := meanSE(exact[k.s])
		out = append(out, coveragePoint{Setting: k.s, N: k.n, Pool: p, Excess: l - e})
	}
	return out
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
	mx, _ := meanSE(rx)
	my, _ := meanSE(ry)
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

func writeCoverage(b *strings.Builder, m *Methods, dir string) error {
	pts := coveragePoints(m)
	if len(pts) == 0 {
		return nil
	}
	x, y := make([]float64, len(pts)), make([]float64, len(pts))
	b.WriteString("## Coverage diagnostic\n\n")
	b.WriteString("Computed from the training pools and the ground truth alone (core/coverage): the effective sample size of each pool reweighted toward the target with Gaussians fitted to both, the smallest over the sources, averaged over runs. It is set against the extra SW2 that learned scores cost over exact ones with the naive SDE (K = 1).\n\n")
	b.WriteString("| setting | N | effective training points | excess SW2 |\n|---|---:|---:|---:|\n")
	for i, q := range pts {
		fmt.Fprintf(b, "| %s | %s | %.1f | %.4f |\n", q.Setting, q.N, q.Pool, q.Excess)
		x[i], y[i] = q.Pool, q.Excess
	}
	rho := Spearman(x, y)
	fmt.Fprintf(b, "\nSpearman rank correlation over the %d (setting, N) points: ρ = %.3f (negative: fewer effective points, larger error).\n\n", len(pts), rho)
	if err := coverageFigure(pts, rho, m.Profile, filepath.Join(dir, "figures", "coverage")); err != nil {
		return err
	}
	b.WriteString("![coverage diagnostic](figures/coverage.png)\n\n")
	return nil
}

// writeFindings states, per setting and score model, which sampler came closest to the
// target and at what cost, and whether the cheapest sampler was already within two
// standard errors of it; all numbers come from the table above.
func writeFindings(b *strings.Builder, rows []methodRow) {
	b.WriteString("## Findings (computed)\n\n")
	type key struct{ s, c string }
	groups := map[key][]methodRow{}
	var order []key
	for _, r := range rows {
		k := key{r.Setting, r.Column}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	for _, k := range order {
		g := groups[k]
		if len(g) < 2 {
			continue // one sampler only: nothing to compare
		}
		best, cheap := g[0], g[0]
		for _, r := range g {
			if r.SW2 < best.SW2 {
				best = r
			}
			if r.NFE < cheap.NFE {
				cheap = r
			}
		}
		se := math.Hypot(nz(best.SE), nz(cheap.SE))
		verdict := "significantly worse than the best (more than 2 SE)"
		if cheap.SW2-best.SW2 <= 2*se {
			verdict = "within 2 SE of the best"
		}
		fmt.Fprintf(b, "- %s, %s: lowest SW2 %.3f ± %.3f with %s (NFE %s); the cheapest sampler, %s (NFE %s), reaches %.3f ± %.3f, %s.\n",
			k.s, k.c, best.SW2, best.SE, best.Label, fmtNFE(best.NFE), cheap.Label, fmtNFE(cheap.NFE), cheap.SW2, cheap.SE, verdict)
	}
	b.WriteString("\n")
}

func nz(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}
