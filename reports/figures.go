package reports

// The study's figures: sources, composed-sample grids, SW2 against K, training loss.

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

func weightOf(s *Setting, i int) string {
	if i < len(s.Weights) {
		return fmt.Sprintf(" (w=%+g)", s.Weights[i])
	}
	return ""
}

func dimOf(s *Setting) int {
	if s.Dim > 0 {
		return s.Dim
	}
	if s.Truth.D > 0 {
		return s.Truth.D
	}
	return 2
}

// learnedKeys orders "conditional/N=1000"-style keys by model, then N numerically.
func learnedKeys(m map[string]Points) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		mi, ni, _ := strings.Cut(keys[i], "/N=")
		mj, nj, _ := strings.Cut(keys[j], "/N=")
		if mi != mj {
			return mi < mj
		}
		a := []string{ni, nj}
		sortNs(a)
		return a[0] == ni && ni != nj
	})
	return keys
}

// sourcesFigure: one panel per source, true samples (grey) with learned samples overlaid.
func sourcesFigure(s *Setting, profile string) (grid, error) {
	d := dimOf(s)
	var row []*plot.Plot
	for i, sp := range s.SourcePanels {
		w := ""
		for j, name := range s.Sources {
			if name == sp.Source {
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
			model, n, _ := strings.Cut(k, "/N=")
			c := nColor(s.Ns, n)
			r := vg.Points(1.0)
			if model == "separate" {
				c = withAlpha(c, 255)
				r = vg.Points(0.8)
			}
			frac, th, err := layer(p, stride(sp.Learned[k], per), b, d, withAlpha(c, 120), r, false)
			if err != nil {
				return grid{}, err
			}
			worst = math.Max(worst, frac)
			if th != nil && i == 0 { // same entries in every panel: one legend is enough
				p.Legend.Add(k, th)
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
func gridFigure(s *Setting, model, profile string, rs []Result) (grid, error) {
	d := dimOf(s)
	back := stride(s.Truth, capGridBack)
	b := rangeOf(stride(s.Truth, 5000), d, 1.6)
	ns := tableCols(s, rs)
	ks := tableKs(s, rs)
	find := func(n string, k int) (Points, bool) {
		want := model
		if n == "analytical" {
			want = "analytic"
		}
		for _, c := range s.Composed {
			if c.Model == want && c.N == n && c.K == k {
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
				p.Y.Label.Text = colHeader(n)
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
func sw2Figure(s *Setting, profile string, rs []Result, a agg, kinds []string) (grid, error) {
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
		name  string
		model string
		n     string
		col   color.NRGBA
		dash  []vg.Length
	}
	var ss []series
	for mi, m := range kinds {
		for _, n := range tableCols(s, rs) {
			if n == "analytical" {
				continue
			}
			ss = append(ss, series{kindName(m) + " N=" + n, m, n, nColor(s.Ns, n), dashes[mi%len(dashes)]})
		}
	}
	ss = append(ss, series{"analytic", "analytic", "analytical", analyticColor, nil})
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, sr := range ss {
		for _, k := range ks {
			if c, ok := a.lookup(s.ID, sr.model, sr.n, k, "sw2"); ok && c.Mean > 0 {
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
			c, ok := a.lookup(s.ID, sr.model, sr.n, k, "sw2")
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
		line.Color, line.Dashes, line.Width = sr.col, sr.dash, vg.Points(1.3)
		points.Color, points.Radius, points.Shape = sr.col, vg.Points(2), draw.CircleGlyph{}
		eb, err := plotter.NewYErrorBars(pts)
		if err != nil {
			return grid{}, err
		}
		eb.Color = sr.col
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
func lossFigure(s *Setting, profile string) (grid, error) {
	p := newPlot("")
	p.X.Label.Text = "iteration"
	p.Y.Label.Text = "training loss (window mean, log axis)"
	curves := append([]LossCurve(nil), s.Loss...)
	sort.SliceStable(curves, func(i, j int) bool {
		if curves[i].Model != curves[j].Model {
			return curves[i].Model < curves[j].Model
		}
		a := []string{curves[i].N, curves[j].N}
		sortNs(a)
		return a[0] == curves[i].N && curves[i].N != curves[j].N
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
		l.Color, l.Width = nColor(s.Ns, c.N), vg.Points(1.2)
		name := kindName(c.Model) + " N=" + c.N
		if c.Source != "" {
			for i, src := range s.Sources {
				if src == c.Source {
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
