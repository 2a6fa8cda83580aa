package nn

// The NEON kernels of kernels_arm64.s serve the GEMM's neon path. They handle whole groups
// of 4 columns; the wrappers check the block fits its slices and finish each row's last
// 1-3 columns with the pure-Go kernels.

//go:noescape
func biasSiLUBlockNEON(c *float32, ldc int, b *float32, rows, cols int)

//go:noescape
func biasSiLUDerivBlockNEON(c *float32, ldc int, b, d *float32, ldd, rows, cols int)

//go:noescape
func mulBlockNEON(c *float32, ldc int, d *float32, ldd, rows, cols int)

//go:noescape
func adamNEON(p, gr, m, v *float32, n int, k *adamConsts)

func init() {
	epiPaths["neon"] = &epiKernels{biasSiLUNEON, biasSiLUDerivNEON, mulNEON, adamNEONSlices}
}

func biasSiLUNEON(c []float32, ldc int, b []float32, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	fits(c, ldc, rows, cols)
	fits(b, cols, 1, cols)
	v := cols &^ 3
	if v > 0 {
		biasSiLUBlockNEON(&c[0], ldc, &b[0], rows, v)
	}
	if v < cols {
		biasSiLUBlockGo(c[v:], ldc, b[v:], rows, cols-v)
	}
}

func biasSiLUDerivNEON(c []float32, ldc int, b, d []float32, ldd, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	fits(c, ldc, rows, cols)
	fits(d, ldd, rows, cols)
	fits(b, cols, 1, cols)
	v := cols &^ 3
	if v > 0 {
		biasSiLUDerivBlockNEON(&c[0], ldc, &b[0], &d[0], ldd, rows, v)
	}
	if v < cols {
		biasSiLUDerivBlockGo(c[v:], ldc, b[v:], d[v:], ldd, rows, cols-v)
	}
}

func mulNEON(c []float32, ldc int, d []float32, ldd, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	fits(c, ldc, rows, cols)
	fits(d, ldd, rows, cols)
	v := cols &^ 3
	if v > 0 {
		mulBlockNEON(&c[0], ldc, &d[0], ldd, rows, v)
	}
	if v < cols {
		mulBlockGo(c[v:], ldc, d[v:], ldd, rows, cols-v)
	}
}

func adamNEONSlices(p, g, m, v []float32, k *adamConsts) {
	n := len(p)
	g, m, v = g[:n], m[:n], v[:n]
	if n4 := n &^ 3; n4 > 0 {
		adamNEON(&p[0], &g[0], &m[0], &v[0], n4, k)
	}
	if n4 := n &^ 3; n4 < n {
		adamUpdateGo(p[n4:], g[n4:], m[n4:], v[n4:], k)
	}
}
