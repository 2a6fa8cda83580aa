package nn

import "math"

// Block kernels of the fused epilogues. Each works on a rows×cols block of a GEMM output
// starting at c[0] with row stride ldc; b holds the bias entries of the block's columns and
// d the matching block of stored activation derivatives (row stride ldd). The pure-Go
// versions here are the reference; kernels.go picks assembly ones (one call per block, not
// per row) that agree to a few float32 ulps when the active kernel path has them.

// biasActBlock sets c = act(c + b) on the block.
func biasActBlock(a activation, c []float32, ldc int, b []float32, rows, cols int) {
	if a == actSiLU {
		biasSiLUBlock(c, ldc, b, rows, cols)
		return
	}
	b = b[:cols]
	for i := 0; i < rows; i++ {
		row := c[i*ldc : i*ldc+cols]
		for j, v := range row {
			z := v + b[j]
			if a == actReLU {
				row[j] = max(z, 0)
			} else {
				row[j] = float32(math.Tanh(float64(z)))
			}
		}
	}
}

// biasActDerivBlock is biasActBlock that also stores act'(c + b) in d for the backward pass.
func biasActDerivBlock(a activation, c []float32, ldc int, b, d []float32, ldd, rows, cols int) {
	if a == actSiLU {
		biasSiLUDerivBlock(c, ldc, b, d, ldd, rows, cols)
		return
	}
	b = b[:cols]
	for i := 0; i < rows; i++ {
		row, dr := c[i*ldc:i*ldc+cols], d[i*ldd:i*ldd+cols]
		for j, v := range row {
			z := v + b[j]
			switch {
			case a == actTanh:
				t := float32(math.Tanh(float64(z)))
				row[j], dr[j] = t, 1-t*t
			case z > 0:
				row[j], dr[j] = z, 1
			default:
				row[j], dr[j] = 0, 0
			}
		}
	}
}

// addBiasBlock sets c += b on the block (the linear output layer).
func addBiasBlock(c []float32, ldc int, b []float32, rows, cols int) {
	b = b[:cols]
	for i := 0; i < rows; i++ {
		row := c[i*ldc : i*ldc+cols]
		for j := range row {
			row[j] += b[j]
		}
	}
}

func biasSiLUBlockGo(c []float32, ldc int, b []float32, rows, cols int) {
	b = b[:cols]
	for i := 0; i < rows; i++ {
		row := c[i*ldc : i*ldc+cols]
		for j, v := range row {
			z := v + b[j]
			row[j] = z * sigmoid(z)
		}
	}
}

// SiLU'(z) = σ(z)·(1 + z·(1 − σ(z))).
func biasSiLUDerivBlockGo(c []float32, ldc int, b, d []float32, ldd, rows, cols int) {
	b = b[:cols]
	for i := 0; i < rows; i++ {
		row, dr := c[i*ldc:i*ldc+cols], d[i*ldd:i*ldd+cols]
		for j, v := range row {
			z := v + b[j]
			s := sigmoid(z)
			row[j] = z * s
			dr[j] = s * (1 + z*(1-s))
		}
	}
}

func mulBlockGo(c []float32, ldc int, d []float32, ldd, rows, cols int) {
	for i := 0; i < rows; i++ {
		row, dr := c[i*ldc:i*ldc+cols], d[i*ldd:i*ldd+cols]
		for j := range row {
			row[j] *= dr[j]
		}
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
