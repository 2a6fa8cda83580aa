package room

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/stat/distuv"
)

// MaxFlagRate is the largest ErrorBound a room may have: a true sample is flagged invalid,
// and a blend of two templates read as a room, with probability at most 0.001 — ten
// times below the 1% the study allows. The built-in rooms are far below it (~1e−19).
const MaxFlagRate = 0.001

// MaxResidualRMS is rule (ii) of the Classifier: a sample whose pixels deviate from its
// nearest template by more than half the range of pixel values [−1, 1] on average (RMS)
// shows no room at all (a diverged sample, a dark or blank image).
const MaxResidualRMS = 1.0

// Classifier reads a room image like a person would: the class of its nearest template
// (Euclidean), unless the image is not clearly that room. With μ_1 the nearest template it
// is valid when
//
//	(i)  for every other template μ_j, x lies in the half of the segment's projection nearer
//	     μ_1: t_j = (x − μ_1)·(μ_j − μ_1)/|μ_j − μ_1|² ≤ ¼, i.e.
//	     |x − μ_j|² − |x − μ_1|² ≥ ½|μ_j − μ_1|² (x sits in the inner half of μ_1's Voronoi
//	     cell along each face); and
//	(ii) the residual's RMS |x − μ_1|/√d is at most MaxResidualRMS.
//
// Rule (i) flags what a person calls warped: a ghost of two rooms (the blend ½(μ_j + μ_k)
// has t = ½), a half-drawn object (t ≈ the share of the object's contrast left out), an
// object between two places. It looks along each direction μ_j − μ_1 only, so pixel grain
// off those directions — the residual noise of a sampler stopped after finitely many steps,
// or of a learned model — does not make a clear room invalid: grain of RMS ρ·σ0 moves t_j
// by N(0, (ρσ0/Δ_1j)²). A test on |x − μ_1|² against the χ²_d quantile of true samples
// would flag such grain: at d = 256 a sample with 1.15σ0 of noise per pixel is flagged, as
// are most samples of the exact scores at 50 Euler steps.
//
// For a true sample μ_k + σ0·z, t_j = σ0·z_j/Δ_kj, so it is flagged with probability at
// most Σ_{j≠k} Φ̄(Δ_kj/(4σ0)) (plus the negligible P(σ0²χ²_d > d·MaxResidualRMS²)); a
// blend ½(μ_j + μ_k) + σ0·z is read as a room with about the same probability. ErrorBound
// is the largest of these over k.
type Classifier struct {
	nc, d, t int
	means    []float64 // t×d, row-major
	norms    []float64 // |μ_k|²
	class    []int
	halfGap  []float64 // t×t: ½|μ_j − μ_k|²
	maxRes   float64   // d·MaxResidualRMS²
	bound    float64
}

// NewClassifier builds the classifier of a valid spec.
func NewClassifier(s Spec) (*Classifier, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	means, class := Templates(s)
	d, t := s.Height*s.Width, len(means)
	c := &Classifier{nc: NumClasses(s), d: d, t: t, class: class,
		means: make([]float64, 0, t*d), norms: make([]float64, t), halfGap: make([]float64, t*t),
		maxRes: float64(d) * MaxResidualRMS * MaxResidualRMS}
	for k, m := range means {
		c.means = append(c.means, m...)
		c.norms[k] = dot(m, m)
	}
	worst := 0.0
	for k := range means {
		sum := 0.0
		for j := range means {
			if j == k {
				continue
			}
			g := dist2(means[k], means[j])
			c.halfGap[k*t+j] = g * g / 2
			sum += normalTail(g / (4 * s.Noise))
		}
		worst = math.Max(worst, sum)
	}
	c.bound = worst + distuv.ChiSquared{K: float64(d)}.Survival(c.maxRes/(s.Noise*s.Noise))
	return c, nil
}

// ErrorBound bounds the probability that a true sample of any template is flagged invalid
// (and, about as well, that a blend of two templates is read as a room): the largest over
// templates k of Σ_{j≠k} Φ̄(Δ_kj/(4σ0)), plus P(σ0²χ²_d > d·MaxResidualRMS²). A room whose
// bound exceeds MaxFlagRate has templates too close for its noise to be read reliably.
func (c *Classifier) ErrorBound() float64 { return c.bound }

// read decides one sample from e_k = |μ_k|² − 2x·μ_k (= |x − μ_k|² − |x|²) and xx = |x|².
func (c *Classifier) read(e []float64, xx float64) (class int, valid bool) {
	arg := 0
	for k, v := range e {
		if v < e[arg] {
			arg = k
		}
	}
	valid = e[arg]+xx <= c.maxRes
	gap := c.halfGap[arg*c.t : (arg+1)*c.t]
	for j, v := range e {
		if j != arg && v-e[arg] < gap[j] {
			valid = false
		}
	}
	return c.class[arg], valid
}

// Classify returns the class of x's nearest template and whether x is clearly that room.
func (c *Classifier) Classify(x []float64) (class int, valid bool) {
	e := make([]float64, c.t)
	for k := range e {
		e[k] = c.norms[k] - 2*dot(x, c.means[k*c.d:(k+1)*c.d])
	}
	return c.read(e, dot(x, x))
}

// Counts are the classes read from a batch: Class[c] valid samples of class c, Invalid
// samples that show no clear room.
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

// countChunk rows are classified per matrix product (chunk × templates cross terms).
const countChunk = 256

// Count classifies the n = len(x)/d rows of x (row-major) as Classify does, with the cross
// terms x·μ_k of a chunk of rows in one matrix product. Rule (i) compares differences of
// |x − μ_k|² in which |x|² cancels, so rounding is ~1e−16·|x|·|μ|, far below σ0·Δ.
func (c *Classifier) Count(x []float64) (Counts, error) {
	if len(x)%c.d != 0 {
		return Counts{}, fmt.Errorf("room classifier: %d values are not rows of %d pixels", len(x), c.d)
	}
	n := len(x) / c.d
	out := Counts{Class: make([]int, c.nc)}
	cross := make([]float64, countChunk*c.t)
	e := make([]float64, c.t)
	mu := blas64.General{Rows: c.t, Cols: c.d, Stride: c.d, Data: c.means}
	for i0 := 0; i0 < n; i0 += countChunk {
		rows := min(countChunk, n-i0)
		xs := blas64.General{Rows: rows, Cols: c.d, Stride: c.d, Data: x[i0*c.d : (i0+rows)*c.d]}
		g := blas64.General{Rows: rows, Cols: c.t, Stride: c.t, Data: cross[:rows*c.t]}
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, xs, mu, 0, g)
		for i := 0; i < rows; i++ {
			xi := x[(i0+i)*c.d : (i0+i+1)*c.d]
			for k, v := range g.Data[i*c.t : (i+1)*c.t] {
				e[k] = c.norms[k] - 2*v
			}
			if cl, ok := c.read(e, dot(xi, xi)); ok {
				out.Class[cl]++
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
