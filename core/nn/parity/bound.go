package parity

import "math"

// U is the unit roundoff of float32: every correctly rounded float32 operation has a
// relative error of at most U.
const U = 0x1p-24

// Gamma is γ_n = n·U/(1 − n·U), the classic bound on the relative error of a float32 sum
// or dot product of n terms in any order (Higham, Accuracy and Stability, §3.1), measured
// against the sum of the terms' absolute values.
func Gamma(n int) float64 { return float64(n) * U / (1 - float64(n)*U) }

// ActULP bounds the error of a float32 SiLU, in units of U times the magnitude of its
// terms: exp to 2 ulp, 1 + e, the reciprocal or division and the product with z each add
// one rounding (6), rounded up to 8 for the Newton-refined reciprocal of the SIMD kernels.
const ActULP = 8

// SiLU's derivative is bounded by siluL1 and its second derivative by siluL2 (at z = 0).
const (
	siluL1 = 1.0999
	siluL2 = 0.5
)

// Net is an MLP with SiLU hidden layers in float64, read from compdiff's flat parameter
// layout (per layer W as In×Out row-major, then the bias).
type Net struct {
	Layers []Layer
}

// Layer is y = x·W + B.
type Layer struct {
	In, Out int
	W, B    []float64
}

// NewNet splits p into layers of in → width (depth times) → out.
func NewNet(p []float64, in, out, width, depth int) *Net {
	n := &Net{}
	off := 0
	for l := 0; l <= depth; l++ {
		o := width
		if l == depth {
			o = out
		}
		n.Layers = append(n.Layers, Layer{In: in, Out: o, W: p[off : off+in*o], B: p[off+in*o : off+(in+1)*o]})
		off += (in + 1) * o
		in = o
	}
	if off != len(p) {
		panic("parity: parameter vector does not match the shape")
	}
	return n
}

// Pass is a float64 forward pass with a bound on the error of a float32 implementation:
// Out[k] is the exact output and Err[k] bounds |float32 output − Out[k]| to first order.
type Pass struct {
	Out, Err []float64
	// per hidden layer: inputs, their bounds, pre-activations and their bounds
	h, hErr, z, zErr [][]float64
	rows             int
}

// Forward evaluates n on rows inputs x. inErr (nil for exact inputs) bounds how far the
// float32 implementation's inputs may be from x. Per layer, with k = fan-in and ĥ the
// implementation's input: |ẑ − z| ≤ E·|W| + γ_{k+1}·((|h| + E)·|W| + |b|); SiLU adds
// L1·|δz| + ActULP·U·|SiLU(z)|.
func (n *Net) Forward(x []float64, rows int, inErr []float64) *Pass {
	p := &Pass{rows: rows}
	h := x
	e := inErr
	if e == nil {
		e = make([]float64, len(x))
	}
	last := len(n.Layers) - 1
	for li, l := range n.Layers {
		z := make([]float64, rows*l.Out)
		ez := make([]float64, rows*l.Out)
		g := Gamma(l.In + 1)
		for i := 0; i < rows; i++ {
			hi, ei := h[i*l.In:(i+1)*l.In], e[i*l.In:(i+1)*l.In]
			for j := 0; j < l.Out; j++ {
				v, prop, abs := l.B[j], 0.0, math.Abs(l.B[j])
				for k, hk := range hi {
					w := l.W[k*l.Out+j]
					v += hk * w
					prop += ei[k] * math.Abs(w)
					abs += (math.Abs(hk) + ei[k]) * math.Abs(w)
				}
				z[i*l.Out+j], ez[i*l.Out+j] = v, prop+g*abs
			}
		}
		if li == last {
			p.Out, p.Err = z, ez
			break
		}
		a := make([]float64, len(z))
		ea := make([]float64, len(z))
		for k, v := range z {
			a[k] = silu(v)
			ea[k] = siluL1*ez[k] + ActULP*U*(math.Abs(a[k])+siluL1*ez[k]) + 1e-30
		}
		p.h, p.hErr = append(p.h, h), append(p.hErr, e)
		p.z, p.zErr = append(p.z, z), append(p.zErr, ez)
		h, e = a, ea
	}
	p.h, p.hErr = append(p.h, h), append(p.hErr, e) // input of the output layer
	return p
}

func silu(z float64) float64 { return z / (1 + math.Exp(-z)) }

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// LossGrad is the loss L = (1/rows)·Σ (out − target)², its gradient in the flat layout and
// first-order bounds on the errors of a float32 implementation (forward as in Forward; the
// loss summed in float32 or better; every backward product bounded like the forward ones,
// with γ over its own inner dimension).
func (n *Net) LossGrad(x, target []float64, rows int) (loss, lossErr float64, grad, gradErr []float64) {
	p := n.Forward(x, rows, nil)
	out, eo := p.Out, p.Err
	dg := make([]float64, len(out))
	edg := make([]float64, len(out))
	for k, o := range out {
		r := o - target[k]
		loss += r * r
		lossErr += 2*math.Abs(r)*eo[k] + eo[k]*eo[k]
		dg[k] = 2 * r / float64(rows)
		edg[k] = 2*eo[k]/float64(rows) + 3*U*math.Abs(dg[k])
	}
	loss /= float64(rows)
	lossErr = lossErr/float64(rows) + Gamma(len(out)+2)*loss

	size := 0
	for _, l := range n.Layers {
		size += (l.In + 1) * l.Out
	}
	grad, gradErr = make([]float64, size), make([]float64, size)
	off := size
	g, eg := dg, edg
	for li := len(n.Layers) - 1; li >= 0; li-- {
		l := n.Layers[li]
		off -= (l.In + 1) * l.Out
		h, eh := p.h[li], p.hErr[li]
		gr := Gamma(rows)
		// [h, 1]ᵀ·g: row k of the weight block, then the bias row.
		for k := 0; k <= l.In; k++ {
			for j := 0; j < l.Out; j++ {
				v, prop, abs := 0.0, 0.0, 0.0
				for i := 0; i < rows; i++ {
					hk, ek := 1.0, 0.0
					if k < l.In {
						hk, ek = h[i*l.In+k], eh[i*l.In+k]
					}
					gi, egi := g[i*l.Out+j], eg[i*l.Out+j]
					v += hk * gi
					prop += ek*math.Abs(gi) + math.Abs(hk)*egi
					abs += (math.Abs(hk) + ek) * (math.Abs(gi) + egi)
				}
				grad[off+k*l.Out+j], gradErr[off+k*l.Out+j] = v, prop+gr*abs
			}
		}
		if li == 0 {
			break
		}
		// (g·Wᵀ) ⊙ SiLU'(z) for the layer below.
		z, ez := p.z[li-1], p.zErr[li-1]
		ng := make([]float64, rows*l.In)
		neg := make([]float64, rows*l.In)
		gw := Gamma(l.Out)
		for i := 0; i < rows; i++ {
			for k := 0; k < l.In; k++ {
				q, prop, abs := 0.0, 0.0, 0.0
				for j := 0; j < l.Out; j++ {
					w := l.W[k*l.Out+j]
					q += g[i*l.Out+j] * w
					prop += eg[i*l.Out+j] * math.Abs(w)
					abs += (math.Abs(g[i*l.Out+j]) + eg[i*l.Out+j]) * math.Abs(w)
				}
				eq := prop + gw*abs
				zk := z[i*l.In+k]
				s := sigmoid(zk)
				d := s * (1 + zk*(1-s))
				ed := siluL2*ez[i*l.In+k] + ActULP*U*(s+math.Abs(zk)*s*(1-s))
				ng[i*l.In+k] = q * d
				neg[i*l.In+k] = eq*math.Abs(d) + math.Abs(q)*ed + eq*ed + U*math.Abs(q*d)
			}
		}
		g, eg = ng, neg
	}
	return loss, lossErr, grad, gradErr
}

// Scores is the float64 reference of a conditional score network's per-source scores
// −ε̂(s, x, onehot(a))/σ at n points x (row-major n×d) and the bound on a float32
// implementation's error. The network sees float32(s) and float32(x), as in compdiff and
// PyTorch; xErr (nil for none) bounds how far the implementation's x may be from x before
// that rounding (which may then land one float32 step away, so U·|x| is added). sigmaRel
// is the relative error of σ in the implementation (0 for float64).
func (n *Net) Scores(s float64, x, xErr []float64, d, sources int, sigma, sigmaRel float64) (ref, bound [][]float64) {
	pts := len(x) / d
	in := 1 + d + sources
	rows := make([]float64, sources*pts*in)
	var rowErr []float64
	if xErr != nil {
		rowErr = make([]float64, len(rows))
	}
	for a := 0; a < sources; a++ {
		for i := 0; i < pts; i++ {
			k := (a*pts + i) * in
			rows[k] = float64(float32(s))
			for j := 0; j < d; j++ {
				rows[k+1+j] = float64(float32(x[i*d+j]))
				if xErr != nil {
					rowErr[k+1+j] = xErr[i*d+j] + U*math.Abs(x[i*d+j])
				}
			}
			rows[k+1+d+a] = 1
		}
	}
	p := n.Forward(rows, sources*pts, rowErr)
	for a := 0; a < sources; a++ {
		sa, ba := make([]float64, pts*d), make([]float64, pts*d)
		for k := range sa {
			sa[k] = -p.Out[a*pts*d+k] / sigma
			ba[k] = p.Err[a*pts*d+k]/sigma + math.Abs(sa[k])*(sigmaRel+1e-15)
		}
		ref, bound = append(ref, sa), append(bound, ba)
	}
	return ref, bound
}
