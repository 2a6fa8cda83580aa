package room

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// Object is one piece of furniture: a shape drawn with palette characters (' ' is
// transparent) and the positions it may take. All fields are plain data so that a user
// can describe another object in a spec file.
type Object struct {
	// Name labels the object in class names ("couch", "couch+painting"); it must not be
	// empty, contain '+' or be "empty".
	Name string `json:"name" yaml:"name"`
	// Shape is the object as rows of characters, top row first. Rows may differ in
	// length; missing characters are transparent.
	Shape []string `json:"shape" yaml:"shape"`
	// Palette maps each character used in Shape to a pixel value in [−1, 1].
	Palette map[string]float64 `json:"palette" yaml:"palette"`
	// Placements are the (row, col) of the shape's top-left corner in the image; within
	// a class every combination of placements is equally likely.
	Placements [][2]int `json:"placements" yaml:"placements"`
}

// Spec is a room family: an image of Height×Width grayscale pixels, rows [0, WallRows)
// are wall (value Wall) and the others floor (value Floor); Objects are painted in order,
// later ones over earlier ones; every source adds isotropic pixel noise of std Noise.
type Spec struct {
	Height   int      `json:"height" yaml:"height"`
	Width    int      `json:"width" yaml:"width"`
	WallRows int      `json:"wall_rows" yaml:"wall_rows"`
	Wall     float64  `json:"wall" yaml:"wall"`
	Floor    float64  `json:"floor" yaml:"floor"`
	Objects  []Object `json:"objects" yaml:"objects"`
	Noise    float64  `json:"noise" yaml:"noise"`
}

// Limits of a room spec. The exact scores cost templates × pixels per sample, source and
// step, and MinSeparation templates² × pixels, so their product is bounded too.
const (
	MaxPixels         = 4096    // Height·Width
	MaxObjects        = 6       // 2^6 = 64 classes
	MaxTemplates      = 4096    // Π_i (1 + placements_i), all classes together
	MaxTemplatePixels = 1 << 20 // templates · pixels
)

// Validate reports every problem of the spec at once (joined), each naming the field and
// the fix; nil means Templates, Mixture and NewClassifier can use the spec.
func (s Spec) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	sizeOK := s.Height >= 1 && s.Width >= 1 && s.Height*s.Width <= MaxPixels
	if !sizeOK {
		add("room: image is %d×%d pixels; height and width must be ≥ 1 with height·width ≤ %d (16×16 is the built-in room)", s.Height, s.Width, MaxPixels)
	}
	if s.WallRows < 0 || s.WallRows > s.Height {
		add("room: wall_rows = %d; it must lie in [0, height = %d] (rows above it are wall, the others floor)", s.WallRows, s.Height)
	}
	checkValue(&errs, "room: wall", s.Wall)
	checkValue(&errs, "room: floor", s.Floor)
	if !(s.Noise > 0) || math.IsInf(s.Noise, 0) {
		add("room: noise = %v; the pixel noise σ0 must be a positive finite number (the built-in room uses %g)", s.Noise, DefaultNoise)
	}
	if len(s.Objects) == 0 || len(s.Objects) > MaxObjects {
		add("room: %d objects; list between 1 and %d (classes are subsets of the objects: 2^n of them)", len(s.Objects), MaxObjects)
	}
	seen := map[string]int{}
	templates := 1
	for i, o := range s.Objects {
		where := fmt.Sprintf("room: object %d (%q)", i, o.Name)
		switch {
		case o.Name == "" || o.Name == "empty" || strings.Contains(o.Name, "+"):
			add("%s: the name must be non-empty, not \"empty\" and without '+' (class names join object names with '+'); rename it", where)
		case seen[o.Name] > 0:
			add("%s: objects %d and %d share the name; give each object its own name", where, seen[o.Name]-1, i)
		}
		seen[o.Name] = i + 1
		o.validate(&errs, where, s, sizeOK)
		templates *= 1 + len(o.Placements)
		if templates > MaxTemplates {
			templates = MaxTemplates + 1 // keep the product from overflowing
		}
	}
	if templates > MaxTemplates {
		add("room: more than %d templates (the product over objects of 1 + placements); use fewer placements or objects", MaxTemplates)
	} else if sizeOK && templates*s.Height*s.Width > MaxTemplatePixels {
		add("room: %d templates × %d pixels exceeds %d (the cost of one exact score); use fewer placements or a smaller image", templates, s.Height*s.Width, MaxTemplatePixels)
	}
	if len(errs) == 0 {
		if err := duplicateTemplates(s); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// validate appends the problems of one object; placements are checked against the image
// only when its size is valid.
func (o Object) validate(errs *[]error, where string, s Spec, sizeOK bool) {
	add := func(format string, a ...any) { *errs = append(*errs, fmt.Errorf(format, a...)) }
	for k, v := range o.Palette {
		if utf8.RuneCountInString(k) != 1 || k == " " {
			add("%s: palette key %q must be a single character other than ' ' (space is transparent)", where, k)
		}
		checkValue(errs, fmt.Sprintf("%s: palette[%q]", where, k), v)
	}
	opaque := 0
	for r, row := range o.Shape {
		for c, ch := range []rune(row) {
			if ch == ' ' {
				continue
			}
			opaque++
			if _, ok := o.Palette[string(ch)]; !ok {
				add("%s: shape row %d column %d uses %q, which the palette does not define; add it to the palette", where, r, c, string(ch))
			}
		}
	}
	if opaque == 0 {
		add("%s: the shape has no opaque pixel; draw it with palette characters (' ' is transparent)", where)
	}
	if len(o.Placements) == 0 {
		add("%s: no placements; give at least one (row, col) of the shape's top-left corner", where)
	}
	r0, c0, r1, c1 := o.bounds()
	dup := map[[2]int]bool{}
	for k, p := range o.Placements {
		if dup[p] {
			add("%s: placement %d %v is listed twice; list each placement once", where, k, p)
		}
		dup[p] = true
		if !sizeOK || opaque == 0 {
			continue
		}
		if p[0]+r0 < 0 || p[1]+c0 < 0 || p[0]+r1 >= s.Height || p[1]+c1 >= s.Width {
			add("%s: at placement %d %v its pixels span rows %d..%d and columns %d..%d, outside the %d×%d image; move it inside", where, k, p, p[0]+r0, p[0]+r1, p[1]+c0, p[1]+c1, s.Height, s.Width)
		}
	}
}

// bounds returns the rows and columns spanned by the shape's opaque pixels.
func (o Object) bounds() (r0, c0, r1, c1 int) {
	r0, c0, r1, c1 = math.MaxInt, math.MaxInt, -1, -1
	for r, row := range o.Shape {
		for c, ch := range []rune(row) {
			if ch != ' ' {
				r0, c0, r1, c1 = min(r0, r), min(c0, c), max(r1, r), max(c1, c)
			}
		}
	}
	return
}

// checkValue refuses a pixel value that is not finite or outside [−1, 1]: the diffusion
// starts from N(0, I) and, like the paper's Normalize(0.5, 0.5), expects unit-scale data.
func checkValue(errs *[]error, field string, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < -1 || v > 1 {
		*errs = append(*errs, fmt.Errorf("%s = %v; pixel values must be finite and in [−1, 1] (the diffusion works at unit scale)", field, v))
	}
}

// duplicateTemplates reports two placements or classes that draw the same image (an
// object hidden behind a later one, or two placements identical after occlusion): the
// classes could not be told apart.
func duplicateTemplates(s Spec) error {
	means, class := Templates(s)
	states := TemplateStates(s)
	seen := make(map[string]int, len(means))
	key := make([]byte, 8*len(means[0]))
	for k, m := range means {
		for p, v := range m {
			binary.LittleEndian.PutUint64(key[8*p:], math.Float64bits(v))
		}
		if j, ok := seen[string(key)]; ok {
			return fmt.Errorf("room: templates %d (%s, placements %v) and %d (%s, placements %v) are the same image, so nothing in a sample tells them apart; an object is hidden by a later one — move it or change the order of the objects",
				j, ClassName(s, class[j]), states[j], k, ClassName(s, class[k]), states[k])
		}
		seen[string(key)] = k
	}
	return nil
}
