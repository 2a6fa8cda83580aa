package figure

// Axes: where a panel's axes go and how much of what was drawn falls outside them.

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/plot/plotter"
)

// Quantile is the q-quantile of v (nearest rank below), 0 for an empty v.
func Quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[int(q*float64(len(s)-1))]
}

// Box is an axis range; for scatter panels it is square so both axes have equal scale.
type Box struct{ X0, X1, Y0, Y1 float64 }

func (b Box) contains(p plotter.XY) bool {
	return p.X >= b.X0 && p.X <= b.X1 && p.Y >= b.Y0 && p.Y <= b.Y1
}

// RangeOf is a square Box around the central 99 % of the reference points, widened by pad
// so that samples that miss the target a little are still on the axes.
func RangeOf(ref plotter.XYs, d int, pad float64) Box {
	if len(ref) == 0 {
		return Box{X0: -1, X1: 1, Y0: -1, Y1: 1}
	}
	xs := make([]float64, len(ref))
	ys := make([]float64, len(ref))
	for i, p := range ref {
		xs[i], ys[i] = p.X, p.Y
	}
	x0, x1 := Quantile(xs, 0.005), Quantile(xs, 0.995)
	y0, y1 := Quantile(ys, 0.005), Quantile(ys, 0.995)
	h := math.Max(x1-x0, y1-y0) / 2 * pad
	if d == 1 {
		h = (x1 - x0) / 2 * pad
	}
	if h <= 0 {
		h = 1
	}
	cx, cy := (x0+x1)/2, (y0+y1)/2
	return Box{X0: cx - h, X1: cx + h, Y0: cy - h, Y1: cy + h}
}

// SharedRange is the Box of panels that share axes and must show where the samples went:
// per axis the central share q of the union of the truth and every sample set (the truth
// counted like one more set of at most CapGridCell points, so it cannot outvote the samples),
// joined with RangeOf(truth) so the whole target is on the axes, squared (D ≥ 2) and padded.
// Its half-width is capped at maxZoom times the target's, keeping the target visible when a
// few samples ran far away; Layer counts what is still outside, for the title.
func SharedRange(truth plotter.XYs, sets []plotter.XYs, d int, q, pad, maxZoom float64) Box {
	t := RangeOf(truth, d, 1)
	th := (t.X1 - t.X0) / 2
	var xs, ys []float64
	add := func(xy plotter.XYs) {
		for _, p := range xy {
			xs, ys = append(xs, p.X), append(ys, p.Y)
		}
	}
	add(thin(truth, CapGridCell))
	for _, s := range sets {
		add(s)
	}
	if len(xs) == 0 || len(truth) == 0 {
		return RangeOf(truth, d, pad)
	}
	lo, hi := (1-q)/2, 1-(1-q)/2
	x0, x1 := math.Min(t.X0, Quantile(xs, lo)), math.Max(t.X1, Quantile(xs, hi))
	y0, y1 := math.Min(t.Y0, Quantile(ys, lo)), math.Max(t.Y1, Quantile(ys, hi))
	h := math.Max(x1-x0, y1-y0) / 2 * pad
	if d == 1 {
		h = (x1 - x0) / 2 * pad
	}
	// Centre on the samples' range, moved as little as needed to keep the target inside.
	centre := func(a, b, t0, t1, h float64) float64 {
		c := (a + b) / 2
		return math.Max(math.Min(c, t0+h), t1-h)
	}
	if h <= maxZoom*th {
		cx, cy := centre(x0, x1, t.X0, t.X1, h), centre(y0, y1, t.Y0, t.Y1, h)
		return Box{X0: cx - h, X1: cx + h, Y0: cy - h, Y1: cy + h}
	}
	// Capped: of the boxes of that size that hold the target, take the one holding the largest
	// summed share of each set, so a cluster several panels share is on the axes before
	// points one panel scattered everywhere.
	h = maxZoom * th
	const steps = 24
	best, bestBox := -1.0, Box{}
	for i := 0; i <= steps; i++ {
		cx := t.X1 - h + (2*h-(t.X1-t.X0))*float64(i)/steps
		for j := 0; j <= steps; j++ {
			cy := t.Y1 - h + (2*h-(t.Y1-t.Y0))*float64(j)/steps
			if d == 1 {
				cy = (t.Y0 + t.Y1) / 2
			}
			b := Box{X0: cx - h, X1: cx + h, Y0: cy - h, Y1: cy + h}
			score := 0.0
			for _, set := range sets {
				score += inShare(thin(set, 300), b, d)
			}
			// Ties (e.g. nothing but the target fits) go to the centre of the samples' range.
			score -= 1e-9 * math.Hypot(cx-centre(x0, x1, t.X0, t.X1, h), cy-centre(y0, y1, t.Y0, t.Y1, h))
			if score > best {
				best, bestBox = score, b
			}
			if d == 1 {
				break
			}
		}
	}
	return bestBox
}

// inShare is the share of xy inside b (on x alone for D = 1).
func inShare(xy plotter.XYs, b Box, d int) float64 {
	if len(xy) == 0 {
		return 0
	}
	in := 0
	for _, p := range xy {
		if d == 1 && p.X >= b.X0 && p.X <= b.X1 || d > 1 && b.contains(p) {
			in++
		}
	}
	return float64(in) / float64(len(xy))
}

// thin is Stride on points already in plotter form.
func thin(xy plotter.XYs, max int) plotter.XYs {
	if len(xy) <= max {
		return xy
	}
	out := make(plotter.XYs, 0, max)
	step := float64(len(xy)) / float64(max)
	for f := 0.0; int(f) < len(xy); f += step {
		out = append(out, xy[int(f)])
	}
	return out
}

// Outside says which share of the drawn points of a figure's panels fell outside their axes.
func Outside(out, drawn int) string {
	if drawn == 0 {
		return "no samples drawn"
	}
	f := float64(out) / float64(drawn)
	switch {
	case out == 0:
		return "every drawn sample on the axes"
	case f < 0.01:
		return fmt.Sprintf("%d of %d drawn samples (<1%%) off the axes", out, drawn)
	}
	return fmt.Sprintf("%.0f%% of the drawn samples off the axes", 100*f)
}

// OffAxes is a title suffix saying which share of the drawn points fell off the axes.
func OffAxes(frac float64) string {
	switch {
	case frac == 0:
		return ""
	case frac < 0.01:
		return " (<1% off axes)"
	}
	return fmt.Sprintf(" (%.0f%% off axes)", 100*frac)
}

// Escaped returns the points of xy outside b moved onto b's border along the ray from b's
// centre (a hair inside, so they are drawn): where those samples went, shown at the edge of
// axes that keep the target visible.
func Escaped(xy plotter.XYs, b Box) plotter.XYs {
	cx, cy := (b.X0+b.X1)/2, (b.Y0+b.Y1)/2
	hx, hy := (b.X1-b.X0)/2*0.985, (b.Y1-b.Y0)/2*0.985
	var out plotter.XYs
	for _, p := range xy {
		if b.contains(p) {
			continue
		}
		dx, dy := p.X-cx, p.Y-cy
		s := math.Max(math.Abs(dx)/hx, math.Abs(dy)/hy) // > 1 outside the box
		out = append(out, plotter.XY{X: cx + dx/s, Y: cy + dy/s})
	}
	return out
}
