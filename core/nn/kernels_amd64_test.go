package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// kernelInputs returns pre-activations covering the saturated ends, the clamp at ±87/88,
// the SiLU' zero crossing near −1.28 and ordinary values.
func kernelInputs(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	special := []float32{0, -0, 1e-30, -1e-30, 87, -87, 88, -88, 100, -100, -1.2785, 20, -20, 0.5}
	for i := range x {
		if i < len(special) {
			x[i] = special[i]
		} else {
			x[i] = float32(4 * r.NormFloat64())
		}
	}
	return x
}

// TestAVX512KernelsAgree compares the AVX-512 kernels with the pure-Go ones (and SiLU with
// float64 math) on every tail length. Both compute exp to ~1–2 ulp and differ only in
// fused vs separate roundings, so they agree to a few ulp: 5e-7 relative, plus 1e-6
// absolute for SiLU' whose value passes through zero by cancellation near z = −1.28.
// Below z = −87 the exp argument is clamped, so SiLU returns z·6e-39 instead of ~0:
// an absolute error under 1e-35, allowed.
func TestAVX512KernelsAgree(t *testing.T) {
	if !haveAVX512 {
		t.Skip("no AVX-512 on this CPU")
	}
	close := func(a, b, abs float32) bool {
		return math.Abs(float64(a-b)) <= 5e-7*math.Abs(float64(b))+float64(abs)
	}
	r := rand.New(rand.NewPCG(1, 1))
	for n := 0; n <= 70; n++ {
		z, bias := kernelInputs(r, n), make([]float32, n)
		for j := range bias {
			bias[j] = float32(0.1 * r.NormFloat64())
		}
		// Guard cells after the row must survive the masked tail.
		c1 := append(append([]float32(nil), z...), 7)
		c2 := append(append([]float32(nil), z...), 7)
		d1, d2 := make([]float32, n+1), make([]float32, n+1)
		d1[n], d2[n] = 7, 7
		biasSiLUDerivAVX512(c1[:n], bias, d1[:n])
		biasSiLUDerivGo(c2[:n], bias, d2[:n])
		c3 := append(append([]float32(nil), z...), 7)
		biasSiLUAVX512(c3[:n], bias)
		if c1[n] != 7 || d1[n] != 7 || c3[n] != 7 {
			t.Fatalf("n=%d: kernel wrote past the row", n)
		}
		for j := 0; j < n; j++ {
			zz := float64(z[j] + bias[j])
			exact := zz / (1 + math.Exp(-zz))
			if !close(c1[j], c2[j], 1e-37) || c3[j] != c1[j] || math.Abs(float64(c1[j])-exact) > 5e-7*math.Abs(exact)+1e-35 {
				t.Errorf("silu(%v): avx512 %v / %v, go %v, float64 %v", zz, c1[j], c3[j], c2[j], exact)
			}
			if !close(d1[j], d2[j], 1e-6) {
				t.Errorf("silu'(%v): avx512 %v, go %v", zz, d1[j], d2[j])
			}
		}
		m1 := append(append([]float32(nil), z...), 7)
		m2 := append([]float32(nil), z...)
		mulRowAVX512(m1[:n], bias)
		mulRowGo(m2, bias)
		for j := 0; j < n; j++ {
			if m1[j] != m2[j] {
				t.Errorf("mulRow: %v vs %v", m1[j], m2[j])
			}
		}
		if m1[n] != 7 {
			t.Fatalf("n=%d: mulRow wrote past the row", n)
		}
	}
}

// TestAVX512AdamAgrees runs three Adam steps with each kernel. The moments differ by fused
// roundings (≤ 1 ulp per step); the parameters move by ~lr per step, so they agree to
// ~1e-7·|p| + ulp(lr).
func TestAVX512AdamAgrees(t *testing.T) {
	if !haveAVX512 {
		t.Skip("no AVX-512 on this CPU")
	}
	r := rand.New(rand.NewPCG(2, 2))
	for _, n := range []int{1, 15, 16, 17, 100, 1000} {
		p0 := randMat(r, n, 1)
		p1, p2 := append([]float32(nil), p0...), append([]float32(nil), p0...)
		m1, v1, m2, v2 := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		for step := 1; step <= 3; step++ {
			g := randMat(r, n, 1)
			k := adamConsts{b1: 0.9, c1: 0.1, b2: 0.999, c2: float32(1 - 0.999), eps: 1e-8}
			k.step = float32(1e-3 / (1 - math.Pow(0.9, float64(step))))
			k.bc2sqrt = float32(math.Sqrt(1 - math.Pow(0.999, float64(step))))
			adamAVX512(p1, g, m1, v1, &k)
			adamUpdateGo(p2, g, m2, v2, &k)
		}
		for i := range p1 {
			if math.Abs(float64(p1[i]-p2[i])) > 2e-7*math.Abs(float64(p2[i]))+1e-9 {
				t.Errorf("n=%d entry %d: avx512 %v, go %v", n, i, p1[i], p2[i])
			}
		}
	}
}
