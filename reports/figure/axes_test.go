package figure

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/plot/plotter"
)

func cloud(r *rand.Rand, n int, cx, cy, sd float64) plotter.XYs {
	out := make(plotter.XYs, n)
	for i := range out {
		out[i] = plotter.XY{X: cx + sd*r.NormFloat64(), Y: cy + sd*r.NormFloat64()}
	}
	return out
}

// inside: b holds c, up to rounding (1e-9 of c's size).
func inside(b Box, c Box) bool {
	e := 1e-9 * (c.X1 - c.X0)
	return b.X0 <= c.X0+e && b.X1 >= c.X1-e && b.Y0 <= c.Y0+e && b.Y1 >= c.Y1-e
}

// The shared axes hold the whole target and the samples that went elsewhere (a second mode
// 12 target-SDs away, as on gmm-ood-alt), and never zoom out beyond maxZoom.
func TestSharedRange(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	truth := cloud(r, 3000, -4, 4, 1)
	tb := RangeOf(truth, 2, 1)
	good := cloud(r, 1000, -4, 4, 1)
	// Half of a panel's samples went to a wrong mode at (8, 4).
	bad := append(cloud(r, 500, -4, 4, 1), cloud(r, 500, 8, 4, 0.5)...)
	b := SharedRange(truth, []plotter.XYs{good, bad}, 2, 0.98, 1.05, 8)
	if !inside(b, tb) {
		t.Errorf("box %+v does not hold the target's %+v", b, tb)
	}
	if f := 1 - inShare(bad, b, 2); f > 0.02 {
		t.Errorf("%.3f of the wrong mode's panel off the axes %+v", f, b)
	}
	if math.Abs((b.X1-b.X0)-(b.Y1-b.Y0)) > 1e-9 {
		t.Errorf("box %+v is not square", b)
	}
	// A panel whose samples ran far away (to (300, 300) and beyond): the box is capped at 8×
	// the target's half-width with the target inside, and of such boxes it takes the one that
	// holds a cluster two other panels share at (0, −10) — centring toward the runaways
	// (the uncapped rule) would leave that cluster off the axes.
	far := cloud(r, 1000, 300, 300, 100)
	cl := cloud(r, 1000, 0, -10, 0.3)
	b = SharedRange(truth, []plotter.XYs{far, cl, cl}, 2, 0.98, 1.05, 8)
	th := (tb.X1 - tb.X0) / 2
	if h := (b.X1 - b.X0) / 2; h > 8*th*(1+1e-9) {
		t.Errorf("half-width %.3g beyond the cap %.3g", h, 8*th)
	}
	if !inside(b, tb) || inShare(cl, b, 2) < 0.99 {
		t.Errorf("capped box %+v: target %+v, cluster share %.3f", b, tb, inShare(cl, b, 2))
	}
	// One dimension: only x matters.
	b1 := SharedRange(truth, []plotter.XYs{bad}, 1, 0.98, 1.05, 8)
	if b1.X0 > tb.X0 || b1.X1 < 8 {
		t.Errorf("1-D box %+v misses the target or the wrong mode", b1)
	}
}

// Escaped puts each outside point on the border in its direction from the centre.
func TestEscaped(t *testing.T) {
	b := Box{X0: -1, X1: 1, Y0: -1, Y1: 1}
	got := Escaped(plotter.XYs{{X: 0, Y: 0}, {X: 10, Y: 0}, {X: -3, Y: -3}, {X: 0.5, Y: 4}}, b)
	want := plotter.XYs{{X: 0.985, Y: 0}, {X: -0.985, Y: -0.985}, {X: 0.985 / 8, Y: 0.985}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if math.Abs(got[i].X-want[i].X) > 1e-12 || math.Abs(got[i].Y-want[i].Y) > 1e-12 {
			t.Errorf("point %d: got %v, want %v", i, got[i], want[i])
		}
	}
}
