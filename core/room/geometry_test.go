package room

import (
	"math"
	"testing"
)

// The built-in rooms: the painting never meets the couch, the table covers part of it,
// all 16 templates differ, and the closest two are far apart in units of σ0 (the classifier
// needs Δ²/(4σ0²) well above q − d ≈ 74 to flag blends; see TestClassifierFlagsBlends).
func TestDefaultGeometry(t *testing.T) {
	overlap := func(s Spec) int {
		a, b := Region(s, 0), Region(s, 1)
		n := 0
		for px := range a {
			if a[px] && b[px] {
				n++
			}
		}
		return n
	}
	p, tb := PaintingRoom(), TableRoom()
	if n := overlap(p); n != 0 {
		t.Errorf("painting and couch share %d pixels; they must be disjoint", n)
	}
	if n := overlap(tb); n == 0 {
		t.Errorf("table and couch share no pixel; the table must cover part of the couch")
	}
	for _, s := range []Spec{p, tb} {
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		means, class := Templates(s)
		if len(means) != 16 || len(class) != 16 {
			t.Fatalf("%s room: %d templates, want 1 + 3 + 3 + 9 = 16", s.Objects[1].Name, len(means))
		}
		delta, j, k := MinSeparation(s)
		if delta < 30*s.Noise {
			t.Errorf("%s room: MinSeparation %.4g = %.3gσ0 between templates %d and %d; want ≥ 30σ0", s.Objects[1].Name, delta, delta/s.Noise, j, k)
		}
		t.Logf("%s room: σ0 = %g, MinSeparation Δ = %.4f = %.2fσ0 (templates %d %s and %d %s), table/couch overlap %d px",
			s.Objects[1].Name, s.Noise, delta, delta/s.Noise, j, ClassName(s, class[j]), k, ClassName(s, class[k]), overlap(s))
	}
	// The table drawn over the couch hides some couch pixels: couch+table differs from
	// couch alone on pixels the couch had painted.
	st := []int{1, 1}
	both, couch := Draw(tb, st), Draw(tb, []int{1, -1})
	hidden := 0
	for px := range both {
		if both[px] != couch[px] && couch[px] != tb.Floor && couch[px] != tb.Wall {
			hidden++
		}
	}
	if hidden == 0 {
		t.Error("the table hides no couch pixel at placements (1, 1); later objects must paint over earlier ones")
	}
}

// One template per class of each built-in room (the middle placements), for the report.
func TestPictures(t *testing.T) {
	for _, s := range []Spec{PaintingRoom(), TableRoom()} {
		for c := 0; c < NumClasses(s); c++ {
			st := []int{-1, -1}
			for i := range st {
				if c&(1<<i) != 0 {
					st[i] = 1
				}
			}
			t.Logf("%s:\n%s", ClassName(s, c), Picture(s, Draw(s, st)))
		}
	}
}

func TestClassNamesAndStates(t *testing.T) {
	s := PaintingRoom()
	want := []string{"empty", "couch", "painting", "couch+painting"}
	for c, n := range ClassNames(s) {
		if n != want[c] {
			t.Errorf("class %d: %q, want %q", c, n, want[c])
		}
	}
	states := TemplateStates(s)
	_, class := Templates(s)
	seen := map[[2]int]bool{}
	for k, st := range states {
		key := [2]int{st[0], st[1]}
		if seen[key] {
			t.Errorf("template %d repeats state %v", k, st)
		}
		seen[key] = true
		c := 0
		for i, p := range st {
			if p >= 0 {
				c |= 1 << i
			}
		}
		if c != class[k] {
			t.Errorf("template %d: state %v is class %d, Templates says %d", k, st, c, class[k])
		}
		if k > 0 && class[k] < class[k-1] {
			t.Errorf("templates are not ordered by class at %d", k)
		}
	}
}

// A source's component weight is its class weight over the class's template count.
func TestMixtureWeights(t *testing.T) {
	s := TableRoom()
	g, err := Mixture(s, []float64{1, 2, 3, 4}) // normalised to /10
	if err != nil {
		t.Fatal(err)
	}
	_, class := Templates(s)
	n := []float64{1, 3, 3, 9}
	for k, c := range class {
		want := float64(c+1) / 10 / n[c]
		if math.Abs(g.Weights[k]-want) > 1e-15 {
			t.Errorf("component %d (class %d): weight %v, want %v", k, c, g.Weights[k], want)
		}
	}
	if g.Std != s.Noise {
		t.Errorf("std %v, want σ0 = %v", g.Std, s.Noise)
	}
	for _, bad := range []struct {
		w    []float64
		want string
	}{
		{[]float64{1, 1, 1}, "3 class weights for 4 classes"},
		{[]float64{1, -1, 1, 1}, "class weight 1 is -1"},
		{[]float64{0, 0, 0, 0}, "all class weights are zero"},
	} {
		if _, err := Mixture(s, bad.w); err == nil || !contains(err.Error(), bad.want) {
			t.Errorf("Mixture(%v): error %v, want one containing %q", bad.w, err, bad.want)
		}
	}
	src := ReleasedID(ReleasedAlpha)
	src.P0 = []float64{1, 1}
	if _, err := src.Mixtures(s); err == nil || !contains(err.Error(), "source P0: room mixture: 2 class weights for 4 classes") {
		t.Errorf("Mixtures with a short P0: error %v", err)
	}
}
