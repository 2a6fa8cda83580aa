package linmap

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Setup is concepts seen through a map as a setting writes them: the concepts and exactly
// one of a shear γ (x0 += γ·x1), a rotation by θ radians of the first two coordinates, or
// an explicit d×d matrix (rows). The linear-map spec family, its measurement and its report
// share it.
type Setup struct {
	Name       string      `json:"name,omitempty"` // the concepts' name, e.g. gauss-fc-id
	Background []float64   `json:"background"`
	Concepts   [][]float64 `json:"concepts"`
	Shear      *float64    `json:"shear,omitempty"`
	Rotation   *float64    `json:"rotation,omitempty"`
	Matrix     [][]float64 `json:"matrix,omitempty"`
}

// Named returns the built-in concepts by name: gauss-fc-id or gauss-fc-ood (SPEC §2).
func Named(name string) (Concepts, error) {
	switch name {
	case "gauss-fc-id":
		return GaussFCID(), nil
	case "gauss-fc-ood":
		return GaussFCOOD(), nil
	}
	return Concepts{}, fmt.Errorf("concepts %q are unknown; use gauss-fc-id or gauss-fc-ood, or give background: and variances:", name)
}

// Of is the setup's concepts.
func (s Setup) Of() Concepts { return Concepts{Background: s.Background, Concepts: s.Concepts} }

// Validate names every problem at once: the concepts', the map's, and an improper
// composition.
func (s Setup) Validate() error {
	var errs []error
	c := s.Of()
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	} else if _, err := c.ComposedDiag(); err != nil {
		errs = append(errs, err)
	}
	if _, err := s.A(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// A is the map: Shear(γ) or Rotation(θ) on the first two coordinates (identity on the
// rest), or the matrix; it must be square of the concepts' dimension and invertible.
func (s Setup) A() (*mat.Dense, error) {
	d := len(s.Background)
	given := 0
	for _, b := range []bool{s.Shear != nil, s.Rotation != nil, s.Matrix != nil} {
		if b {
			given++
		}
	}
	if given != 1 {
		return nil, fmt.Errorf("linear map: give exactly one of shear: γ, rotation: θ (radians) or matrix: [[…]] (got %d)", given)
	}
	if d < 1 {
		return nil, fmt.Errorf("linear map: the concepts have dimension 0")
	}
	A := eye(d)
	switch {
	case s.Shear != nil || s.Rotation != nil:
		if d < 2 {
			return nil, fmt.Errorf("linear map: a shear or rotation acts on two coordinates; the concepts have dimension %d", d)
		}
		var b *mat.Dense
		if s.Shear != nil {
			if !finiteF(*s.Shear) {
				return nil, fmt.Errorf("linear map: shear γ = %v; it must be finite", *s.Shear)
			}
			b = Shear(*s.Shear)
		} else {
			if !finiteF(*s.Rotation) {
				return nil, fmt.Errorf("linear map: rotation θ = %v; it must be finite", *s.Rotation)
			}
			b = Rotation(*s.Rotation)
		}
		A.Slice(0, 2, 0, 2).(*mat.Dense).Copy(b)
	default:
		if len(s.Matrix) != d {
			return nil, fmt.Errorf("linear map: matrix has %d rows; it must be %d×%d (the concepts' dimension)", len(s.Matrix), d, d)
		}
		for i, row := range s.Matrix {
			if len(row) != d {
				return nil, fmt.Errorf("linear map: matrix row %d has %d entries; it must be %d×%d", i, len(row), d, d)
			}
			for j, v := range row {
				if !finiteF(v) {
					return nil, fmt.Errorf("linear map: matrix[%d][%d] = %v; entries must be finite", i, j, v)
				}
				A.Set(i, j, v)
			}
		}
	}
	if det := mat.Det(A); math.Abs(det) < 1e-12 {
		return nil, fmt.Errorf("linear map: the map is singular (det %.3g); Theorem 6.1 needs an invertible map", det+0)
	}
	return A, nil
}

// Orthogonal tells whether AᵀA = I (to 1e−12): then noising commutes with A and naive
// sampling is exact (§7).
func Orthogonal(A mat.Matrix) bool {
	var p mat.Dense
	p.Mul(A.T(), A)
	n, _ := p.Dims()
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(p.At(i, j)-want) > 1e-12 {
				return false
			}
		}
	}
	return true
}

func finiteF(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
