package methods

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/compdiff/compdiff/reports/figure"
)

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
