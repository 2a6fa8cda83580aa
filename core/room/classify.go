package room

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/stat/distuv"
)

// DefaultFlagRate is the classifier's p: a true sample of any room source is flagged
// invalid with probability at most p = 0.001, ten times below the 1% the study allows,
// while a blend of two templates Δ ≥ 34σ0 apart (d = 256) is flagged with a margin of 5
// standard deviations (BlendMargin); the built-in rooms have Δ ≥ 36σ0.
const DefaultFlagRate = 0.001

// Classifier reads a room image like a person would: the class of its nearest template
// (Euclidean), or invalid when even that template is too far for pixel noise σ0. For a
// sample μ_k + σ0·z, |x − μ_k|²/σ0² ~ χ²_d and the nearest template is at most that far, so
// flagging when min_k |x − μ_k|² > σ0²·q, q the χ²_d quantile at 1 − p, flags at most a
// fraction p of any source's true samples (and of the composed target's, up to the
// O(exp(−Δ²/(8σ0²))) of ShareErrorBound). A blend ½(μ_j + μ_k) + σ0·z sits Δ_jk²/4 + σ0²·χ²_d
// from both, flagged when Δ_jk²/(4σ0²) exceeds q − d by a few χ²_d standard deviations √(2d).
type Classifier struct {
	nc, d, t  int
	means     []float64 // t×d, row-major
	norms     []float64 // |μ_k|²
	class     []int
	threshold float64 // σ0²·q
	noise     float64 // σ0
}

// NewClassifier builds the classifier of a valid spec with flag rate p ∈ (0, 1).
func NewClassifier(s Spec, p float64) (*Classifier, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if !(p > 0 && p < 1) {
		return nil, fmt.Errorf("room classifier: flag rate p = %v; it must lie in (0, 1) (%g is the default)", p, DefaultFlagRate)
	}
	means, class := Templates(s)
	d := s.Height * s.Width
	c := &Classifier{nc: NumClasses(s), d: d, t: len(means), class: class,
		means: make([]float64, 0, len(means)*d), norms: make([]float64, len(means))}
	for k, m := range means {
		c.means = append(c.means, m...)
		c.norms[k] = dot(m, m)
	}
	q := distuv.ChiSquared{K: float64(d)}.Quantile(1 - p)
	c.threshold = s.Noise * s.Noise * q
	c.noise = s.Noise
	return c, nil
}

// BlendMargin is how many standard deviations beyond the invalid threshold the blend
// ½(μ_j + μ_k) + σ0·z of two templates delta apart lies, when no third template is nearer:
// its squared distance to either, over σ0², has mean Δ²/(4σ0²) + d and variance
// 2d + Δ²/σ0². A room whose BlendMargin(MinSeparation) is below ~5 cannot reliably tell
// a ghost of two rooms from a room.
func (c *Classifier) BlendMargin(delta float64) float64 {
	m2 := delta * delta / (4 * c.noise * c.noise)
	d := float64(c.d)
	return (m2 + d - c.threshold/(c.noise*c.noise)) / math.Sqrt(2*d+4*m2)
}

// Threshold is σ0²·q, the squared distance beyond which a sample is invalid.
func (c *Classifier) Threshold() float64 { return c.threshold }

// Classify returns the class of x's nearest template and whether x is valid (its squared
// distance to that template is at most Threshold).
func (c *Classifier) Classify(x []float64) (class int, valid bool) {
	best, arg := math.Inf(1), 0
	for k := 0; k < c.t; k++ {
		m := c.means[k*c.d : (k+1)*c.d]
		s := 0.0
		for j, v := range x {
			t := v - m[j]
			s += t * t
		}
		if s < best {
			best, arg = s, k
		}
	}
	return c.class[arg], best <= c.threshold
}

// Counts are the classes read from a batch: Class[c] valid samples of class c, Invalid
// samples near no template.
type Counts struct {
	Class   []int
	Invalid int
}

// Total is the number of samples counted.
func (n Counts) Total() int {
	t := n.Invalid
	for _, v := range n.Class {
		t += v
	}
	return t
}

// countChunk rows are classified per matrix product (chunk × templates distances).
const countChunk = 256

// Count classifies the n = len(x)/d rows of x (row-major) with the expansion
// |x − μ|² = |x|² − 2x·μ + |μ|², the cross terms by one matrix product per chunk of rows;
// rounding is ~1e−16·|x|², far below σ0² for unit-scale images.
func (c *Classifier) Count(x []float64) (Counts, error) {
	if len(x)%c.d != 0 {
		return Counts{}, fmt.Errorf("room classifier: %d values are not rows of %d pixels", len(x), c.d)
	}
	n := len(x) / c.d
	out := Counts{Class: make([]int, c.nc)}
	cross := make([]float64, countChunk*c.t)
	mu := blas64.General{Rows: c.t, Cols: c.d, Stride: c.d, Data: c.means}
	for i0 := 0; i0 < n; i0 += countChunk {
		rows := min(countChunk, n-i0)
		xs := blas64.General{Rows: rows, Cols: c.d, Stride: c.d, Data: x[i0*c.d : (i0+rows)*c.d]}
		g := blas64.General{Rows: rows, Cols: c.t, Stride: c.t, Data: cross[:rows*c.t]}
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, xs, mu, 0, g)
		for i := 0; i < rows; i++ {
			xi := x[(i0+i)*c.d : (i0+i+1)*c.d]
			best, arg := math.Inf(1), 0
			for k, v := range g.Data[i*c.t : (i+1)*c.t] {
				if s := c.norms[k] - 2*v; s < best {
					best, arg = s, k
				}
			}
			if best+dot(xi, xi) <= c.threshold {
				out.Class[c.class[arg]]++
			} else {
				out.Invalid++
			}
		}
	}
	return out, nil
}

// Shares turns counts into fractions: one per class, then the invalid share last.
func Shares(n Counts) []float64 {
	out := make([]float64, len(n.Class)+1)
	t := float64(n.Total())
	if t == 0 {
		return out
	}
	for c, v := range n.Class {
		out[c] = float64(v) / t
	}
	out[len(n.Class)] = float64(n.Invalid) / t
	return out
}

// TotalVariation is ½ Σ |shares − target| over the classes and "invalid", where shares
// come from Shares (classes, then invalid) and target holds class weights only (the
// target has no invalid mass).
func TotalVariation(shares, target []float64) (float64, error) {
	if len(shares) != len(target)+1 {
		return 0, fmt.Errorf("total variation: %d shares for %d target classes; shares hold one entry per class plus the invalid share (use Shares)", len(shares), len(target))
	}
	tv := shares[len(target)]
	for c, t := range target {
		tv += math.Abs(shares[c] - t)
	}
	return tv / 2, nil
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}
