package local

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/compdiff/compdiff/core/diffusion"
	"github.com/compdiff/compdiff/core/scene"
)

// EnergyFrac is the share of the Jacobian's energy the radius must hold (seed 001 §F: the
// smallest square holding 90% of Σ G²; here the smallest run of cells on the strip).
const EnergyFrac = 0.9

// Locality is what the study measures of a denoiser at one noise level under one request.
type Locality struct {
	// Radius is the mean over cells i of r_i, the smallest r such that the cells within r of i
	// hold EnergyFrac of the energy of x̂0_i's input Jacobian (0: the cell itself).
	Radius float64
	// Far is the conditioners' influence on cells farther than the patch radius from their
	// own cell, as a share of their whole influence: with I_j(i) = |x̂0(x; R)_i − x̂0(x; R∖j)_i|
	// (seed 001 eq. 10), Σ_j Σ_{|i−j|>k} E[I_j(i)²] / Σ_j Σ_i E[I_j(i)²]. NaN without a
	// requested cell or without any influence.
	Far float64
}

// Measure is the locality of f at denoising time s under the request mask: the points are
// the scenes x0 (n×d) noised as α(s)·x0 + σ(s)·ε with ε from r; patch is the radius k that
// counts as near for Far.
func Measure(f Denoiser, sp scene.Spec, mask []bool, patch int, s float64, x0 []float64, r *rand.Rand) (Locality, error) {
	d, S, P := sp.Dim(), sp.Slots, sp.Cell
	n := len(x0) / d
	if n < 1 || len(mask) != S {
		return Locality{}, fmt.Errorf("locality: %d points and a mask of %d cells for scenes of %d cells", n, len(mask), S)
	}
	al, sg := diffusion.Alpha(s), diffusion.Sigma(s)
	x := make([]float64, n*d)
	for k := range x {
		x[k] = al*x0[k] + sg*r.NormFloat64()
	}
	at := func(y []float64, _ int) ([]float64, error) { return f(s, y, mask) }
	e, err := CellEnergy(at, x, n, S, P, FDStep(s))
	if err != nil {
		return Locality{}, err
	}
	var loc Locality
	for i := 0; i < S; i++ {
		loc.Radius += float64(Radius(e[i], i, EnergyFrac)) / float64(S)
	}
	loc.Far, err = farShare(f, s, x, mask, S, P, patch)
	return loc, err
}

// FDStep is the central-difference step of the Jacobian at time s: a tenth of the scale on
// which the posterior mean turns between two templates, σ²/(2α) for templates ~2 apart,
// within [1e−3, 1]. Larger steps than that blur it; smaller ones drown the float32
// rounding of a network's ε̂ (≈ 1e−7·σ/α in x̂0) in 1/h.
func FDStep(s float64) float64 {
	al, sg := diffusion.Alpha(s), diffusion.Sigma(s)
	return math.Min(math.Max(sg*sg/(20*al), 1e-3), 1)
}

// CellEnergy is E[i][j] = (1/n)·Σ_points Σ_{a ∈ cell i, b ∈ cell j} (∂f_a/∂x_b)², the energy of
// f's input Jacobian between cells of P pixels, by central differences with step h at the
// n points x (n×S·P). f is called once, on all 2·d·n perturbed points (row-major).
func CellEnergy(f func(y []float64, n int) ([]float64, error), x []float64, n, S, P int, h float64) ([][]float64, error) {
	d := S * P
	pert := make([]float64, 2*n*d*d)
	for p := 0; p < n; p++ {
		for q := 0; q < d; q++ {
			for sign := 0; sign < 2; sign++ {
				row := pert[((p*d+q)*2+sign)*d:][:d]
				copy(row, x[p*d:(p+1)*d])
				row[q] += h * float64(1-2*sign)
			}
		}
	}
	y, err := f(pert, 2*n*d)
	if err != nil {
		return nil, err
	}
	e := make([][]float64, S)
	for i := range e {
		e[i] = make([]float64, S)
	}
	for p := 0; p < n; p++ {
		for q := 0; q < d; q++ {
			plus, minus := y[((p*d+q)*2)*d:][:d], y[((p*d+q)*2+1)*d:][:d]
			for a := 0; a < d; a++ {
				g := (plus[a] - minus[a]) / (2 * h)
				e[a/P][q/P] += g * g / float64(n)
			}
		}
	}
	return e, nil
}

// Radius is the smallest r such that Σ_{|j−i|≤r} e[j] ≥ frac·Σ_j e[j]; 0 when e is zero.
func Radius(e []float64, i int, frac float64) int {
	total := 0.0
	for _, v := range e {
		total += v
	}
	in := e[i]
	for r := 0; ; r++ {
		if in >= frac*total || (i-r <= 0 && i+r >= len(e)-1) {
			return r
		}
		if i-r-1 >= 0 {
			in += e[i-r-1]
		}
		if i+r+1 < len(e) {
			in += e[i+r+1]
		}
	}
}

// farShare is Locality.Far at the points x (already noised).
func farShare(f Denoiser, s float64, x []float64, mask []bool, S, P, patch int) (float64, error) {
	base, err := f(s, x, mask)
	if err != nil {
		return 0, err
	}
	base = append([]float64(nil), base...)
	far, all := 0.0, 0.0
	for j, on := range mask {
		if !on {
			continue
		}
		without := append([]bool(nil), mask...)
		without[j] = false
		y, err := f(s, x, without)
		if err != nil {
			return 0, err
		}
		for k, v := range y {
			diff := base[k] - v
			all += diff * diff
			if i := (k % (S * P)) / P; i-j > patch || j-i > patch {
				far += diff * diff
			}
		}
	}
	if all == 0 {
		return math.NaN(), nil
	}
	return far / all, nil
}
