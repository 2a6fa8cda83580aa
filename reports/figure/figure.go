// Package figure holds what every study's figures share: the palette, subsampling, axes,
// Scatter and density layers, and the tiled grid renderer that writes one figure as PNG and
// SVG. The figures themselves live with their study (reports/<study>).
package figure

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"os"
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
	Palette = []color.NRGBA{
		{230, 159, 0, 255},   // orange
		{86, 180, 233, 255},  // sky blue
		{0, 158, 115, 255},   // bluish green
		{204, 121, 167, 255}, // reddish purple
		{0, 114, 178, 255},   // blue
		{240, 228, 66, 255},  // yellow
	}
	AnalyticColor = color.NRGBA{213, 94, 0, 255}
	TruthColor    = color.NRGBA{80, 80, 80, 255}
	FaintColor    = color.NRGBA{205, 205, 205, 255}
	Dashes        = [][]vg.Length{nil, {vg.Points(5), vg.Points(3)}, {vg.Points(1.5), vg.Points(2)}, {vg.Points(6), vg.Points(2), vg.Points(1.5), vg.Points(2)}}
)

// Point caps per drawn set keep files small and drawing fast; subsampling is a fixed Stride,
// so figures are deterministic and, for sorted inputs, stratified.
const (
	CapTruth    = 1500
	CapGridCell = 1000
	CapGridBack = 600
	dpi         = 96
)

// WithAlpha is c with opacity a.
func WithAlpha(c color.NRGBA, a uint8) color.NRGBA { c.A = a; return c }

// NColor colours a column: its pool size's place among the setting's learned Ns, or
// vermillion for exact scores.
func NColor(ns []int, c cell.Column) color.NRGBA {
	if c.IsExact() {
		return AnalyticColor
	}
	for i, n := range ns {
		if n == c.N {
			return Palette[i%len(Palette)]
		}
	}
	return Palette[len(ns)%len(Palette)]
}

// Stride returns up to max rows of the row-major n×d points x (first two coordinates; one
// for d = 1), dropping non-finite rows.
func Stride(x []float64, d int, max int) plotter.XYs {
	if d <= 0 || len(x) < d {
		return nil
	}
	n := len(x) / d
	step := 1.0
	if n > max {
		step = float64(n) / float64(max)
	}
	var xy plotter.XYs
	for f := 0.0; int(f) < n; f += step {
		i := int(f)
		u := x[i*d]
		v := 0.0
		if d > 1 {
			v = x[i*d+1]
		}
		if math.IsNaN(u) || math.IsInf(u, 0) || math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		xy = append(xy, plotter.XY{X: u, Y: v})
	}
	return xy
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

// New is a plot with the report's fonts and tick labels.
func New(title string) *plot.Plot {
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

// SetBox fixes the axes; call it after adding data, because Plot.Add widens them to the data.
func SetBox(p *plot.Plot, b Box, d int) {
	p.X.Min, p.X.Max = b.X0, b.X1
	if d > 1 {
		p.Y.Min, p.Y.Max = b.Y0, b.Y1
	}
}

// Scatter is a circle-glyph scatter of xy.
func Scatter(xy plotter.XYs, c color.Color, r vg.Length) (*plotter.Scatter, error) {
	s, err := plotter.NewScatter(xy)
	if err != nil {
		return nil, err
	}
	s.GlyphStyle = draw.GlyphStyle{Color: c, Radius: r, Shape: draw.CircleGlyph{}}
	return s, nil
}

// density is a histogram density on [b.X0, b.X1] as step-line points (for D = 1 panels).
func density(xy plotter.XYs, b Box, bins int) plotter.XYs {
	w := (b.X1 - b.X0) / float64(bins)
	cnt := make([]float64, bins)
	for _, p := range xy {
		i := int((p.X - b.X0) / w)
		if i >= 0 && i < bins {
			cnt[i]++
		}
	}
	out := make(plotter.XYs, bins)
	for i := range cnt {
		out[i] = plotter.XY{X: b.X0 + (float64(i)+0.5)*w, Y: cnt[i] / (float64(len(xy)) * w)}
	}
	return out
}

// DensityLine is a histogram density of xy over b as a step line (D = 1 panels).
func DensityLine(xy plotter.XYs, b Box, c color.Color, fill color.Color) (*plotter.Line, error) {
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

// Layer adds one sample set to a panel: a Scatter for D ≥ 2, a density for D = 1. It returns
// the fraction of the drawn points that fall outside the panel.
func Layer(p *plot.Plot, xy plotter.XYs, b Box, d int, c color.NRGBA, r vg.Length, back bool) (float64, plot.Thumbnailer, error) {
	if len(xy) == 0 {
		return 0, nil, nil
	}
	out := 0
	for _, q := range xy {
		if d == 1 && (q.X < b.X0 || q.X > b.X1) || d > 1 && !b.contains(q) {
			out++
		}
	}
	frac := float64(out) / float64(len(xy))
	if d == 1 {
		var fill color.Color
		if back {
			fill = WithAlpha(c, 110)
		}
		l, err := DensityLine(xy, b, c, fill)
		if err != nil {
			return 0, nil, err
		}
		p.Add(l)
		return frac, l, nil
	}
	s, err := Scatter(xy, c, r)
	if err != nil {
		return 0, nil, err
	}
	p.Add(s)
	return frac, s, nil
}

// Grid draws plots in a grid with a figure title; Render writes PNG and SVG bytes.
type Grid struct {
	Title      string
	Subtitle   string // a second, smaller title line (e.g. what the axes show)
	Plots      [][]*plot.Plot
	TileW      vg.Length
	TileH      vg.Length
	ExtraRight vg.Length
	Square     bool // make every data area square, so scatter axes have equal scale
}

func titleStyle() text.Style {
	return text.Style{Color: color.Black, Font: font.From(plot.DefaultFont, 12), XAlign: draw.XCenter,
		YAlign: draw.YTop, Handler: plot.DefaultTextHandler}
}

const titleH = 26

// subH is the room a subtitle takes below the title.
const subH = 16

func subtitleStyle() text.Style {
	s := titleStyle()
	s.Font = font.From(plot.DefaultFont, 9)
	return s
}

func (g Grid) top() vg.Length {
	if g.Subtitle != "" {
		return titleH + subH
	}
	return titleH
}

func (g Grid) tiles(rows, cols int) draw.Tiles {
	return draw.Tiles{Rows: rows, Cols: cols, PadTop: g.top(), PadBottom: 4, PadLeft: 4, PadRight: 8 + g.ExtraRight,
		PadX: 6, PadY: 6}
}

// Render draws the grid as PNG and SVG.
func (g Grid) Render() (pngB, svgB []byte, err error) {
	rows := len(g.Plots)
	cols := 0
	for _, r := range g.Plots {
		cols = max(cols, len(r))
	}
	for i := range g.Plots { // Align needs a rectangular grid
		for len(g.Plots[i]) < cols {
			g.Plots[i] = append(g.Plots[i], nil)
		}
	}
	w := g.TileW*vg.Length(cols) + g.ExtraRight + 12
	w = max(w, titleStyle().Width(g.Title)+24, subtitleStyle().Width(g.Subtitle)+24)
	h := g.TileH*vg.Length(rows) + g.top() + 8
	if g.Square {
		// Axis decorations take fixed room, so one measurement fixes the height exactly.
		dc := draw.NewCanvas(&recorder.Canvas{}, w, h)
		cs := plot.Align(g.Plots, g.tiles(rows, cols), dc)
		if p := g.Plots[0][0]; p != nil {
			da := p.DataCanvas(cs[0][0])
			h += vg.Length(rows) * (da.Size().X - da.Size().Y)
		}
	}
	drawTo := func(c vg.CanvasWriterTo) ([]byte, error) {
		dc := draw.New(c)
		dc.FillText(titleStyle(), vg.Point{X: dc.Center().X, Y: dc.Max.Y - 6}, g.Title)
		if g.Subtitle != "" {
			dc.FillText(subtitleStyle(), vg.Point{X: dc.Center().X, Y: dc.Max.Y - titleH}, g.Subtitle)
		}
		cs := plot.Align(g.Plots, g.tiles(rows, cols), dc)
		for i := range g.Plots {
			for j, p := range g.Plots[i] {
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

// Save writes one plot as base.png and base.svg.
func Save(p *plot.Plot, base string, w, h vg.Length) error {
	for _, ext := range []string{".png", ".svg"} {
		if err := p.Save(w, h, base+ext); err != nil {
			return fmt.Errorf("saving %s%s: %w", base, ext, err)
		}
	}
	return nil
}

// XYErrs is points with asymmetric vertical error bars (a plotter.YErrorer); keep Lo below
// the value on a log axis.
type XYErrs struct {
	plotter.XYs
	Lo, Hi []float64
}

// YError is the i-th point's (down, up) error.
func (e XYErrs) YError(i int) (float64, float64) { return e.Lo[i], e.Hi[i] }

// Add appends (x, y) with a symmetric error bar err; a y that is not finite (a value that
// does not apply) is left out, and a NaN err draws no bar.
func (e *XYErrs) Add(x, y, err float64) {
	if math.IsNaN(y) || math.IsInf(y, 0) {
		return
	}
	if math.IsNaN(err) {
		err = 0
	}
	e.XYs = append(e.XYs, plotter.XY{X: x, Y: y})
	e.Lo, e.Hi = append(e.Lo, err), append(e.Hi, err)
}

// Save renders the grid and writes base.png and base.svg.
func (g Grid) Save(base string) error {
	png, svg, err := g.Render()
	if err != nil {
		return err
	}
	if err := os.WriteFile(base+".png", png, 0o644); err != nil {
		return err
	}
	return os.WriteFile(base+".svg", svg, 0o644)
}
