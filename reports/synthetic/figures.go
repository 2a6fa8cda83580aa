package synthetic

// The study's figures: sources, composed-sample grids, SW2 against K, training loss.

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/reports/figure"
)

func weightOf(s *reports.SettingResults, i int) string {
	if i < len(s.Sources) {
		return fmt.Sprintf(" (w=%+g)", s.Sources[i].Weight)
	}
	return ""
}

func dimOf(s *reports.SettingResults) int {
	if s.Dim > 0 {
		return s.Dim
	}
	if s.TruthSample.D > 0 {
		return s.TruthSample.D
	}
	return 2
}

// learnedKeys orders the learned models of a panel by kind, then pool size.
func learnedKeys(m map[cell.Column]reports.Points) []cell.Column {
	keys := make([]cell.Column, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Model != keys[j].Model {
			return keys[i].Model < keys[j].Model
		}
		return keys[i].N < keys[j].N
	})
	return keys
}

// sourcesFigure: one panel per source, true samples (grey) with learned samples overlaid.
func sourcesFigure(s *reports.SettingResults, profile string) (figure.Grid, error) {
	d := dimOf(s)
	var row []*plot.Plot
	for i, sp := range s.SourcePanels {
		w := ""
		for j, src := range s.Sources {
			if src.Name == sp.Source {
				w = weightOf(s, j)
			}
		}
		p := figure.New("source " + sp.Source + w)
		truth := stride(sp.True, figure.CapTruth)
		keys := learnedKeys(sp.Learned)
		per := max(300, 3000/(1+len(keys)))
		var sets []plotter.XYs
		for _, k := range keys {
			sets = append(sets, stride(sp.Learned[k], per))
		}
		b := figure.SharedRange(truth, sets, d, gridShare, gridPad, gridMaxZoom)
		if _, th, err := figure.Layer(p, truth, b, d, figure.WithAlpha(figure.TruthColor, 140), vg.Points(1.1), true); err != nil {
			return figure.Grid{}, err
		} else if th != nil && i == 0 {
			p.Legend.Add("true", th)
		}
		worst := 0.0
		for ki, k := range keys {
			c := figure.NColor(s.Ns, k)
			r := vg.Points(1.0)
			if k.Model == cell.Separate {
				c = figure.WithAlpha(c, 255)
				r = vg.Points(0.8)
			}
			frac, th, err := figure.Layer(p, sets[ki], b, d, figure.WithAlpha(c, 120), r, false)
			if err != nil {
				return figure.Grid{}, err
			}
			worst = math.Max(worst, frac)
			if th != nil && i == 0 { // same entries in every panel: one legend is enough
				p.Legend.Add(k.String(), th)
			}
		}
		figure.SetBox(p, b, d)
		p.Title.Text += figure.OffAxes(worst)
		p.Legend.Top = true
		p.Legend.Left = true
		if d == 1 {
			p.Y.Label.Text = "density"
		}
		row = append(row, p)
	}
	if len(row) == 0 {
		p := figure.New("no source samples in this study")
		row = append(row, p)
	}
	return figure.Grid{
		Title: fmt.Sprintf("%s — sources: true (grey) vs learned samples — profile %s", s.ID, profile),
		Plots: [][]*plot.Plot{row}, TileW: vg.Inch * 3.4, TileH: vg.Inch * 3.4, Square: d > 1,
	}, nil
}

// Composed-sample grids show where the samples went: the axes cover the central gridShare
// of truth and samples together (shared by every panel of the grid), at most gridMaxZoom
// times the target's own range so the target stays visible; what is still outside is said in
// each panel's title and, in total, under the figure's title; each such sample is marked by a
// triangle on the panel's border in the direction it went.
const (
	gridShare   = 0.98
	gridPad     = 1.25 // a quarter more, so a well-matched panel's tails stay on the axes
	gridMaxZoom = 8
)

// gridFigure: composed samples, rows N (incl. analytical), columns K, truth faint behind.
func gridFigure(s *reports.SettingResults, model cell.Model, profile string, a *reports.Aggregate) (figure.Grid, error) {
	d := dimOf(s)
	back := stride(s.TruthSample, figure.CapGridBack)
	ns := tableCols(s, a, model)
	ks := tableKs(s, a)
	drawn := map[[2]int]plotter.XYs{}
	var sets []plotter.XYs
	for i, n := range ns {
		for j, k := range ks {
			for _, c := range s.Composed {
				if c.Column == n && c.K == k {
					drawn[[2]int{i, j}] = stride(c.X, figure.CapGridCell)
					sets = append(sets, drawn[[2]int{i, j}])
					break
				}
			}
		}
	}
	b := figure.SharedRange(stride(s.TruthSample, 5000), sets, d, gridShare, gridPad, gridMaxZoom)
	plots := make([][]*plot.Plot, len(ns))
	out, total := 0, 0
	for i, n := range ns {
		for j, k := range ks {
			p := figure.New("")
			if _, _, err := figure.Layer(p, back, b, d, figure.FaintColor, vg.Points(0.9), true); err != nil {
				return figure.Grid{}, err
			}
			x, ok := drawn[[2]int{i, j}]
			if !ok {
				if l, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: (b.X0 + b.X1) / 2, Y: (b.Y0 + b.Y1) / 2}},
					Labels: []string{"not computed"}}); err == nil {
					p.Add(l)
				}
			} else {
				frac, _, err := figure.Layer(p, x, b, d, figure.WithAlpha(figure.NColor(s.Ns, n), 130), vg.Points(1.0), false)
				if err != nil {
					return figure.Grid{}, err
				}
				p.Title.Text = figure.OffAxes(frac)
				if esc := figure.Escaped(x, b); d > 1 && len(esc) > 0 {
					sc, err := plotter.NewScatter(esc)
					if err != nil {
						return figure.Grid{}, err
					}
					sc.GlyphStyle = draw.GlyphStyle{Color: figure.WithAlpha(figure.NColor(s.Ns, n), 200), Radius: vg.Points(1.8), Shape: draw.TriangleGlyph{}}
					p.Add(sc)
				}
				out += int(math.Round(frac * float64(len(x))))
				total += len(x)
			}
			figure.SetBox(p, b, d)
			if i == 0 {
				p.Title.Text = fmt.Sprintf("K=%d", k) + p.Title.Text
			}
			if j == 0 {
				p.Y.Label.Text = n.Header()
			} else {
				p.Y.Tick.Label.Color = color.Transparent
			}
			if i != len(ns)-1 {
				p.X.Tick.Label.Color = color.Transparent
			}
			plots[i] = append(plots[i], p)
		}
	}
	tile := vg.Inch * 2.0
	return figure.Grid{
		Title: fmt.Sprintf("%s — %s model: composed samples (colour) over ground truth (grey) — profile %s", s.ID, reports.KindName(model), profile),
		Subtitle: fmt.Sprintf("axes: the central %.0f%% of ground truth and samples together (at most %d× the target's range); %s, each marked by a triangle on the border in its direction",
			100*gridShare, gridMaxZoom, figure.Outside(out, total)),
		Plots: plots, TileW: tile, TileH: tile, Square: d > 1,
	}, nil
}

// sw2Figure: mean SW2 against K (log2 axis), one line per (model, N), error bars ± std.
func sw2Figure(s *reports.SettingResults, profile string, a *reports.Aggregate, kinds []cell.Model) (figure.Grid, error) {
	p := figure.New("")
	p.X.Label.Text = "K (particles per swarm, log2 axis)"
	p.Y.Label.Text = "SW2 (mean ± std over runs)"
	ks := tableKs(s, a)
	var ticks []plot.Tick
	for _, k := range ks {
		ticks = append(ticks, plot.Tick{Value: math.Log2(float64(k)), Label: fmt.Sprint(k)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	type series struct {
		name string
		col  cell.Column
		clr  color.NRGBA
		dash []vg.Length
	}
	var ss []series
	for mi, m := range kinds {
		for _, c := range tableCols(s, a, m) {
			if c.IsExact() {
				continue
			}
			ss = append(ss, series{reports.KindName(m) + " N=" + strconv.Itoa(c.N), c, figure.NColor(s.Ns, c), figure.Dashes[mi%len(figure.Dashes)]})
		}
	}
	ss = append(ss, series{"analytic", cell.Exact(), figure.AnalyticColor, nil})
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, sr := range ss {
		for _, k := range ks {
			if c, ok := a.Cell(key(s.ID, sr.col, k)); ok && c.Mean > 0 {
				lo, hi = math.Min(lo, c.Mean), math.Max(hi, c.Mean)
			}
		}
	}
	logY := hi/lo > 30
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		p.Y.Label.Text = "SW2 (mean ± std over runs, log axis)"
	}
	drawn := 0
	for i, sr := range ss {
		var pts figure.XYErrs
		off := (float64(i) - float64(len(ss)-1)/2) * 0.05 // spread error bars apart
		for _, k := range ks {
			c, ok := a.Cell(key(s.ID, sr.col, k))
			if !ok || (logY && c.Mean <= 0) {
				continue
			}
			sd := c.SD
			if math.IsNaN(sd) {
				sd = 0
			}
			l := sd
			if logY {
				l = math.Min(sd, 0.9*c.Mean)
			}
			pts.XYs = append(pts.XYs, plotter.XY{X: math.Log2(float64(k)) + off, Y: c.Mean})
			pts.Lo = append(pts.Lo, l)
			pts.Hi = append(pts.Hi, sd)
		}
		if len(pts.XYs) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(pts.XYs)
		if err != nil {
			return figure.Grid{}, err
		}
		line.Color, line.Dashes, line.Width = sr.clr, sr.dash, vg.Points(1.3)
		points.Color, points.Radius, points.Shape = sr.clr, vg.Points(2), draw.CircleGlyph{}
		eb, err := plotter.NewYErrorBars(pts)
		if err != nil {
			return figure.Grid{}, err
		}
		eb.Color = sr.clr
		p.Add(line, points, eb)
		p.Legend.Add(sr.name, line, points)
		drawn++
	}
	if drawn == 0 {
		p.Title.Text = "no SW2 results"
	}
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = 7
	p.Legend.Left = false
	p.Legend.XOffs = vg.Inch * 1.9 // legend to the right of the data area
	return figure.Grid{
		Title: fmt.Sprintf("%s — SW2 against K — profile %s", s.ID, profile),
		Plots: [][]*plot.Plot{{p}}, TileW: vg.Inch * 6.2, TileH: vg.Inch * 4.2, ExtraRight: vg.Inch * 1.9,
	}, nil
}

// smooth averages a curve into at most n windows so 20 000 iterations stay readable.
func smooth(iter []int, loss []float64, n int) plotter.XYs {
	m := min(len(iter), len(loss))
	w := max(1, (m+n-1)/n)
	var out plotter.XYs
	for i := 0; i < m; i += w {
		sx, sy, c := 0.0, 0.0, 0
		for j := i; j < min(i+w, m); j++ {
			if loss[j] > 0 && !math.IsInf(loss[j], 0) {
				sx += float64(iter[j])
				sy += loss[j]
				c++
			}
		}
		if c > 0 {
			out = append(out, plotter.XY{X: sx / float64(c), Y: sy / float64(c)})
		}
	}
	return out
}

// lossFigure: training loss curves (log y), colour by N, dash by source (solid: conditional).
func lossFigure(s *reports.SettingResults, profile string) (figure.Grid, error) {
	p := figure.New("")
	p.X.Label.Text = "iteration"
	p.Y.Label.Text = "training loss (window mean, log axis)"
	curves := append([]reports.LossCurve(nil), s.Loss...)
	sort.SliceStable(curves, func(i, j int) bool {
		if curves[i].Model != curves[j].Model {
			return curves[i].Model < curves[j].Model
		}
		return curves[i].N < curves[j].N
	})
	lo, hi := math.Inf(1), math.Inf(-1)
	smoothed := make([]plotter.XYs, len(curves))
	for i, c := range curves {
		smoothed[i] = smooth(c.Iter, c.Loss, 400)
		for _, q := range smoothed[i] {
			lo, hi = math.Min(lo, q.Y), math.Max(hi, q.Y)
		}
	}
	// A log axis over less than a decade shows no labelled ticks; use it only when it helps.
	if hi/lo > 10 {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	} else {
		p.Y.Label.Text = "training loss (window mean)"
	}
	for i, c := range curves {
		xy := smoothed[i]
		if len(xy) == 0 {
			continue
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return figure.Grid{}, err
		}
		l.Color, l.Width = figure.NColor(s.Ns, c.Column), vg.Points(1.2)
		name := reports.KindName(c.Model) + " N=" + strconv.Itoa(c.N)
		if c.Source != "" {
			for i, src := range s.Sources {
				if src.Name == c.Source {
					l.Dashes = figure.Dashes[(i+1)%len(figure.Dashes)]
				}
			}
			name += " " + c.Source
		}
		p.Add(l)
		p.Legend.Add(name, l)
	}
	p.Legend.Top = true
	p.Legend.XOffs = vg.Inch * 2.1
	return figure.Grid{
		Title: fmt.Sprintf("%s — training loss — profile %s", s.ID, profile),
		Plots: [][]*plot.Plot{{p}}, TileW: vg.Inch * 6.2, TileH: vg.Inch * 4.2, ExtraRight: vg.Inch * 2.1,
	}, nil
}

// stride subsamples a sample set for drawing (figure.Stride).
func stride(p reports.Points, max int) plotter.XYs { return figure.Stride(p.X, p.D, max) }
