package reports

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
)

func weightOf(s *SettingResults, i int) string {
	if i < len(s.Sources) {
		return fmt.Sprintf(" (w=%+g)", s.Sources[i].Weight)
	}
	return ""
}

func dimOf(s *SettingResults) int {
	if s.Dim > 0 {
		return s.Dim
	}
	if s.TruthSample.D > 0 {
		return s.TruthSample.D
	}
	return 2
}

// learnedKeys orders the learned models of a panel by kind, then pool size.
func learnedKeys(m map[cell.Column]Points) []cell.Column {
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
func sourcesFigure(s *SettingResults, profile string) (grid, error) {
	d := dimOf(s)
	var row []*plot.Plot
	for i, sp := range s.SourcePanels {
		w := ""
		for j, src := range s.Sources {
			if src.Name == sp.Source {
				w = weightOf(s, j)
			}
		}
		p := newPlot("source " + sp.Source + w)
		truth := stride(sp.True, capTruth)
		b := rangeOf(truth, d, 1.3)
		if _, th, err := layer(p, truth, b, d, withAlpha(truthColor, 140), vg.Points(1.1), true); err != nil {
			return grid{}, err
		} else if th != nil && i == 0 {
			p.Legend.Add("true", th)
		}
		keys := learnedKeys(sp.Learned)
		per := max(300, 3000/(1+len(keys)))
		worst := 0.0
		for _, k := range keys {
			c := nColor(s.Ns, k)
			r := vg.Points(1.0)
			if k.Model == cell.Separate {
				c = withAlpha(c, 255)
				r = vg.Points(0.8)
			}
			frac, th, err := layer(p, stride(sp.Learned[k], per), b, d, withAlpha(c, 120), r, false)
			if err != nil {
				return grid{}, err
			}
			worst = math.Max(worst, frac)
			if th != nil && i == 0 { // same entries in every panel: one legend is enough
				p.Legend.Add(k.String(), th)
			}
		}
		setBox(p, b, d)
		p.Title.Text += offAxes(worst)
		p.Legend.Top = true
		p.Legend.Left = true
		if d == 1 {
			p.Y.Label.Text = "density"
		}
		row = append(row, p)
	}
	if len(row) == 0 {
		p := newPlot("no source samples in this study")
		row = append(row, p)
	}
	return grid{
		title: fmt.Sprintf("%s — sources: true (grey) vs learned samples — profile %s", s.ID, profile),
		plots: [][]*plot.Plot{row}, tileW: vg.Inch * 3.4, tileH: vg.Inch * 3.4, square: d > 1,
	}, nil
}

// gridFigure: composed samples, rows N (incl. analytical), columns K, truth faint behind.
func gridFigure(s *SettingResults, model cell.Model, profile string, rs []Result) (grid, error) {
	d := dimOf(s)
	back := stride(s.TruthSample, capGridBack)
	b := rangeOf(stride(s.TruthSample, 5000), d, 1.6)
	ns := tableCols(s, rs, model)
	ks := tableKs(s, rs)
	find := func(col cell.Column, k int) (Points, bool) {
		for _, c := range s.Composed {
			if c.Column == col && c.K == k {
				return c.X, true
			}
		}
		return Points{}, false
	}
	plots := make([][]*plot.Plot, len(ns))
	for i, n := range ns {
		for j, k := range ks {
			p := newPlot("")
			if _, _, err := layer(p, back, b, d, faintColor, vg.Points(0.9), true); err != nil {
				return grid{}, err
			}
			x, ok := find(n, k)
			if !ok {
				if l, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: (b.x0 + b.x1) / 2, Y: (b.y0 + b.y1) / 2}},
					Labels: []string{"not computed"}}); err == nil {
					p.Add(l)
				}
			} else {
				frac, _, err := layer(p, stride(x, capGridCell), b, d, withAlpha(nColor(s.Ns, n), 130), vg.Points(1.0), false)
				if err != nil {
					return grid{}, err
				}
				p.Title.Text = offAxes(frac)
			}
			setBox(p, b, d)
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
	return grid{
		title: fmt.Sprintf("%s — %s model: composed samples (colour) over ground truth (grey) — profile %s", s.ID, kindName(model), profile),
		plots: plots, tileW: tile, tileH: tile, square: d > 1,
	}, nil
}

// errs is a YErrorer whose lower bar is kept above zero on a log axis.
type errs struct {
	lo, hi []float64
}

func (e errs) YError(i int) (float64, float64) { return e.lo[i], e.hi[i] }

type xyErr struct {
	plotter.XYs
	errs
}

// sw2Figure: mean SW2 against K (log2 axis), one line per (model, N), error bars ± std.
func sw2Figure(s *SettingResults, profile string, rs []Result, a agg, kinds []cell.Model) (grid, error) {
	p := newPlot("")
	p.X.Label.Text = "K (particles per swarm, log2 axis)"
	p.Y.Label.Text = "SW2 (mean ± std over runs)"
	ks := tableKs(s, rs)
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
		for _, c := range tableCols(s, rs, m) {
			if c.IsExact() {
				continue
			}
			ss = append(ss, series{kindName(m) + " N=" + strconv.Itoa(c.N), c, nColor(s.Ns, c), dashes[mi%len(dashes)]})
		}
	}
	ss = append(ss, series{"analytic", cell.Exact(), analyticColor, nil})
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, sr := range ss {
		for _, k := range ks {
			if c, ok := a.lookup(s.ID, sr.col, k, "sw2"); ok && c.Mean > 0 {
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
		var pts xyErr
		off := (float64(i) - float64(len(ss)-1)/2) * 0.05 // spread error bars apart
		for _, k := range ks {
			c, ok := a.lookup(s.ID, sr.col, k, "sw2")
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
			pts.lo = append(pts.lo, l)
			pts.hi = append(pts.hi, sd)
		}
		if len(pts.XYs) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(pts.XYs)
		if err != nil {
			return grid{}, err
		}
		line.Color, line.Dashes, line.Width = sr.clr, sr.dash, vg.Points(1.3)
		points.Color, points.Radius, points.Shape = sr.clr, vg.Points(2), draw.CircleGlyph{}
		eb, err := plotter.NewYErrorBars(pts)
		if err != nil {
			return grid{}, err
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
	return grid{
		title: fmt.Sprintf("%s — SW2 against K — profile %s", s.ID, profile),
		plots: [][]*plot.Plot{{p}}, tileW: vg.Inch * 6.2, tileH: vg.Inch * 4.2, extraRight: vg.Inch * 1.9,
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
func lossFigure(s *SettingResults, profile string) (grid, error) {
	p := newPlot("")
	p.X.Label.Text = "iteration"
	p.Y.Label.Text = "training loss (window mean, log axis)"
	curves := append([]LossCurve(nil), s.Loss...)
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
			return grid{}, err
		}
		l.Color, l.Width = nColor(s.Ns, c.Column), vg.Points(1.2)
		name := kindName(c.Model) + " N=" + strconv.Itoa(c.N)
		if c.Source != "" {
			for i, src := range s.Sources {
				if src.Name == c.Source {
					l.Dashes = dashes[(i+1)%len(dashes)]
				}
			}
			name += " " + c.Source
		}
		p.Add(l)
		p.Legend.Add(name, l)
	}
	p.Legend.Top = true
	p.Legend.XOffs = vg.Inch * 2.1
	return grid{
		title: fmt.Sprintf("%s — training loss — profile %s", s.ID, profile),
		plots: [][]*plot.Plot{{p}}, tileW: vg.Inch * 6.2, tileH: vg.Inch * 4.2, extraRight: vg.Inch * 2.1,
	}, nil
}
