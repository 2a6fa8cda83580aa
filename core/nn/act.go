package nn

import "math"

// Row kernels of the fused epilogues. Each works on one row segment: c is a piece of a
// GEMM output, b the matching bias entries, d the matching entries of the stored
// activation derivative. The pure-Go versions below are the reference; act_amd64.go may
// replace the SiLU ones with AVX-512 kernels that agree to a few float32 ulps.
var (
	biasSiLU      = biasSiLUGo
	biasSiLUDeriv = biasSiLUDerivGo
	mulRow        = mulRowGo
)

// biasAct sets c[j] = act(c[j] + b[j]).
func biasAct(a activation, c, b []float32) {
	switch a {
	case actSiLU:
		biasSiLU(c, b)
	case actReLU:
		b = b[:len(c)]
		for j, v := range c {
			c[j] = max(v+b[j], 0)
		}
	case actTanh:
		b = b[:len(c)]
		for j, v := range c {
			c[j] = float32(math.Tanh(float64(v + b[j])))
		}
	}
}

// biasActDeriv is biasAct that also stores act'(c[j] + b[j]) in d[j] for the backward pass.
func biasActDeriv(a activation, c, b, d []float32) {
	switch a {
	case actSiLU:
		biasSiLUDeriv(c, b, d)
	case actReLU:
		b, d = b[:len(c)], d[:len(c)]
		for j, v := range c {
			z := v + b[j]
			if z > 0 {
				c[j], d[j] = z, 1
			} else {
				c[j], d[j] = 0, 0
			}
		}
	case actTanh:
		b, d = b[:len(c)], d[:len(c)]
		for j, v := range c {
			t := float32(math.Tanh(float64(v + b[j])))
			c[j], d[j] = t, 1-t*t
		}
	}
}

// addBias sets c[j] += b[j] (the linear output layer).
func addBias(c, b []float32) {
	b = b[:len(c)]
	for j := range c {
		c[j] += b[j]
	}
}

func biasSiLUGo(c, b []float32) {
	b = b[:len(c)]
	for j, v := range c {
		z := v + b[j]
		c[j] = z * sigmoid(z)
	}
}

// SiLU'(z) = σ(z)·(1 + z·(1 − σ(z))).
func biasSiLUDerivGo(c, b, d []float32) {
	b, d = b[:len(c)], d[:len(c)]
	for j, v := range c {
		z := v + b[j]
		s := sigmoid(z)
		c[j] = z * s
		d[j] = s * (1 + z*(1-s))
	}
}

func mulRowGo(c, d []float32) {
	d = d[:len(c)]
	for j := range c {
		c[j] *= d[j]
	}
}

func sigmoid(z float32) float32 { return 1 / (1 + expf(-z)) }

// expf is a float32 exp accurate to about one ulp on [−87, 88] (inputs are clamped there,
// which is harmless for the sigmoid: σ saturates to 0 or 1 in float32 long before).
// Cephes' expf: x = n·ln2 + r with |r| ≤ ln2/2, exp(r) by a degree-6 polynomial, then
// scaled by 2^n through the exponent bits. The AVX-512 kernel uses the same steps.
func expf(x float32) float32 {
	x = min(max(x, -87), 88)
	// floor(x·log2e + 0.5); the +128 keeps the truncating conversion on positive numbers
	// (math.Floor is a slow call without SSE4.1).
	n := float32(int32(x*log2e+0.5+128) - 128)
	r := x - n*ln2Hi - n*ln2Lo
	z := r * r
	p := ((((((expC6*r+expC5)*r+expC4)*r+expC3)*r+expC2)*r+expC1)*z + r) + 1
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
}

const (
	log2e = 1.44269504088896341
	ln2Hi = 0.693359375
	ln2Lo = -2.12194440e-4
	expC1 = 5.0000001201e-1
	expC2 = 1.6666665459e-1
	expC3 = 4.1665795894e-2
	expC4 = 8.3334519073e-3
	expC5 = 1.3981999507e-3
	expC6 = 1.9875691500e-4
)
