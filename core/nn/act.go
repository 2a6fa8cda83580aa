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
			row[j] = z / (1 + expNeg(z))
		}
	}
}

// SiLU'(z) = σ(z)·(1 + z·(1 − σ(z))). SiLU(z) is z/(1 + exp(−z)) here as in the forward
// kernel (one division instead of z·σ, and both passes agree bit for bit).
func biasSiLUDerivBlockGo(c []float32, ldc int, b, d []float32, ldd, rows, cols int) {
	b = b[:cols]
	for i := 0; i < rows; i++ {
		row, dr := c[i*ldc:i*ldc+cols], d[i*ldd:i*ldd+cols]
		for j, v := range row {
			z := v + b[j]
			e1 := 1 + expNeg(z)
			s := 1 / e1
			row[j] = z / e1
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

// expNeg is exp(−z) in float32, to about one ulp for z in [−88, 87] (inputs are clamped
// there, which is harmless for the sigmoid: σ saturates to 0 or 1 in float32 long before).
// exp(−z) = 2^n·exp(−u) with n = round(−z·log2e) and u = z + n·ln2 (|u| ≤ ln2/2, ln2 in two
// parts so u is exact); exp(−u) is a degree-6 polynomial with constant term 1, minimax in
// relative error on [−ln2/2, ln2/2] (2.6e−9 in exact arithmetic, far below float32's
// rounding). Adding 1.5·2^23 rounds to an integer without a rounding instruction. The
// assembly kernels take the same steps (with fused multiply-adds), so they agree to a few
// ulp: 19 vector operations per SiLU instead of the 24 of Cephes' expf it replaces.
func expNeg(z float32) float32 {
	z = min(max(z, -88), 87)
	n := (z*-log2e + roundMagic) - roundMagic
	u := z + n*ln2Hi + n*ln2Lo
	q := ((((((expC6*u+expC5)*u+expC4)*u+expC3)*u+expC2)*u+expC1)*u + 1)
	return q * math.Float32frombits(uint32(int32(n)+127)<<23)
}

const (
	log2e      = 1.44269504088896341
	roundMagic = 12582912 // 1.5·2^23: x + roundMagic − roundMagic is x rounded to an integer
	ln2Hi      = 0.693359375
	ln2Lo      = -2.12194440e-4
	// exp(−u) ≈ 1 + c1·u + … + c6·u⁶ (Remez, relative error, |u| ≤ ln2/2).
	expC1 = -1.0000000496403856
	expC2 = 0.5000000434374543
	expC3 = -0.16666365441265132
	expC4 = 0.041664777297649398
	expC5 = -0.0083790111619178563
	expC6 = 0.0014061240378206079
)
