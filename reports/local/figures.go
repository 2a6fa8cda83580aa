package local

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/compdiff/compdiff/core/local"
	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/reports/figure"
)

// style of a network's lines: the generalising networks solid, the failing ones dashed,
// the exact scores in the analytic colour.
func style(n string) (color.NRGBA, []vg.Length) {
	switch n {
	case local.NetAll:
		return figure.Palette[4], nil
	case local.NetSingle:
		return figure.Palette[0], figure.Dashes[1]
	case local.NetLocal:
		return figure.Palette[2], nil
	case local.NetWhole:
		return figure.Palette[3], figure.Dashes[1]
	}
	return figure.AnalyticColor, figure.Dashes[2]
}

// line is one curve: means with ± std bars (NaN points are left out).
type line struct {
	name       string
	x, y, err  []float64
	clr        color.NRGBA
	dash       []vg.Length
	plainDotty bool // a reference line without points or bars
}

func panel(title, xl, yl string, lines []line) (*plot.Plot, error) {
	p := figure.New(title)
	p.X.Label.Text, p.Y.Label.Text = xl, yl
	for _, l := range lines {
		var pts figure.XYErrs
		for i := range l.x {
			e := 0.0
			if l.err != nil {
				e = l.err[i]
			}
			pts.Add(l.x[i], l.y[i], e)
		}
		if len(pts.XYs) == 0 {
			continue
		}
		ln, err := plotter.NewLine(pts.XYs)
		if err != nil {
			return nil, err
		}
		ln.Color, ln.Dashes, ln.Width = l.clr, l.dash, vg.Points(1.2)
		p.Add(ln)
		if !l.plainDotty {
			sc, err := plotter.NewScatter(pts.XYs)
			if err != nil {
				return nil, err
			}
			sc.Color, sc.Radius, sc.Shape = l.clr, vg.Points(2), draw.CircleGlyph{}
			eb, err := plotter.NewYErrorBars(pts)
			if err != nil {
				return nil, err
			}
			eb.Color = l.clr
			p.Add(sc, eb)
		}
		p.Legend.Add(l.name, ln)
	}
	p.Legend.Top = true
	// Headroom above the data for the legend.
	p.Y.Max = p.Y.Min + 1.45*(p.Y.Max-p.Y.Min)
	return p, nil
}

// shareFigure: success and exact-K shares against K, one line per network.
func shareFigure(r *reports.Report, sw *sweep) (figure.Grid, error) {
	var x, tau []float64
	for _, s := range sw.settings {
		x = append(x, float64(s.Task.K()))
		tau = append(tau, local.Threshold(s.Task.K(), sw.m()))
	}
	var panels []*plot.Plot
	for _, metric := range []string{"success", "exact"} {
		var lines []line
		for _, n := range columns() {
			l := line{name: n, x: x}
			l.clr, l.dash = style(n)
			for _, s := range sw.settings {
				c, ok := r.Agg.Cell(key(s.ID, sw.column(n), metric))
				if !ok {
					c.Mean, c.SD = math.NaN(), math.NaN()
				}
				l.y, l.err = append(l.y, c.Mean), append(l.err, c.SD)
			}
			lines = append(lines, l)
		}
		if metric == "success" {
			lines = append(lines, line{name: "threshold", x: x, y: tau, clr: figure.TruthColor, dash: figure.Dashes[2], plainDotty: true})
		}
		p, err := panel(metric+" share", fmt.Sprintf("K requested cells (M = %d)", sw.m()), metric+" share", lines)
		if err != nil {
			return figure.Grid{}, err
		}
		p.Y.Min, p.Y.Max = 0, 1.5
		panels = append(panels, p)
	}
	return figure.Grid{Title: "Length generalisation", Plots: [][]*plot.Plot{panels}, TileW: vg.Points(300), TileH: vg.Points(260)}, nil
}

// localityFigure: far share and radius against the noise level, one line per network.
func localityFigure(r *reports.Report, sw *sweep) (figure.Grid, error) {
	levels := slices.Clone(sw.task.Levels)
	var panels []*plot.Plot
	for _, q := range []struct{ metric, label string }{{"far", "far share of conditioner influence"}, {"radius", "Jacobian radius (cells)"}} {
		var lines []line
		for _, n := range columns() {
			l := line{name: n, x: levels}
			l.clr, l.dash = style(n)
			for _, lv := range levels {
				m, sd, ok := sw.overOOD(r.Agg, sw.column(n), local.LevelMetric(q.metric, lv))
				if !ok {
					m, sd = math.NaN(), math.NaN()
				}
				l.y, l.err = append(l.y, m), append(l.err, sd)
			}
			lines = append(lines, l)
		}
		p, err := panel(q.label, "denoising time s (0 noise, 1 data)", q.label, lines)
		if err != nil {
			return figure.Grid{}, err
		}
		panels = append(panels, p)
	}
	return figure.Grid{Title: fmt.Sprintf("Locality at K > M = %d", sw.m()), Plots: [][]*plot.Plot{panels}, TileW: vg.Points(300), TileH: vg.Points(260)}, nil
}

// stripsPerPanel is how many scenes a panel of the scenes figure shows.
const stripsPerPanel = 6

// scenesFigure: rows the exact target and each score model, columns K; a panel stacks up
// to stripsPerPanel scenes, each a strip of cells under a bar marking the requested ones.
func scenesFigure(sw *sweep) (figure.Grid, error) {
	rows := []string{"target"}
	rows = append(rows, columns()...)
	var grid [][]*plot.Plot
	for _, name := range rows {
		var line []*plot.Plot
		for _, s := range sw.settings {
			pts := s.TruthSample
			if name != "target" {
				pts = s.Panel(sw.column(name), 1)
			}
			p, err := stripPanel(fmt.Sprintf("%s, K=%d", name, s.Task.K()), s.Task, pts)
			if err != nil {
				return figure.Grid{}, err
			}
			line = append(line, p)
		}
		grid = append(grid, line)
	}
	return figure.Grid{Title: "Sample scenes", Plots: grid, TileW: vg.Points(130), TileH: vg.Points(110)}, nil
}

// stripPanel draws scenes as strips (figure.Strips) with a black bar over each requested
// cell, in the templates' grey range.
func stripPanel(title string, t local.Task, pts reports.Points) (*plot.Plot, error) {
	sp := t.Scene
	lo, hi := sp.Empty, sp.Empty
	for _, o := range sp.Objects {
		lo, hi = math.Min(lo, slices.Min(o)), math.Max(hi, slices.Max(o))
	}
	if hi == lo {
		hi = lo + 1
	}
	if pts.D != sp.Dim() {
		pts = reports.Points{}
	}
	return figure.Strips(title, pts.X, sp.Slots, sp.Cell, stripsPerPanel, lo, hi, t.Mask())
}
