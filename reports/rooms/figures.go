package rooms

// The study's figures: samples as images beside the true target (the paper's Figure 2),
// and class shares against K.

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/compdiff/compdiff/core/room"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/reports/figure"
)

// A sample panel shows the first tiles images of its cell, tileCols to a row, each pixel
// zoom×zoom.
const (
	tiles    = 16
	tileCols = 4
	zoom     = 3
)

// gridColumns are the score models a setting's figures show: the exact scores, then each
// learned kind at its largest pool (the paper shows one network per kind).
func gridColumns(s *reports.SettingResults, kinds []cell.Model) []cell.Column {
	var cols []cell.Column
	if s.Exact {
		cols = append(cols, cell.Exact())
	}
	if len(s.Ns) > 0 {
		for _, k := range kinds {
			cols = append(cols, cell.Learned(k, s.Ns[len(s.Ns)-1]))
		}
	}
	return cols
}

// figureKs are the paper's naive K = 1 and FKC at the largest K computed.
func figureKs(ks []int) []int {
	if len(ks) == 0 {
		return nil
	}
	out := []int{ks[0]}
	if last := ks[len(ks)-1]; last != ks[0] {
		out = append(out, last)
	}
	return out
}

// samplesFigure: rows score models, columns K (naive, then FKC at the largest K), each
// panel a sheet of sample images; the true target in the last row.
func samplesFigure(s *reports.SettingResults, rs *roomSetting, ks []int, kinds []cell.Model) (figure.Grid, error) {
	h, w := rs.spec.Height, rs.spec.Width
	panel := func(title string, p reports.Points) (*plot.Plot, error) {
		var imgs [][]float64
		for i := 0; i < min(tiles, p.Len()); i++ {
			imgs = append(imgs, p.X[i*p.D:(i+1)*p.D])
		}
		if len(imgs) == 0 || p.D != h*w {
			pl := figure.New(title + " (no samples)")
			pl.HideAxes()
			return pl, nil
		}
		m, err := figure.Mosaic(imgs, h, w, tileCols, zoom, -1, 1)
		if err != nil {
			return nil, err
		}
		return figure.ImagePanel(title, m), nil
	}
	var rows [][]*plot.Plot
	for _, col := range gridColumns(s, kinds) {
		var row []*plot.Plot
		for _, k := range figureKs(ks) {
			what := fmt.Sprintf("FKC K=%d", k)
			if k == 1 {
				what = "naive K=1"
			}
			var pts reports.Points
			for _, c := range s.Composed {
				if c.Column == col && c.K == k {
					pts = c.X
				}
			}
			p, err := panel(fmt.Sprintf("%s, %s", col, what), pts)
			if err != nil {
				return figure.Grid{}, err
			}
			row = append(row, p)
		}
		rows = append(rows, row)
	}
	t, err := panel("true target", s.TruthSample)
	if err != nil {
		return figure.Grid{}, err
	}
	rows = append(rows, []*plot.Plot{t})
	return figure.Grid{Title: fmt.Sprintf("%s — samples (%s)", s.ID, s.Title), Plots: rows,
		TileW: vg.Points(190), TileH: vg.Points(205)}, nil
}

// classColors colours the classes: empty grey, then the palette, invalid black.
func classColors(nc int) []color.Color {
	out := []color.Color{figure.FaintColor}
	for c := 1; c < nc; c++ {
		out = append(out, figure.Palette[(c-1)%len(figure.Palette)])
	}
	return append(out, color.NRGBA{40, 40, 40, 255})
}

// sharesFigure: per score model, stacked bars of the mean class shares (and invalid) at
// each K, the exact target's class weights as the last bar.
func sharesFigure(s *reports.SettingResults, rs *roomSetting, a *reports.Aggregate, ks []int, kinds []cell.Model) (figure.Grid, error) {
	nc := room.NumClasses(rs.spec)
	names := append(room.ClassNames(rs.spec), "invalid")
	metrics := make([]string, nc+1)
	for c := 0; c < nc; c++ {
		metrics[c] = room.ShareMetric(rs.spec, c)
	}
	metrics[nc] = room.MetricInvalid
	labels := make([]string, 0, len(ks)+1)
	for _, k := range ks {
		labels = append(labels, fmt.Sprintf("K=%d", k))
	}
	labels = append(labels, "target")
	colors := classColors(nc)
	var row []*plot.Plot
	for i, col := range gridColumns(s, kinds) {
		p := figure.New(col.String())
		p.Y.Min, p.Y.Max = 0, 1
		p.Y.Label.Text = "share"
		var below *plotter.BarChart
		var bars []*plotter.BarChart
		for c, m := range metrics {
			vals := make(plotter.Values, len(labels))
			for x, k := range ks {
				if st, ok := a.Cell(reports.CellKey{Setting: s.ID, Column: col, Method: cell.FKC, K: k, Metric: m}); ok {
					vals[x] = st.Mean
				}
			}
			if c < nc {
				vals[len(ks)] = rs.target[c]
			}
			b, err := plotter.NewBarChart(vals, vg.Points(14))
			if err != nil {
				return figure.Grid{}, err
			}
			b.Color, b.LineStyle.Width = colors[c], 0
			if below != nil {
				b.StackOn(below)
			}
			below = b
			p.Add(b)
			bars = append(bars, b)
		}
		p.NominalX(labels...)
		if i == 0 { // the legend lists the stack top down, in room to the right of the bars
			for c := len(bars) - 1; c >= 0; c-- {
				p.Legend.Add(names[c], bars[c])
			}
			p.Legend.Top = true
			p.X.Max = float64(len(labels)) + 1.5
		}
		row = append(row, p)
	}
	if len(row) == 0 {
		return figure.Grid{}, fmt.Errorf("no score model to show")
	}
	return figure.Grid{Title: fmt.Sprintf("%s — class shares against K", s.ID), Plots: [][]*plot.Plot{row},
		TileW: vg.Points(200), TileH: vg.Points(220)}, nil
}
