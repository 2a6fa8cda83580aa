package room

// The built-in room: 16×16 pixels, wall rows 0–8, floor rows 9–15, values in [−1, 1]
// (dark = −1). The couch stands against the wall (its back rises above the floor line),
// the painting hangs above it, the coffee table stands in front of it and covers its seat
// row. Each object has three placements three columns apart.
const (
	DefaultHeight   = 16
	DefaultWidth    = 16
	DefaultWallRows = 9
	DefaultWall     = 0.6  // light plain wall
	DefaultFloor    = -0.1 // wooden floor
	// DefaultNoise is σ0: with it the closest built-in templates are Δ = 36σ0 (table
	// room: empty vs table) and 51σ0 (painting room) apart (TestDefaultGeometry), so a
	// blend of any two is flagged by the classifier, while the grain is visible (5% of
	// the value range).
	DefaultNoise = 0.1
)

// DefaultCouch is an 8×5 couch: back, arms, seat and two legs, at rows 7–11.
func DefaultCouch() Object {
	return Object{
		Name: "couch",
		Shape: []string{
			" bbbbbb ",
			"abbbbbba",
			"assssssa",
			"assssssa",
			"l      l",
		},
		Palette:    map[string]float64{"b": -0.6, "a": -0.85, "s": -0.35, "l": -1},
		Placements: [][2]int{{7, 1}, {7, 4}, {7, 7}},
	}
}

// DefaultPainting is a 6×4 framed picture (sky, sun, hills) on the wall, rows 1–4: its
// pixels never meet the couch's (rows 7–11), so couch and painting are factorized.
func DefaultPainting() Object {
	return Object{
		Name: "painting",
		Shape: []string{
			"ffffff",
			"fccocf",
			"fhhhhf",
			"ffffff",
		},
		Palette:    map[string]float64{"f": -0.9, "c": 0.2, "o": 1, "h": -0.45},
		Placements: [][2]int{{1, 2}, {1, 5}, {1, 8}},
	}
}

// DefaultTable is a 6×4 light coffee table (top and legs), rows 10–13: drawn after the
// couch, its top covers part of the couch's seat, so couch and table are not factorized.
func DefaultTable() Object {
	return Object{
		Name: "table",
		Shape: []string{
			"tttttt",
			"tttttt",
			"l    l",
			"l    l",
		},
		Palette:    map[string]float64{"t": 0.9, "l": 0.4},
		Placements: [][2]int{{10, 2}, {10, 5}, {10, 8}},
	}
}

// DefaultRoom is the built-in room holding the couch and x (the second object, drawn
// after the couch); the classes are then (empty, couch, x, couch+x).
func DefaultRoom(x Object) Spec {
	return Spec{
		Height:   DefaultHeight,
		Width:    DefaultWidth,
		WallRows: DefaultWallRows,
		Wall:     DefaultWall,
		Floor:    DefaultFloor,
		Objects:  []Object{DefaultCouch(), x},
		Noise:    DefaultNoise,
	}
}

// PaintingRoom is DefaultRoom(DefaultPainting()): the (nearly, here exactly) factorized
// setting of the paper's Figure 2 (a, c).
func PaintingRoom() Spec { return DefaultRoom(DefaultPainting()) }

// TableRoom is DefaultRoom(DefaultTable()): the non-factorized setting of Figure 2 (b, d).
func TableRoom() Spec { return DefaultRoom(DefaultTable()) }
