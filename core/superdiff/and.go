package superdiff

import "math"

// solver holds the scratch of AND's M×M linear system, reused for every point.
type solver struct {
	m   int
	a   []float64 // M×(M+1) augmented matrix
	b   []float64
	row []float64
}

func newSolver(m int) *solver {
	return &solver{m: m, a: make([]float64, m*(m+1)), b: make([]float64, m)}
}

// equalDensity writes the κ (Σκ = 1) for which every model's estimated log-density changes
// by the same amount over the step (Prop. 6, App. C.1). With u the κ-free part of the step
// (reverse drift and noise), model m changes by b_m + Σ_j A_mj κ_j, where
// b_m = LogDensityIncrement(x, u, S_m) and A_mj = βΔ⟨S_j, S_m⟩; the rows
// Σ_j (A_0j − A_mj) κ_j = b_m − b_0 (m ≥ 1) and Σ_j κ_j = 1 form the system. When the
// scores coincide (the system is singular) every κ keeps the densities equal, and κ is
// uniform.
func (sv *solver) equalDensity(kappa, x, u []float64, S [][]float64, beta, dt float64) {
	M := sv.m
	if M == 1 {
		kappa[0] = 1
		return
	}
	scale := 0.0
	for m := 0; m < M; m++ {
		sv.b[m] = LogDensityIncrement(x, u, S[m], beta, dt)
		scale = math.Max(scale, dot(S[m], S[m]))
	}
	scale *= beta * dt
	w := M + 1
	for m := 1; m < M; m++ {
		r := sv.a[(m-1)*w : m*w]
		for j := 0; j < M; j++ {
			r[j] = beta * dt * (dot(S[j], S[0]) - dot(S[j], S[m]))
		}
		r[M] = sv.b[m] - sv.b[0]
	}
	last := sv.a[(M-1)*w : M*w]
	for j := 0; j < M; j++ {
		last[j] = 1
	}
	last[M] = 1
	if !sv.solve(kappa, 1e-12*math.Max(scale, 1e-300)) {
		for m := range kappa {
			kappa[m] = 1 / float64(M)
		}
	}
}

// solve runs Gaussian elimination with partial pivoting on the augmented matrix; it
// reports false when a pivot of the score rows is below tol (singular system).
func (sv *solver) solve(out []float64, tol float64) bool {
	M, w, a := sv.m, sv.m+1, sv.a
	for c := 0; c < M; c++ {
		p := c
		for r := c + 1; r < M; r++ {
			if math.Abs(a[r*w+c]) > math.Abs(a[p*w+c]) {
				p = r
			}
		}
		if math.Abs(a[p*w+c]) <= tol || math.IsNaN(a[p*w+c]) {
			return false
		}
		if p != c {
			for j := 0; j < w; j++ {
				a[c*w+j], a[p*w+j] = a[p*w+j], a[c*w+j]
			}
		}
		for r := c + 1; r < M; r++ {
			f := a[r*w+c] / a[c*w+c]
			for j := c; j < w; j++ {
				a[r*w+j] -= f * a[c*w+j]
			}
		}
	}
	for c := M - 1; c >= 0; c-- {
		v := a[c*w+M]
		for j := c + 1; j < M; j++ {
			v -= a[c*w+j] * out[j]
		}
		out[c] = v / a[c*w+c]
	}
	for _, v := range out {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func dot(a, b []float64) float64 {
	s := 0.0
	for j, v := range a {
		s += v * b[j]
	}
	return s
}
