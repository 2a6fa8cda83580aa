package room

import (
	"encoding/json"
	"math"
	"testing"

	"gopkg.in/yaml.v3"
)

// Each invalid-spec problem alone produces its own message.
func TestValidateEachProblem(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(s *Spec)
		want string
	}{
		{"noise zero", func(s *Spec) { s.Noise = 0 }, "noise = 0; the pixel noise σ0 must be a positive finite number"},
		{"noise nan", func(s *Spec) { s.Noise = math.NaN() }, "noise = NaN"},
		{"noise inf", func(s *Spec) { s.Noise = math.Inf(1) }, "noise = +Inf"},
		{"too large", func(s *Spec) { s.Height, s.Width = 128, 64 }, "image is 128×64 pixels"},
		{"zero size", func(s *Spec) { s.Height = 0 }, "image is 0×16 pixels"},
		{"wall rows", func(s *Spec) { s.WallRows = 17 }, "wall_rows = 17"},
		{"wall value", func(s *Spec) { s.Wall = 2 }, "room: wall = 2; pixel values must be finite and in [−1, 1]"},
		{"floor value", func(s *Spec) { s.Floor = math.Inf(-1) }, "room: floor = -Inf"},
		{"no objects", func(s *Spec) { s.Objects = nil }, "0 objects; list between 1 and 6"},
		{"seven objects", func(s *Spec) {
			for i := 0; i < 5; i++ {
				o := DefaultPainting()
				o.Name = string(rune('a' + i))
				o.Placements = o.Placements[:1]
				s.Objects = append(s.Objects, o)
			}
		}, "7 objects; list between 1 and 6"},
		{"duplicate name", func(s *Spec) { s.Objects[1].Name = "couch" }, "objects 0 and 1 share the name"},
		{"name with plus", func(s *Spec) { s.Objects[1].Name = "a+b" }, "without '+'"},
		{"name empty", func(s *Spec) { s.Objects[1].Name = "" }, "the name must be non-empty"},
		{"no placements", func(s *Spec) { s.Objects[1].Placements = nil }, `object 1 ("painting"): no placements`},
		{"outside", func(s *Spec) { s.Objects[1].Placements[2] = [2]int{1, 11} }, "at placement 2 [1 11] its pixels span rows 1..4 and columns 11..16, outside the 16×16 image"},
		{"negative", func(s *Spec) { s.Objects[0].Placements[0] = [2]int{-1, 1} }, "outside the 16×16 image"},
		{"twice", func(s *Spec) { s.Objects[1].Placements[1] = s.Objects[1].Placements[0] }, "placement 1 [1 2] is listed twice"},
		{"palette missing", func(s *Spec) { s.Objects[1].Shape = []string{"fxf"} }, `uses "x", which the palette does not define`},
		{"palette key", func(s *Spec) { s.Objects[1].Palette["ab"] = 0 }, `palette key "ab" must be a single character`},
		{"palette value", func(s *Spec) { s.Objects[1].Palette["f"] = -1.5 }, `palette["f"] = -1.5`},
		{"empty shape", func(s *Spec) { s.Objects[1].Shape = []string{"   "} }, "the shape has no opaque pixel"},
		{"too many templates", func(s *Spec) {
			o := DefaultPainting()
			o.Shape = []string{"f"}
			o.Placements = nil
			for c := 0; c < 16; c++ {
				for r := 0; r < 5; r++ {
					o.Placements = append(o.Placements, [2]int{r, c})
				}
			}
			s.Objects = []Object{o, o, o}
			s.Objects[1].Name, s.Objects[2].Name = "p2", "p3"
		}, "more than 4096 templates"},
		{"templates × pixels", func(s *Spec) {
			s.Height, s.Width, s.WallRows = 64, 64, 32
			s.Objects[1].Placements = nil
			for r := 0; r < 7; r++ {
				for c := 0; c < 10; c++ {
					s.Objects[1].Placements = append(s.Objects[1].Placements, [2]int{r, 6 * c})
				}
			}
		}, "284 templates × 4096 pixels exceeds"},
		{"hidden object", func(s *Spec) {
			tbl := DefaultTable()
			tbl.Shape = []string{"tttttttt", "tttttttt", "tttttttt", "tttttttt", "tttttttt"}
			tbl.Placements = [][2]int{{7, 1}}
			s.Objects = []Object{DefaultCouch(), tbl}
			s.Objects[0].Placements = [][2]int{{7, 1}}
		}, "are the same image"},
	} {
		s := PaintingRoom()
		c.edit(&s)
		err := s.Validate()
		if err == nil || !contains(err.Error(), c.want) {
			t.Errorf("%s: error %v\nwant one containing %q", c.name, err, c.want)
		}
	}
}

// Several problems at once are all named in one error.
func TestValidateSeveralAtOnce(t *testing.T) {
	s := TableRoom()
	s.Noise = -1
	s.Wall = 3
	s.Objects[1].Name = "couch"
	s.Objects[1].Placements = append(s.Objects[1].Placements, [2]int{14, 2})
	s.Objects[0].Shape[0] = " bbqbbb "
	err := s.Validate()
	if err == nil {
		t.Fatal("an invalid spec passed Validate")
	}
	for _, want := range []string{"noise = -1", "wall = 3", "share the name", "at placement 3 [14 2]", `uses "q"`} {
		if !contains(err.Error(), want) {
			t.Errorf("error does not name %q:\n%v", want, err)
		}
	}
}

// A room round-trips through YAML and JSON with snake_case keys, so users can write one.
func TestSpecEncodings(t *testing.T) {
	src := `
height: 8
width: 8
wall_rows: 4
wall: 0.5
floor: -0.5
noise: 0.1
objects:
  - name: box
    shape: ["xx", "xx"]
    palette: {x: -1}
    placements: [[4, 1], [4, 5]]
`
	var s Spec
	if err := yaml.Unmarshal([]byte(src), &s); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.WallRows != 4 || s.Objects[0].Placements[1] != [2]int{4, 5} || s.Objects[0].Palette["x"] != -1 {
		t.Fatalf("decoded %+v", s)
	}
	b, err := json.Marshal(PaintingRoom())
	if err != nil {
		t.Fatal(err)
	}
	var back Spec
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !contains(string(b), `"wall_rows":9`) || back.Objects[1].Name != "painting" {
		t.Errorf("JSON round trip: %s", b)
	}
	if names := ClassNames(s); len(names) != 2 || names[1] != "box" {
		t.Errorf("class names %v", names)
	}
}
