package projective

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/reports/figure"
)

// series is one line of a panel: points with ± error bars (none when err is nil).
type series struct {
	name      string
	x, y, err []float64
	clr       color.NRGBA
	dash      []vg.Length
	noPoints  bool
}

// linePanel draws the series on one panel with a legend in the left corner at top or
// bottom, where the study's curves leave room.
func linePanel(title, xl, yl string, top bool, ss []series) (*plot.Plot, error) {
	p := figure.New(title)
	p.X.Label.Text, p.Y.Label.Text = xl, yl
	p.Legend.Top, p.Legend.Left = top, true
	for _, s := range ss {
		var pts figure.XYErrs
		for i := range s.x {
			e := 0.0
			if s.err != nil {
				e = s.err[i]
			}
			pts.Add(s.x[i], s.y[i], e)
		}
		if len(pts.XYs) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(pts.XYs)
		if err != nil {
			return nil, err
		}
		line.Color, line.Dashes, line.Width = s.clr, s.dash, vg.Points(1.2)
		points.Color, points.Radius, points.Shape = s.clr, vg.Points(2), draw.CircleGlyph{}
		p.Add(line)
		if !s.noPoints {
			p.Add(points)
		}
		if s.err != nil {
			eb, err := plotter.NewYErrorBars(pts)
			if err != nil {
				return nil, err
			}
			eb.Color = s.clr
			p.Add(eb)
		}
		p.Legend.Add(s.name, line)
	}
	return p, nil
}

// cellSeries reads a cell per x from the aggregate: mean and std over runs.
func cellSeries(a *reports.Aggregate, name string, x []float64, keys []reports.CellKey, clr color.NRGBA, dash []vg.Length) series {
	s := series{name: name, x: x, clr: clr, dash: dash}
	for _, k := range keys {
		c, ok := a.Cell(k)
		if !ok {
			s.y, s.err = append(s.y, math.NaN()), append(s.err, math.NaN())
			continue
		}
		s.y, s.err = append(s.y, c.Mean), append(s.err, c.SD)
	}
	return s
}

var rowStyle = []struct {
	clr  color.NRGBA
	dash []vg.Length
}{
	{figure.TruthColor, nil},
	{figure.AnalyticColor, nil}, {figure.AnalyticColor, figure.Dashes[1]}, {figure.AnalyticColor, figure.Dashes[2]},
	{figure.Palette[4], nil}, {figure.Palette[4], figure.Dashes[1]}, {figure.Palette[4], figure.Dashes[2]},
}

// shareFigure: the exact-k share against k, one panel per background of each scene.
func shareFigure(r *reports.Report, ss []*sceneSetting) (figure.Grid, error) {
	var panels []*plot.Plot
	for _, sc := range scenesIn(ss) {
		for _, bg := range []string{bgEmpty, bgBayes, bgClutter} {
			sw := sweep(ss, sc, bg)
			if len(sw) == 0 {
				continue
			}
			var x []float64
			for _, s := range sw {
				x = append(x, float64(s.K))
			}
			var lines []series
			for i, rw := range rowsOf(sw[0]) {
				var keys []reports.CellKey
				for _, s := range sw {
					keys = append(keys, key(s.ID, rw.col, rw.method, rw.k, rw.metric))
				}
				st := rowStyle[min(i, len(rowStyle)-1)]
				lines = append(lines, cellSeries(r.Agg, rw.label, x, keys, st.clr, st.dash))
			}
			p, err := linePanel(bgLabel(bg)+" background", "k (objects requested)", "exact-k share", false, lines)
			if err != nil {
				return figure.Grid{}, err
			}
			p.Y.Min, p.Y.Max = 0, 1.05
			panels = append(panels, p)
		}
	}
	return figure.Grid{Title: "Exact-k share against k", Plots: [][]*plot.Plot{panels}, TileW: vg.Points(260), TileH: vg.Points(240)}, nil
}

// sceneStrips is how many scenes a panel of the scenes figure shows.
const sceneStrips = 8

// scenesFigure: rows (background × source of samples), columns k; each panel a column of
// scene strips.
func scenesFigure(ss []*sceneSetting) (figure.Grid, error) {
	var rows [][]*plot.Plot
	for _, sc := range scenesIn(ss) {
		for _, bg := range []string{bgEmpty, bgBayes, bgClutter} {
			sw := sweep(ss, sc, bg)
			if len(sw) == 0 {
				continue
			}
			srcs := []struct {
				name string
				pts  func(s *sceneSetting) reports.Points
			}{
				{"target", func(s *sceneSetting) reports.Points { return s.TruthSample }},
				{"exact SDE", func(s *sceneSetting) reports.Points { return s.Panel(cell.Exact(), 1) }},
			}
			if c := learnedColumn(sw[0].SettingResults); c != nil {
				srcs = append(srcs, struct {
					name string
					pts  func(s *sceneSetting) reports.Points
				}{"learned SDE", func(s *sceneSetting) reports.Points { return s.Panel(*c, 1) }})
			}
			for _, src := range srcs {
				var line []*plot.Plot
				for _, s := range sw {
					p, err := stripPanel(fmt.Sprintf("%s, %s, k=%d", shortLabel(bg), src.name, s.K), s, src.pts(s))
					if err != nil {
						return figure.Grid{}, err
					}
					line = append(line, p)
				}
				rows = append(rows, line)
			}
		}
	}
	return figure.Grid{Title: "Sample scenes", Plots: rows, TileW: vg.Points(150), TileH: vg.Points(150)}, nil
}

// stripPanel draws up to sceneStrips scenes as grey strips: slot after slot, each cell as a
// square patch when its pixel count is a square (2×2 for the default), else a row.
func stripPanel(title string, s *sceneSetting, pts reports.Points) (*plot.Plot, error) {
	sp := s.Task.Scene
	side := int(math.Round(math.Sqrt(float64(sp.Cell))))
	h, w := side, side
	if h*w != sp.Cell {
		h, w = 1, sp.Cell
	}
	n := min(pts.Len(), sceneStrips)
	if n == 0 || pts.D != sp.Dim() {
		p := figure.New(title + " (none)")
		p.HideAxes()
		return p, nil
	}
	// Slots side by side, one blank (NaN, drawn white) column between neighbours.
	width := sp.Slots*(w+1) - 1
	var imgs [][]float64
	for i := 0; i < n; i++ {
		im := make([]float64, h*width)
		for j := range im {
			im[j] = math.NaN()
		}
		for sl := 0; sl < sp.Slots; sl++ {
			for j := 0; j < sp.Cell; j++ {
				rr, cc := j/w, j%w
				im[rr*width+sl*(w+1)+cc] = pts.X[i*pts.D+sl*sp.Cell+j]
			}
		}
		imgs = append(imgs, im)
	}
	lo, hi := levels(sp.Empty, sp.Objects)
	img, err := figure.Mosaic(imgs, h, width, 1, 6, lo, hi)
	if err != nil {
		return nil, err
	}
	return figure.ImagePanel(title, img), nil
}

// levels is the grey range: the templates' pixel range widened by a quarter.
func levels(empty float64, objects [][]float64) (float64, float64) {
	lo, hi := empty, empty
	for _, o := range objects {
		lo, hi = math.Min(lo, slices.Min(o)), math.Max(hi, slices.Max(o))
	}
	pad := 0.25 * (hi - lo)
	if pad == 0 {
		pad = 1
	}
	return lo - pad, hi + pad
}

// gapFigure: W2 against γ per concept set.
func gapFigure(r *reports.Report, ms []*mapSetting) (figure.Grid, error) {
	var panels []*plot.Plot
	for _, c := range conceptSets(ms) {
		sh, _ := shears(ms, c)
		if len(sh) == 0 {
			continue
		}
		var x, sde, ode []float64
		var naive, fkc, floor []reports.CellKey
		kmax := 1
		for _, m := range sh {
			kmax = max(kmax, slices.Max(append([]int{1}, m.Ks...)))
		}
		for _, m := range sh {
			x = append(x, m.Gamma)
			sde, ode = append(sde, m.Gaps.SDE.W2), append(ode, m.Gaps.ODE.W2)
			naive = append(naive, key(m.ID, cell.Exact(), cell.FKC, 1, "w2"))
			fkc = append(fkc, key(m.ID, cell.Exact(), cell.FKC, kmax, "w2"))
			floor = append(floor, key(m.ID, cell.Exact(), cell.FKC, 1, "w2.floor"))
		}
		lines := []series{
			{name: "naive SDE, closed form", x: x, y: sde, clr: figure.TruthColor, noPoints: true},
			{name: "naive ODE, closed form", x: x, y: ode, clr: figure.TruthColor, dash: figure.Dashes[1], noPoints: true},
			cellSeries(r.Agg, "naive SDE, sampled", x, naive, figure.AnalyticColor, nil),
			cellSeries(r.Agg, fmt.Sprintf("FKC K=%d, sampled", kmax), x, fkc, figure.Palette[4], nil),
			cellSeries(r.Agg, "exact samples (floor)", x, floor, figure.Palette[2], figure.Dashes[2]),
		}
		p, err := linePanel(c+" concepts", "shear γ", "W2 to C[A♯p]", true, lines)
		if err != nil {
			return figure.Grid{}, err
		}
		panels = append(panels, p)
	}
	return figure.Grid{Title: "§7: the gap against the shear", Plots: [][]*plot.Plot{panels}, TileW: vg.Points(280), TileH: vg.Points(240)}, nil
}

// shortLabel names a background in panel titles.
func shortLabel(bg string) string {
	if bg == bgBayes {
		return "Bayes"
	}
	return bgLabel(bg)
}
