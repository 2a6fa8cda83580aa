package room

import (
	"fmt"
	"math"
)

// sumTolerance is how far Σ_a w_a may sit from 1 (rounding of weights read from a spec).
const sumTolerance = 1e-9

// TargetClassWeights returns the class weights of the composition Π_a P_a^{w_a} of room
// sources with class weights sourceClassWeights[a] (each normalised here) and Σ_a w_a = 1:
//
//	π(c) ∝ Π_a W_a(c)^{w_a},
//
// 0 where a factor with w_a > 0 has W_a(c) = 0; factors with w_a = 0 are ignored. It is
// exact up to O(exp(−Δ²/(8σ0²))) (see ShareErrorBound and the package doc). It fails when
// a factor with w_a < 0 is 0 on a class where the others are positive (the composition is
// not integrable there: improper), when no class keeps mass, or when Σ_a w_a ≠ 1 (then the
// noise of the composed components shrinks to σ0/√Σw and class c gains n_c^{1−Σw}).
func TargetClassWeights(sourceClassWeights [][]float64, w []float64) ([]float64, error) {
	ws, err := checkComposition(sourceClassWeights, w)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(ws[0]))
	total := 0.0
	for c := range out {
		v, err := classFactor(ws, w, c)
		if err != nil {
			return nil, err
		}
		out[c] = v
		total += v
	}
	if !(total > 0) || math.IsInf(total, 0) {
		return nil, fmt.Errorf("target class weights: every class has weight zero (each class is missing from some positively weighted source); the composition has no mass")
	}
	for c := range out {
		out[c] /= total
	}
	return out, nil
}

// checkComposition validates the sources' class weights and w, and returns the
// normalised weights.
func checkComposition(src [][]float64, w []float64) ([][]float64, error) {
	if len(src) == 0 || len(src) != len(w) {
		return nil, fmt.Errorf("target class weights: %d sources but %d composition weights; give one weight per source", len(src), len(w))
	}
	sum := 0.0
	for a, wa := range w {
		if math.IsNaN(wa) || math.IsInf(wa, 0) {
			return nil, fmt.Errorf("target class weights: composition weight %d is %v; it must be finite", a, wa)
		}
		sum += wa
	}
	if math.Abs(sum-1) > sumTolerance {
		return nil, fmt.Errorf("target class weights: the composition weights sum to %v; only Σw = 1 (e.g. the base composition (1, 1, −1)) keeps the components' noise σ0, so rescale the weights", sum)
	}
	classes := len(src[0])
	if classes < 2 || classes&(classes-1) != 0 {
		return nil, fmt.Errorf("target class weights: source 0 has %d class weights; a room with n objects has 2^n ≥ 2 classes", classes)
	}
	ws := make([][]float64, len(src))
	for a, s := range src {
		v, err := normalise(s, classes, fmt.Sprintf("target class weights: source %d", a))
		if err != nil {
			return nil, err
		}
		ws[a] = v
	}
	return ws, nil
}

// classFactor is Π_a W_a(c)^{w_a} with the zero conventions of TargetClassWeights.
func classFactor(ws [][]float64, w []float64, c int) (float64, error) {
	for a, wa := range w {
		if wa > 0 && ws[a][c] == 0 {
			return 0, nil
		}
	}
	l := 0.0
	for a, wa := range w {
		if wa == 0 {
			continue
		}
		if ws[a][c] == 0 { // wa < 0 here: the rest is positive
			return 0, fmt.Errorf("target class weights: class %d has weight 0 in source %d, which has the negative weight %g, while every positively weighted source gives it mass; Π_a P_a^{w_a} then grows without bound away from that class's templates (improper) — give the class a positive weight in source %d", c, a, wa, a)
		}
		l += wa * math.Log(ws[a][c])
	}
	return math.Exp(l), nil
}

// ShareErrorBound bounds the total-variation distance between TargetClassWeights and the
// exact class shares of the composition, where a point's class is that of its nearest
// template (what Classifier reads). With u_{a,k} = W_a(c_k)/n_{c_k}, ū_a = max_k u_{a,k},
// v_k = Π_a u_{a,k}^{w_a} and T templates, on the Voronoi cell V_k of μ_k every ratio
// N_j/N_k ≤ 1, so with ε = Σ_{j≠k} N_j/N_k ∈ [0, T−1]
//
//	u_{a,k} N_k ≤ P_a ≤ (u_{a,k} + ū_a ε) N_k,  hence  h_lo(ε) N_k ≤ Π_a P_a^{w_a} ≤ h_hi(ε) N_k
//
// (Σw = 1 collects the N_k), h_hi raising the upper bound of the positive factors and h_lo
// of the negative ones, both equal to v_k at ε = 0. h_hi is convex increasing when every
// positive w_a ≥ 1 (a secant bounds it on [0, T−1]); h_lo is convex decreasing (its tangent
// at 0 bounds it). ∫_{V_k} ε N_k = Σ_j N_j(V_k) and N_k(V_k^c) are at most
// η_k = Σ_{j≠k} Φ̄(Δ_jk/(2σ0)) ≤ (T−1)/2·exp(−Δ²/(8σ0²)) (V_k lies in the half-space nearer
// μ_k than μ_j). So the cell's mass m_k satisfies |m_k − v_k| ≤ b_k = η_k·max(s_k, v_k +
// |h_lo'(0)|) (s_k the secant slope), and with D = Σ_k b_k, V = Σ_k v_k the class shares
// move by at most TV ≤ D/(V − D). It is +Inf when D ≥ V or when a negatively weighted
// source gives some class weight 0 (no lower bound on it there). It fails on the errors of
// TargetClassWeights and when a positive weight lies in (0, 1) (h_hi is then concave).
func ShareErrorBound(s Spec, sourceClassWeights [][]float64, w []float64) (float64, error) {
	if err := s.Validate(); err != nil {
		return 0, err
	}
	ws, err := checkComposition(sourceClassWeights, w)
	if err != nil {
		return 0, err
	}
	if len(ws[0]) != NumClasses(s) {
		return 0, fmt.Errorf("share error bound: %d class weights for a room with %d classes", len(ws[0]), NumClasses(s))
	}
	for a, wa := range w {
		if wa > 0 && wa < 1 {
			return 0, fmt.Errorf("share error bound: weight %g of source %d lies in (0, 1); the bound needs positive weights ≥ 1", wa, a)
		}
	}
	means, class := Templates(s)
	T := len(means)
	count := make([]int, NumClasses(s))
	for _, c := range class {
		count[c]++
	}
	u := make([][]float64, len(ws)) // u[a][k]
	ubar := make([]float64, len(ws))
	for a := range ws {
		u[a] = make([]float64, T)
		for k, c := range class {
			u[a][k] = ws[a][c] / float64(count[c])
			ubar[a] = math.Max(ubar[a], u[a][k])
		}
	}
	D, V := 0.0, 0.0
	for k := range means {
		v, err := classFactor(ws, w, class[k])
		if err != nil {
			return 0, err
		}
		v /= float64(count[class[k]]) // Σw = 1: Π_a (W/n)^{w_a} = Π_a W^{w_a} / n
		eta := 0.0
		for j := range means {
			if j != k {
				eta += normalTail(dist2(means[j], means[k]) / (2 * s.Noise))
			}
		}
		hi, slopeLo := 1.0, 0.0 // h_hi(T−1) and h_lo'(0)
		for a, wa := range w {
			switch {
			case wa > 0:
				hi *= math.Pow(u[a][k]+ubar[a]*float64(T-1), wa)
			case wa < 0:
				if u[a][k] == 0 { // P0-like factor empty here: no lower bound on it
					return math.Inf(1), nil
				}
				hi *= math.Pow(u[a][k], wa)
				slopeLo += wa * ubar[a] / u[a][k]
			}
		}
		secant := (hi - v) / float64(max(T-1, 1))
		D += eta * math.Max(secant, v*(1+math.Abs(slopeLo)))
		V += v
	}
	if D >= V {
		return math.Inf(1), nil
	}
	return D / (V - D), nil
}

// normalTail is Φ̄(z) = P(N(0,1) > z), accurate far into the tail (1 − Φ would round to 0).
func normalTail(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }

// dist2 is the Euclidean distance |a − b|.
func dist2(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		t := v - b[i]
		s += t * t
	}
	return math.Sqrt(s)
}
