package reports

// Plot helpers: palette, subsampling, axes, scatter/density layers and the tiled grid
// renderer that writes one figure as PNG and SVG. The study's figures are in figures.go.

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"sort"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/compdiff/compdiff/data/cell"
)

// Okabe–Ito: distinguishable under the common colour-vision deficiencies. Learned Ns take
// these in order; analytic scores are always vermillion, ground truth always grey.
var (
	nPalette = []color.NRGBA{
		{230, 159, 0, 255},   // orange
		{86, 180, 233, 255},  // sky blue
		{0, 158, 115, 255},   // bluish green
		{204, 121, 167, 255}, // reddish purple
		{0, 114, 178, 255},   // blue
		{240, 228, 66, 255},  // yellow
	}
	analyticColor = color.NRGBA{213, 94, 0, 255}
	truthColor    = color.NRGBA{80, 80, 80, 255}
	faintColor    = color.NRGBA{205, 205, 205, 255}
	dashes        = [][]vg.Length{nil, {vg.Points(5), vg.Points(3)}, {vg.Points(1.5), vg.Points(2)}, {vg.Points(6), vg.Points(2), vg.Points(1.5), vg.Points(2)}}
)

// Point caps per drawn set keep files small and drawing fast; subsampling is a fixed stride,
// so figures are deterministic and, for sorted inputs, stratified.
const (
	capTruth    = 1500
	capGridCell = 1000
	capGridBack = 600
	dpi         = 96
)

func withAlpha(c color.NRGBA, a uint8) color.NRGBA { c.A = a; return c }

// nColor colours a column: its pool size's place among the setting's learned Ns, or
// vermillion for exact scores.
func nColor(ns []int, c cell.Column) color.NRGBA {
	if c.IsExact() {
		return analyticColor
	}
	for i, n := range ns {
		if n == c.N {
			return nPalette[i%len(nPalette)]
		}
	}
	return nPalette[len(ns)%len(nPalette)]
}

// stride returns up to max rows of p (first two coordinates; one for D = 1), dropping
// non-finite rows.
func stride(p Points, max int) plotter.XYs {
	n := p.Len()
	if n == 0 {
		return nil
	}
	step := 1.0
	if n > max {
		step = float64(n) / float64(max)
	}
	var xy plotter.XYs
	for f := 0.0; int(f) < n; f += step {
		i := int(f)
		x := p.X[i*p.D]
		y := 0.0
		if p.D > 1 {
			y = p.X[i*p.D+1]
		}
		if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
			continue
		}
		xy = append(xy, plotter.XY{X: x, Y: y})
	}
	return xy
}

func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[int(q*float64(len(s)-1))]
}

// box is an axis range; for scatter panels it is square so both axes have equal scale.
type box struct{ x0, x1, y0, y1 float64 }

func (b box) contains(p plotter.XY) bool {
	return p.X >= b.x0 && p.X <= b.x1 && p.Y >= b.y0 && p.Y <= b.y1
}

// rangeOf is a square box around the central 99 % of the reference points, widened by pad
// so that samples that miss the target a little are still on the axes.
func rangeOf(ref plotter.XYs, d int, pad float64) box {
	if len(ref) == 0 {
		return box{-1, 1, -1, 1}
	}
	xs := make([]float64, len(ref))
	ys := make([]float64, len(ref))
	for i, p := range ref {
		xs[i], ys[i] = p.X, p.Y
	}
	x0, x1 := quantile(xs, 0.005), quantile(xs, 0.995)
	y0, y1 := quantile(ys, 0.005), quantile(ys, 0.995)
	h := math.Max(x1-x0, y1-y0) / 2 * pad
	if d == 1 {
		h = (x1 - x0) / 2 * pad
	}
	if h <= 0 {
		h = 1
	}
	cx, cy := (x0+x1)/2, (y0+y1)/2
	return box{cx - h, cx + h, cy - h, cy + h}
}

// niceTicks is plot.DefaultTicks with labels in %g form ("2500", not "2500.00").
type niceTicks struct{}

func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'g', 6, 64)
		}
	}
	return ts
}

func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = 9
	p.X.Tick.Label.Font.Size = 7
	p.Y.Tick.Label.Font.Size = 7
	p.X.Label.TextStyle.Font.Size = 8
	p.Y.Label.TextStyle.Font.Size = 8
	p.Legend.TextStyle.Font.Size = 7
	return p
}

// setBox fixes the axes; call it after adding data, because Plot.Add widens them to the data.
func setBox(p *plot.Plot, b box, d int) {
	p.X.Min, p.X.Max = b.x0, b.x1
	if d > 1 {
		p.Y.Min, p.Y.Max = b.y0, b.y1
	}
}

func scatter(xy plotter.XYs, c color.Color, r vg.Length) (*plotter.Scatter, error) {
	s, err := plotter.NewScatter(xy)
	if err != nil {
		return nil, err
	}
	s.GlyphStyle = draw.GlyphStyle{Color: c, Radius: r, Shape: draw.CircleGlyph{}}
	return s, nil
}

// density is a histogram density on [b.x0, b.x1] as step-line points (for D = 1 panels).
func density(xy plotter.XYs, b box, bins int) plotter.XYs {
	w := (b.x1 - b.x0) / float64(bins)
	cnt := make([]float64, bins)
	for _, p := range xy {
		i := int((p.X - b.x0) / w)
		if i >= 0 && i < bins {
			cnt[i]++
		}
	}
	out := make(plotter.XYs, bins)
	for i := range cnt {
		out[i] = plotter.XY{X: b.x0 + (float64(i)+0.5)*w, Y: cnt[i] / (float64(len(xy)) * w)}
	}
	return out
}

func densityLine(xy plotter.XYs, b box, c color.Color, fill color.Color) (*plotter.Line, error) {
	l, err := plotter.NewLine(density(xy, b, 40))
	if err != nil {
		return nil, err
	}
	l.StepStyle = plotter.MidStep
	l.Color = c
	l.Width = vg.Points(1.2)
	l.FillColor = fill
	return l, nil
}

// layer adds one sample set to a panel: a scatter for D ≥ 2, a density for D = 1. It returns
// the fraction of the drawn points that fall outside the panel.
func layer(p *plot.Plot, xy plotter.XYs, b box, d int, c color.NRGBA, r vg.Length, back bool) (float64, plot.Thumbnailer, error) {
	if len(xy) == 0 {
		return 0, nil, nil
	}
	out := 0
	for _, q := range xy {
		if d == 1 && (q.X < b.x0 || q.X > b.x1) || d > 1 && !b.contains(q) {
			out++
		}
	}
	frac := float64(out) / float64(len(xy))
	if d == 1 {
		var fill color.Color
		if back {
			fill = withAlpha(c, 110)
		}
		l, err := densityLine(xy, b, c, fill)
		if err != nil {
			return 0, nil, err
		}
		p.Add(l)
		return frac, l, nil
	}
	s, err := scatter(xy, c, r)
	if err != nil {
		return 0, nil, err
	}
	p.Add(s)
	return frac, s, nil
}

func offAxes(frac float64) string {
	switch {
	case frac == 0:
		return ""
	case frac < 0.01:
		return " (<1% off axes)"
	}
	return fmt.Sprintf(" (%.0f%% off axes)", 100*frac)
}

// grid draws plots in a grid with a figure title and writes PNG and SVG bytes.
type grid struct {
	title      string
	plots      [][]*plot.Plot
	tileW      vg.Length
	tileH      vg.Length
	extraRight vg.Length
	square     bool // make every data area square, so scatter axes have equal scale
}

func titleStyle() text.Style {
	return text.Style{Color: color.Black, Font: font.From(plot.DefaultFont, 12), XAlign: draw.XCenter,
		YAlign: draw.YTop, Handler: plot.DefaultTextHandler}
}

const titleH = 26

func (g grid) tiles(rows, cols int) draw.Tiles {
	return draw.Tiles{Rows: rows, Cols: cols, PadTop: titleH, PadBottom: 4, PadLeft: 4, PadRight: 8 + g.extraRight,
		PadX: 6, PadY: 6}
}

func (g grid) render() (pngB, svgB []byte, err error) {
	rows := len(g.plots)
	cols := 0
	for _, r := range g.plots {
		cols = max(cols, len(r))
	}
	for i := range g.plots { // Align needs a rectangular grid
		for len(g.plots[i]) < cols {
			g.plots[i] = append(g.plots[i], nil)
		}
	}
	w := g.tileW*vg.Length(cols) + g.extraRight + 12
	w = max(w, titleStyle().Width(g.title)+24)
	h := g.tileH*vg.Length(rows) + titleH + 8
	if g.square {
		// Axis decorations take fixed room, so one measurement fixes the height exactly.
		dc := draw.NewCanvas(&recorder.Canvas{}, w, h)
		cs := plot.Align(g.plots, g.tiles(rows, cols), dc)
		if p := g.plots[0][0]; p != nil {
			da := p.DataCanvas(cs[0][0])
			h += vg.Length(rows) * (da.Size().X - da.Size().Y)
		}
	}
	drawTo := func(c vg.CanvasWriterTo) ([]byte, error) {
		dc := draw.New(c)
		dc.FillText(titleStyle(), vg.Point{X: dc.Center().X, Y: dc.Max.Y - 6}, g.title)
		cs := plot.Align(g.plots, g.tiles(rows, cols), dc)
		for i := range g.plots {
			for j, p := range g.plots[i] {
				if p != nil {
					p.Draw(cs[i][j])
				}
			}
		}
		var buf bytes.Buffer
		if _, err := c.WriteTo(&buf); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	img := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi))}
	if pngB, err = drawTo(img); err != nil {
		return nil, nil, err
	}
	if svgB, err = drawTo(vgsvg.New(w, h)); err != nil {
		return nil, nil, err
	}
	return pngB, svgB, nil
}
