package methods

import (
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/compdiff/compdiff/reports/figure"
)

// paretoFigure: mean SW2 against NFE (log10 axis), one series per score model, error bars
// ± one standard error; points are labelled by sampler in the table beside it.
func paretoFigure(setting, profile string, rows []row, base string) error {
	p := figure.New(fmt.Sprintf("%s: SW2 against network evaluations per sample (profile %s)", setting, profile))
	p.X.Label.Text = "NFE per sample (log10 axis)"
	p.Y.Label.Text = "SW2 (mean ± SE over runs)"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	byCol := map[string][]row{}
	var cols []string
	for _, r := range rows {
		if r.Setting != setting || math.IsNaN(r.NFE) || !(r.NFE > 0) {
			continue
		}
		if _, ok := byCol[r.Column]; !ok {
			cols = append(cols, r.Column)
		}
		byCol[r.Column] = append(byCol[r.Column], r)
	}
	if len(cols) == 0 {
		return nil
	}
	for i, c := range cols {
		rs := byCol[c]
		sort.Slice(rs, func(a, b int) bool { return rs[a].NFE < rs[b].NFE })
		xy := make(plotter.XYs, len(rs))
		e := figure.XYErrs{Lo: make([]float64, len(rs)), Hi: make([]float64, len(rs))}
		for k, r := range rs {
			xy[k] = plotter.XY{X: r.NFE, Y: r.SW2}
			se := r.SE
			if math.IsNaN(se) {
				se = 0
			}
			e.Lo[k], e.Hi[k] = math.Min(se, r.SW2), se
		}
		sc, err := figure.Scatter(xy, plotutil.Color(i), vg.Points(2.5))
		if err != nil {
			return err
		}
		eb, err := plotter.NewYErrorBars(figure.XYErrs{XYs: xy, Lo: e.Lo, Hi: e.Hi})
		if err != nil {
			return err
		}
		eb.LineStyle.Color = plotutil.Color(i)
		p.Add(sc, eb)
		p.Legend.Add(c, sc)
	}
	p.Legend.Top = true
	return figure.Save(p, base, 6*vg.Inch, 4*vg.Inch)
}

// coverageFigure: how much worse FKC gets from K = 1 to kmax with learned scores against the
// coverage diagnostic (log10 axis), one point per (setting, N).
func coverageFigure(pts []coveragePoint, rho float64, kmax int, profile, base string) error {
	p := figure.New(fmt.Sprintf("Coverage diagnostic against the K effect (Spearman ρ = %.2f, profile %s)", rho, profile))
	p.X.Label.Text = "effective training points where the target lives (log10 axis)"
	p.Y.Label.Text = fmt.Sprintf("SW2(learned, K=%d) − SW2(learned, K=1)", kmax)
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	xy := make(plotter.XYs, 0, len(pts))
	for _, q := range pts {
		xy = append(xy, plotter.XY{X: math.Max(q.Pool, 1e-3), Y: q.KEffect})
	}
	sc, err := figure.Scatter(xy, color.NRGBA{R: 200, G: 60, B: 40, A: 255}, vg.Points(3))
	if err != nil {
		return err
	}
	p.Add(sc)
	labels := make([]string, len(pts))
	for i, q := range pts {
		labels[i] = fmt.Sprintf("%s N=%d", q.Setting, q.N)
	}
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: xy, Labels: labels})
	if err != nil {
		return err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Font.Size = 5
	}
	p.Add(l)
	return figure.Save(p, base, 7*vg.Inch, 4.5*vg.Inch)
}
