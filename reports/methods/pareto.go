package methods

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports/figure"
)

// samplerShape marks a sampler the same way for every score model: FKC (every K) a filled
// circle, the naive ODE a filled square, SuperDiff AND a filled triangle, OR a ring; others a
// cross.
func samplerShape(label string) (string, draw.GlyphDrawer) {
	switch {
	case strings.HasPrefix(label, "fkc"):
		return "fkc (K on the x axis)", draw.CircleGlyph{}
	case label == "ode":
		return "ode", draw.BoxGlyph{}
	case label == "superdiff-and":
		return "superdiff-and", draw.PyramidGlyph{}
	case label == "superdiff-or":
		return "superdiff-or", draw.RingGlyph{}
	}
	return label, draw.CrossGlyph{}
}

// frontier is the Pareto frontier of points (x = NFE, y = SW2): each point whose SW2 is
// below every point's at the same or lower NFE, in NFE order.
func frontier(pts plotter.XYs) plotter.XYs {
	s := slices.Clone(pts)
	slices.SortStableFunc(s, func(a, b plotter.XY) int { return cmp.Or(cmp.Compare(a.X, b.X), cmp.Compare(a.Y, b.Y)) })
	var out plotter.XYs
	for _, p := range s {
		if len(out) == 0 || p.Y < out[len(out)-1].Y {
			if len(out) > 0 && out[len(out)-1].X == p.X {
				continue // same NFE, higher SW2: sorted, so not on the frontier
			}
			out = append(out, p)
		}
	}
	return out
}

// steps draws a frontier as a staircase: lowest SW2 reachable at ≤ NFE, up to xmax.
func steps(f plotter.XYs, xmax float64) plotter.XYs {
	var out plotter.XYs
	for i, p := range f {
		out = append(out, p)
		next := xmax
		if i+1 < len(f) {
			next = f[i+1].X
		}
		out = append(out, plotter.XY{X: next, Y: p.Y})
	}
	return out
}

// paretoFigure: mean SW2 (± SE) against NFE (log axis) for one setting; a line per score
// model through its samplers in NFE order, a marker shape per sampler, the Pareto frontier
// over every point, the legend beside the data area and margins so no point sits on an axis.
func paretoFigure(setting, profile string, rows []row, base string) error {
	byCol := map[cell.Column][]row{}
	var cols []cell.Column
	var all plotter.XYs
	fkcTicks := map[float64]string{}
	for _, r := range rows {
		if r.Setting != setting || math.IsNaN(r.NFE) || !(r.NFE > 0) || math.IsNaN(r.SW2) {
			continue
		}
		if _, ok := byCol[r.Col]; !ok {
			cols = append(cols, r.Col)
		}
		byCol[r.Col] = append(byCol[r.Col], r)
		all = append(all, plotter.XY{X: r.NFE, Y: r.SW2})
		if k, ok := strings.CutPrefix(r.Label, "fkc K="); ok {
			fkcTicks[r.NFE] = k
		}
	}
	if len(cols) == 0 {
		return nil
	}
	p := figure.New("")
	p.X.Label.Text = "NFE per sample (log axis; ticks at FKC's NFE, K below)"
	p.X.Scale = plot.LogScale{}
	var ticks []plot.Tick
	for _, x := range sortedKeys(fkcTicks) {
		ticks = append(ticks, plot.Tick{Value: x, Label: strconv.FormatFloat(x, 'g', 5, 64) + "\nK=" + fkcTicks[x]})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	if len(ticks) == 0 {
		p.X.Label.Text = "NFE per sample (log axis)"
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	xlo, xhi := math.Inf(1), math.Inf(-1)
	for _, c := range cols {
		for _, r := range byCol[c] {
			se := nz(r.SE)
			lo, hi = math.Min(lo, r.SW2-se), math.Max(hi, r.SW2+se)
			xlo, xhi = math.Min(xlo, r.NFE), math.Max(xhi, r.NFE)
		}
	}
	logY := lo > 0 && hi/lo > 30
	p.Y.Label.Text = "SW2 (mean ± SE over runs)"
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		p.Y.Label.Text = "SW2 (mean ± SE over runs, log axis)"
	}
	// The frontier first, so the data are drawn over it.
	fl, err := plotter.NewLine(steps(frontier(all), xhi*math.Pow(10, 0.2)))
	if err != nil {
		return err
	}
	fl.Color, fl.Width, fl.Dashes = color.NRGBA{A: 150}, vg.Points(2.5), []vg.Length{vg.Points(6), vg.Points(3)}
	p.Add(fl)
	p.Legend.Add("Pareto frontier (lowest SW2 at ≤ NFE)", fl)
	// Colour by pool size and dash by model kind, as in the study's SW2 figure; exact scores
	// solid vermillion.
	slices.SortStableFunc(cols, func(a, b cell.Column) int {
		return cmp.Or(cmp.Compare(a.Model, b.Model), cmp.Compare(a.Lambda, b.Lambda), cmp.Compare(a.N, b.N))
	})
	var ns []int
	type kind struct {
		m cell.Model
		l float64
	}
	var kinds []kind
	for _, c := range cols {
		if !c.IsExact() && !slices.Contains(ns, c.N) {
			ns = append(ns, c.N)
		}
		if !c.IsExact() && !slices.Contains(kinds, kind{c.Model, c.Lambda}) {
			kinds = append(kinds, kind{c.Model, c.Lambda})
		}
	}
	slices.Sort(ns)
	for _, c := range cols {
		rs := byCol[c]
		// Ties in NFE run from the highest SW2 down, so the line has no zigzag.
		slices.SortStableFunc(rs, func(a, b row) int { return cmp.Or(cmp.Compare(a.NFE, b.NFE), cmp.Compare(b.SW2, a.SW2)) })
		clr := figure.NColor(ns, c)
		var dash []vg.Length
		if k := slices.Index(kinds, kind{c.Model, c.Lambda}); k >= 0 {
			dash = figure.Dashes[k%len(figure.Dashes)]
		}
		xy := make(plotter.XYs, len(rs))
		e := figure.XYErrs{Lo: make([]float64, len(rs)), Hi: make([]float64, len(rs))}
		for k, r := range rs {
			xy[k] = plotter.XY{X: r.NFE, Y: r.SW2}
			se := nz(r.SE)
			e.Lo[k], e.Hi[k] = se, se
			if logY {
				e.Lo[k] = math.Min(se, 0.9*r.SW2)
			}
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return err
		}
		l.Color, l.Width, l.Dashes = clr, vg.Points(1.2), dash
		eb, err := plotter.NewYErrorBars(figure.XYErrs{XYs: xy, Lo: e.Lo, Hi: e.Hi})
		if err != nil {
			return err
		}
		eb.LineStyle.Color = clr
		p.Add(l, eb)
		for k, r := range rs {
			_, shape := samplerShape(r.Label)
			sc, err := plotter.NewScatter(xy[k : k+1])
			if err != nil {
				return err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: clr, Radius: vg.Points(3), Shape: shape}
			p.Add(sc)
		}
		p.Legend.Add(c.String(), l)
	}
	var seen []string
	for _, r := range rows {
		name, shape := samplerShape(r.Label)
		if r.Setting != setting || slices.Contains(seen, name) {
			continue
		}
		seen = append(seen, name)
		sc, err := plotter.NewScatter(plotter.XYs{{X: 1, Y: 1}})
		if err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(3), Shape: shape}
		p.Legend.Add(name, sc)
	}
	// Margins: a fifth of a decade on the log NFE axis, 6 % of the SW2 range (of its log
	// range on a log axis), so no point or error bar sits on an axis.
	p.X.Min, p.X.Max = xlo/math.Pow(10, 0.2), xhi*math.Pow(10, 0.2)
	if logY {
		r := math.Log10(hi / lo)
		p.Y.Min, p.Y.Max = lo/math.Pow(10, 0.06*r), hi*math.Pow(10, 0.06*r)
	} else {
		pad := 0.06 * math.Max(hi-lo, 1e-9)
		p.Y.Min, p.Y.Max = math.Max(0, lo-pad), hi+pad
		if lo-pad < 0 && lo > 0 {
			p.Y.Min = lo / 2
		}
	}
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = 7
	p.Legend.XOffs = vg.Inch * 2.1 // beside the data area, in the figure's extra right margin
	g := figure.Grid{Title: fmt.Sprintf("%s — SW2 against network evaluations per sample — profile %s", setting, profile),
		Plots: [][]*plot.Plot{{p}}, TileW: vg.Inch * 6.2, TileH: vg.Inch * 4.2, ExtraRight: vg.Inch * 2.1}
	return g.Save(base)
}

func sortedKeys(m map[float64]string) []float64 {
	out := make([]float64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func nz(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}
