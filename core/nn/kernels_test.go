package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"

	"github.com/compdiff/compdiff/core/gemm"
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

// forEachPath runs f for every kernel path of this machine that has its own epilogue
// kernels, with that path active.
func forEachPath(t *testing.T, f func(t *testing.T, k *epiKernels)) {
	n := 0
	for _, name := range gemm.Kernels() {
		k := epiPaths[name]
		if k == nil {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			restore, err := gemm.SetKernel(name)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			if kernels() != k {
				t.Fatalf("path %s active but its epilogue kernels are not", name)
			}
			f(t, k)
		})
	}
	if n == 0 {
		t.Skip("no assembly epilogue kernels for this CPU")
	}
}

// TestKernelsAgree compares each path's block kernels with the pure-Go ones (and SiLU
// with float64 math) on blocks of every tail width, inside larger strided matrices whose
// other cells must stay untouched. Both compute exp to ~1–2 ulp and differ only in fused
// vs separate roundings and the reciprocal (Newton-refined or divided), so they agree to a
// few ulp: 5e-7 relative, plus 1e-6 absolute for SiLU' whose value passes through zero by
// cancellation near z = −1.28. Below z = −87 the exp argument is clamped, so SiLU returns
// z·6e-39 instead of ~0: an absolute error under 1e-35, allowed.
func TestKernelsAgree(t *testing.T) {
	forEachPath(t, func(t *testing.T, k *epiKernels) {
		close := func(a, b, abs float32) bool {
			return math.Abs(float64(a-b)) <= 5e-7*math.Abs(float64(b))+float64(abs)
		}
		r := rand.New(rand.NewPCG(1, 1))
		const rows, ld, lde = 3, 80, 83 // block rows, stride of c, stride of d
		for cols := 0; cols <= 70; cols++ {
			z := kernelInputs(r, rows*ld)
			bias := make([]float32, cols)
			for j := range bias {
				bias[j] = float32(0.1 * r.NormFloat64())
			}
			const guard = 7
			fresh := func(n int) []float32 {
				s := make([]float32, n)
				for i := range s {
					s[i] = guard
				}
				return s
			}
			c1, c2, c3 := slices.Clone(z), slices.Clone(z), slices.Clone(z)
			d1, d2 := fresh(rows*lde), fresh(rows*lde)
			k.biasSiLUDeriv(c1, ld, bias, d1, lde, rows, cols)
			biasSiLUDerivBlockGo(c2, ld, bias, d2, lde, rows, cols)
			k.biasSiLU(c3, ld, bias, rows, cols)
			for i := 0; i < rows; i++ {
				for j := 0; j < ld; j++ {
					k, kd := i*ld+j, i*lde+j
					if j >= cols {
						if c1[k] != z[k] || c3[k] != z[k] || (j < lde && d1[kd] != guard) {
							t.Fatalf("cols=%d: kernel wrote outside the block at (%d,%d)", cols, i, j)
						}
						continue
					}
					zz := float64(z[k] + bias[j])
					exact := zz / (1 + math.Exp(-zz))
					if !close(c1[k], c2[k], 1e-35) || c3[k] != c1[k] || math.Abs(float64(c1[k])-exact) > 5e-7*math.Abs(exact)+1e-35 {
						t.Errorf("silu(%v): kernel %v / %v, go %v, float64 %v", zz, c1[k], c3[k], c2[k], exact)
					}
					if !close(d1[kd], d2[kd], 1e-6) {
						t.Errorf("silu'(%v): kernel %v, go %v", zz, d1[kd], d2[kd])
					}
				}
			}
			m1, m2 := slices.Clone(z), slices.Clone(z)
			k.mul(m1, ld, d2, lde, rows, cols)
			mulBlockGo(m2, ld, d2, lde, rows, cols)
			for k := range m1 {
				if m1[k] != m2[k] {
					t.Fatalf("cols=%d: mulBlock %v vs %v at %d", cols, m1[k], m2[k], k)
				}
			}
		}
	})
}

// TestAdamAgrees runs three Adam steps with each path's kernel and the pure-Go one. The
// moments differ by fused roundings (≤ 1 ulp per step); the parameters move by ~lr per
// step, so they agree to ~1e-7·|p| + ulp(lr). Slices one past the end guard the tail.
func TestAdamAgrees(t *testing.T) {
	forEachPath(t, func(t *testing.T, kern *epiKernels) {
		r := rand.New(rand.NewPCG(2, 2))
		for _, n := range []int{1, 7, 8, 9, 15, 16, 17, 100, 1000} {
			p0 := randMat(r, n+1, 1)
			p1, p2 := slices.Clone(p0), slices.Clone(p0)
			m1, v1, m2, v2 := make([]float32, n+1), make([]float32, n+1), make([]float32, n), make([]float32, n)
			for step := 1; step <= 3; step++ {
				g := randMat(r, n+1, 1)
				k := adamConsts{c1: 0.1, b2: 0.999, c2: float32(1 - 0.999), eps: 1e-8}
				k.step = float32(1e-3 / (1 - math.Pow(0.9, float64(step))))
				k.bc2sqrt = float32(math.Sqrt(1 - math.Pow(0.999, float64(step))))
				kern.adam(p1[:n], g, m1, v1, &k)
				adamUpdateGo(p2[:n], g, m2, v2, &k)
			}
			for i := range n {
				if math.Abs(float64(p1[i]-p2[i])) > 2e-7*math.Abs(float64(p2[i]))+1e-9 {
					t.Errorf("n=%d entry %d: kernel %v, go %v", n, i, p1[i], p2[i])
				}
			}
			if p1[n] != p0[n] || m1[n] != 0 || v1[n] != 0 {
				t.Errorf("n=%d: kernel wrote past the end", n)
			}
		}
	})
}

// TestPathKernels reruns the gradient and forward checks on every kernel path, the
// portable one (what CPUs without vector kernels use) included.
func TestPathKernels(t *testing.T) {
	for _, name := range gemm.Kernels() {
		t.Run(name, func(t *testing.T) {
			restore, err := gemm.SetKernel(name)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			checkGradients(t)
			checkForward(t)
		})
	}
}

// TestAdamConstsLayout guards the offsets adamAVX512 reads the constants from.
func TestAdamConstsLayout(t *testing.T) {
	var k adamConsts
	got := []uintptr{unsafe.Offsetof(k.c1), unsafe.Offsetof(k.b2), unsafe.Offsetof(k.c2), unsafe.Offsetof(k.eps), unsafe.Offsetof(k.step), unsafe.Offsetof(k.bc2sqrt)}
	for i, off := range got {
		if off != uintptr(4*i) {
			t.Fatalf("adamConsts field %d at offset %d; kernels_amd64.s expects %d", i, off, 4*i)
		}
	}
}

// TestExpNegAccuracy sweeps expNeg over its whole range against float64 exp: the parity
// bounds (parity.ActULP) assume exp to 2 ulp, which the polynomial's 2.6e−9 truncation
// error and the float32 roundings of the steps must stay within.
func TestExpNegAccuracy(t *testing.T) {
	worst, at := 0.0, float32(0)
	for z := float32(-88); z <= 87; z = math.Nextafter32(z, 100) + 3e-5*float32(math.Abs(float64(z))) {
		got, exact := float64(expNeg(z)), math.Exp(-float64(z))
		ulp := float64(math.Nextafter32(float32(exact), float32(math.Inf(1))) - float32(exact))
		if e := math.Abs(got-exact) / ulp; e > worst {
			worst, at = e, z
		}
	}
	t.Logf("worst error %.2f ulp at z = %v", worst, at)
	if worst > 2 {
		t.Fatalf("expNeg(%v) is off by %.2f ulp; the parity bounds assume at most 2", at, worst)
	}
}
