package room

import (
	"fmt"
	"math"
	"strings"

	"github.com/compdiff/compdiff/core/dist"
)

// NumClasses is 2^len(objects): class c holds object i when bit i of c is set.
func NumClasses(s Spec) int { return 1 << len(s.Objects) }

// ClassName is "empty" for class 0, else the names of the present objects joined by '+'
// in object order ("couch", "painting", "couch+painting").
func ClassName(s Spec, c int) string {
	var names []string
	for i, o := range s.Objects {
		if c&(1<<i) != 0 {
			names = append(names, o.Name)
		}
	}
	if len(names) == 0 {
		return "empty"
	}
	return strings.Join(names, "+")
}

// ClassNames lists ClassName for every class in index order.
func ClassNames(s Spec) []string {
	out := make([]string, NumClasses(s))
	for c := range out {
		out[c] = ClassName(s, c)
	}
	return out
}

// TemplateStates lists, for every template in the order of Templates, the placement index
// of each object (−1 when absent). Templates run over classes 0, 1, …; within a class over
// the placement combinations, the first present object varying slowest.
func TemplateStates(s Spec) [][]int {
	var out [][]int
	n := len(s.Objects)
	for c := 0; c < NumClasses(s); c++ {
		state := make([]int, n)
		for i := range state {
			state[i] = -1
			if c&(1<<i) != 0 {
				state[i] = 0
			}
		}
		for {
			out = append(out, append([]int(nil), state...))
			i := n - 1 // mixed-radix increment, last present object fastest
			for ; i >= 0; i-- {
				if state[i] < 0 {
					continue
				}
				state[i]++
				if state[i] < len(s.Objects[i].Placements) {
					break
				}
				state[i] = 0
			}
			if i < 0 {
				break
			}
		}
	}
	return out
}

// Templates draws every template: the background with the objects of its class painted in
// object order at one combination of placements (later objects cover earlier ones). It
// returns the images (row-major, Height·Width pixels) and the class of each. The spec must
// be valid.
func Templates(s Spec) (means [][]float64, class []int) {
	for _, st := range TemplateStates(s) {
		means = append(means, Draw(s, st))
		c := 0
		for i, p := range st {
			if p >= 0 {
				c |= 1 << i
			}
		}
		class = append(class, c)
	}
	return means, class
}

// Draw renders one template: state[i] is the placement index of object i, −1 for absent.
func Draw(s Spec, state []int) []float64 {
	img := make([]float64, s.Height*s.Width)
	for r := 0; r < s.Height; r++ {
		v := s.Floor
		if r < s.WallRows {
			v = s.Wall
		}
		for c := 0; c < s.Width; c++ {
			img[r*s.Width+c] = v
		}
	}
	for i, o := range s.Objects {
		if state[i] < 0 {
			continue
		}
		o.paint(s, o.Placements[state[i]], func(px int, v float64) { img[px] = v })
	}
	return img
}

// paint calls set(pixel, value) for every opaque pixel of the object at placement p.
func (o Object) paint(s Spec, p [2]int, set func(px int, v float64)) {
	for r, row := range o.Shape {
		for c, ch := range []rune(row) {
			if ch != ' ' {
				set((p[0]+r)*s.Width+p[1]+c, o.Palette[string(ch)])
			}
		}
	}
}

// Region is the set of pixels object i covers at some placement (true = covered).
func Region(s Spec, i int) []bool {
	reg := make([]bool, s.Height*s.Width)
	for _, p := range s.Objects[i].Placements {
		s.Objects[i].paint(s, p, func(px int, _ float64) { reg[px] = true })
	}
	return reg
}

// Mixture is the source whose class c has weight classWeights[c] (normalised), spread
// uniformly over the class's placement combinations: Σ_k W(c_k)/n_{c_k} · N(μ_k, σ0² I),
// with n_c the number of templates of class c. Every source of one spec lists the same
// templates in the same order (zero-weight ones included), as truth.Rejection requires.
func Mixture(s Spec, classWeights []float64) (*dist.GMM, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	w, err := normalise(classWeights, NumClasses(s), "room mixture")
	if err != nil {
		return nil, err
	}
	means, class := Templates(s)
	count := make([]int, NumClasses(s))
	for _, c := range class {
		count[c]++
	}
	cw := make([]float64, len(means))
	for k, c := range class {
		cw[k] = w[c] / float64(count[c])
	}
	return dist.NewGMM(means, cw, s.Noise)
}

// normalise checks one class-weight vector (length, finite, ≥ 0, positive sum) and
// returns it divided by its sum.
func normalise(w []float64, classes int, what string) ([]float64, error) {
	if len(w) != classes {
		return nil, fmt.Errorf("%s: %d class weights for %d classes; give one weight per class in the order empty, 1st object, 2nd, 1st+2nd, … (bit i = object i)", what, len(w), classes)
	}
	total := 0.0
	for c, v := range w {
		if !(v >= 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: class weight %d is %v; weights must be finite and ≥ 0", what, c, v)
		}
		total += v
	}
	if !(total > 0) {
		return nil, fmt.Errorf("%s: all class weights are zero; give at least one class a positive weight", what)
	}
	out := make([]float64, len(w))
	for c, v := range w {
		out[c] = v / total
	}
	return out, nil
}

// MinSeparation is Δ = min_{j≠k} |μ_j − μ_k| over the templates, with the closest pair
// (j < k). It costs templates² × pixels / 2 (bounded by the spec limits).
func MinSeparation(s Spec) (delta float64, j, k int) {
	means, _ := Templates(s)
	best := math.Inf(1)
	for a := range means {
		for b := a + 1; b < len(means); b++ {
			d2 := 0.0
			for p, v := range means[a] {
				t := v - means[b][p]
				d2 += t * t
			}
			if d2 < best {
				best, j, k = d2, a, b
			}
		}
	}
	return math.Sqrt(best), j, k
}

// Picture renders an image as text, one line per row, dark pixels as dense characters
// (−1 → '@', +1 → ' '); for reports and test logs.
func Picture(s Spec, img []float64) string {
	const ramp = "@%#*+=-:. "
	var b strings.Builder
	for r := 0; r < s.Height; r++ {
		for c := 0; c < s.Width; c++ {
			v := math.Max(-1, math.Min(1, img[r*s.Width+c]))
			b.WriteByte(ramp[int(math.Round((v+1)/2*float64(len(ramp)-1)))])
		}
		b.WriteByte('\n')
	}
	return b.String()
}
