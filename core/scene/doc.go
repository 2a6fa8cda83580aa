// Package scene holds object scenes with exact scores (seed 002, SPEC §12): a strip of S
// slots, each a cell of P pixels that is empty (a constant background level e) or holds one
// of T object templates t_o, plus isotropic pixel noise σ0. A distribution over scenes is
// a distribution over configurations c ∈ {0..T}^S (0 = empty), hence the exact mixture
// p(x) = Σ_c P(c)·N(x; x̄(c), σ0²I): scores, densities and ground truth are exact. The
// package builds configuration laws (Law, LawSpec), their mixtures, compositions
// C ∝ pb·Π_i(p_i/pb) with exact targets and samplers (Composition), a reader that turns
// samples back into configurations (Reader), and Lemma 8.1's cosines. It does no I/O.
//
// Closed forms used and tested here:
//
//   - Theorem 5.3. If pb factorizes over slot blocks M_b, M_1…M_k and p_i = p_i(M_i)·pb(M_i^c)
//     (At(i, ·) on the empty or a cluttered background), then Π_i p_i / pb^(k−1) =
//     pb(x_{M_b})·Π_i p_i(x_{M_i}) exactly, with no normalising constant, and so at every
//     noise level (noise is per pixel). The target is a configuration law (Projective).
//   - Its slot occupancies: empty background, k requested slots R: P(s occupied) = [s ∈ R],
//     each requested slot's object uniform, P(c) = T^−k on the T^k configurations with
//     objects exactly at R. Cluttered(q): P(s occupied) = 1 on R and q elsewhere,
//     P(c) = Π_{s∈R} 1/T · Π_{s∉R} ((1−q)[c_s = 0] + (q/T)[c_s ≠ 0]).
//   - FKC's weight rate vanishes: with S_i = S_b outside M_i, |Σ_a w_a S_a|² = Σ_a w_a|S_a|²
//     block by block, so g = ½β(|ΣwS|² − Σw|S|²) = 0 at every point (Σw = 1).
//   - Bayes composition (pb = Data(1)) has no mixture form. All means lie in e + V,
//     V = ⊕_s span{t_o − e}, so C(x) = F(v)·N(u; 0, σ0²I_⊥) exactly (v, u the parts of x − e in
//     V and V^⊥), and F = Σ_τ F_τ over component tuples with every F_τ strongly log-concave
//     (laplace.go); F_τ peaks near the average Σ_i x̄(c_i)/k: faint 1/k-objects at the
//     requested slots, which the reader flags or reads as empty.
//   - Lemma 8.1: factorized conditionals give μ_i − μ_b supported on M_i (cosines 0);
//     Bayes with one-object data gives cos = −1/(S−1) (μ_i − μ_b = (1−1/S)a on slot i and
//     −a/S elsewhere, a = mean object − e). Coupled is a counterexample with cosines 0 whose
//     composition fills every slot (Limit), where the projective reference (Intended)
//     keeps the other slots at q.
package scene
