package room

import (
	"fmt"
	"math"
)

// productTolerance is how far a class weight may sit from the product of its objects'
// presence probabilities (weights such as 0.5 − α carry rounding).
const productTolerance = 1e-9

// Factorized reports why the sources' conditionals are not factorized with respect to the
// base (SPEC §12), or nil when they are. A room setting is factorized when
//
//   - every source's class weights are a product of independent per-object presences
//     (Bernoullis), so that with uniform placements the objects' states are independent;
//   - each perturbation Pa changes the presence probability of a set S_a of objects
//     relative to the base P0, the sets S_a being disjoint; and
//   - no object of S_a covers, at any placement, a pixel that an object outside S_a covers
//     at any placement.
//
// Then the pixels split into the blocks M_a = regions of S_a and the rest M_b, each block's
// image depends on its own objects only, the isotropic noise keeps the blocks independent,
// and Pa(x) = pa(x_{M_a})·P0(x_{M_a^c}): Theorem 3 applies (g ≡ 0 with exact scores).
func Factorized(s Spec, base []float64, perturbations [][]float64) error {
	if err := s.Validate(); err != nil {
		return err
	}
	nObj := len(s.Objects)
	marg := make([][]float64, 0, 1+len(perturbations))
	for a, w := range append([][]float64{base}, perturbations...) {
		name := sourceName(a)
		wn, err := normalise(w, NumClasses(s), "factorized: "+name)
		if err != nil {
			return err
		}
		p, err := productForm(s, wn, name)
		if err != nil {
			return err
		}
		marg = append(marg, p)
	}
	changedBy := make([]int, nObj) // object → 1 + the perturbation changing it, 0 if none
	for a := 1; a < len(marg); a++ {
		for i := 0; i < nObj; i++ {
			if math.Abs(marg[a][i]-marg[0][i]) <= productTolerance {
				continue
			}
			if b := changedBy[i]; b != 0 {
				return fmt.Errorf("factorized: %s and %s both change the presence of %s (P0 %.6g, %s %.6g, %s %.6g); each object may be perturbed by one source only",
					sourceName(b), sourceName(a), s.Objects[i].Name, marg[0][i], sourceName(b), marg[b][i], sourceName(a), marg[a][i])
			}
			changedBy[i] = a
		}
	}
	regions := make([][]bool, nObj)
	for i := range regions {
		regions[i] = Region(s, i)
	}
	for i := 0; i < nObj; i++ {
		for j := i + 1; j < nObj; j++ {
			if changedBy[i] == changedBy[j] {
				continue // same block: they may overlap
			}
			for px, in := range regions[i] {
				if in && regions[j][px] {
					a := max(changedBy[i], changedBy[j])
					return fmt.Errorf("factorized: %s and %s both cover pixel (row %d, col %d) at some placements, and %s changes the presence of one but not the other, so its conditional is not a function of its own pixels (not factorized)",
						s.Objects[i].Name, s.Objects[j].Name, px/s.Width, px%s.Width, sourceName(a))
				}
			}
		}
	}
	return nil
}

// productForm returns the presence probabilities P(object i present) of normalised class
// weights w, or an error naming the first class whose weight is not their product.
func productForm(s Spec, w []float64, name string) ([]float64, error) {
	n := len(s.Objects)
	p := make([]float64, n)
	for c, v := range w {
		for i := 0; i < n; i++ {
			if c&(1<<i) != 0 {
				p[i] += v
			}
		}
	}
	for c, v := range w {
		prod := 1.0
		for i := 0; i < n; i++ {
			if c&(1<<i) != 0 {
				prod *= p[i]
			} else {
				prod *= 1 - p[i]
			}
		}
		if math.Abs(v-prod) > productTolerance {
			return nil, fmt.Errorf("factorized: %s gives class %q weight %.6g, but the product of its objects' presence probabilities %v is %.6g: the objects are not independent in %s (not factorized); use product-form weights such as ProductOOD", name, ClassName(s, c), v, p, prod, name)
		}
	}
	return p, nil
}

// sourceName is "P0" for index 0 and "Pa<i>" for perturbation i.
func sourceName(a int) string {
	if a == 0 {
		return "P0"
	}
	return fmt.Sprintf("Pa%d", a)
}
