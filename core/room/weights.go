package room

import (
	"fmt"

	"github.com/compdiff/compdiff/core/dist"
)

// Class weights of the three sources of a room setting with two objects, in the class
// order (empty, couch, x, couch+x). The composition is the base composition
// Pa1·Pa2/P0: sources (a1, a2, 0), weights BaseWeights().

// Parameters of the paper's released configuration (SPEC §11) and of the variant.
const (
	ReleasedAlpha = 0.01     // ID smoothing α
	ReleasedBeta  = 0.05 / 3 // OOD skew β
	ProductGamma  = 0.025    // ProductOOD's γ: each source's main class keeps (1−γ)² ≈ 0.95 = 1 − 3β
)

// Sources holds the class weights of P0, Pa1 and Pa2.
type Sources struct {
	P0, A1, A2 []float64
}

// List returns the weights in the composition's source order (a1, a2, 0).
func (s Sources) List() [][]float64 { return [][]float64{s.A1, s.A2, s.P0} }

// Mixtures returns the sources of the room as mixtures, in the order (a1, a2, 0) of List
// and BaseWeights; they share their templates, so truth.Rejection(a1, a2, p0, …) is exact.
func (s Sources) Mixtures(room Spec) ([]*dist.GMM, error) {
	var out []*dist.GMM
	for a, w := range s.List() {
		g, err := Mixture(room, w)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", [3]string{"Pa1", "Pa2", "P0"}[a], err)
		}
		out = append(out, g)
	}
	return out, nil
}

// BaseWeights are the base composition's weights (+1, +1, −1) on (a1, a2, 0).
func BaseWeights() []float64 { return []float64{1, 1, -1} }

// ReleasedID is the released ID configuration: P0 (¼, ¼, ¼, ¼), Pa1 (α, ½−α, α, ½−α),
// Pa2 (α, α, ½−α, ½−α). The target Π ∝ Pa1·Pa2/P0 has class weights ∝ (α², α(½−α),
// α(½−α), (½−α)²)/¼, which sum to (α + ½ − α)²/¼ = 1: for α = 0.01 (0.0004, 0.0196,
// 0.0196, 0.9604) — concentrated on couch+x, as the paper says. Each source is a product
// of independent presences (P0: Bern(½)², Pa1: couch ~ Bern(1−2α), x ~ Bern(½); Pa2
// the mirror), so with disjoint objects the setting is factorized.
func ReleasedID(alpha float64) Sources {
	return Sources{
		P0: []float64{0.25, 0.25, 0.25, 0.25},
		A1: []float64{alpha, 0.5 - alpha, alpha, 0.5 - alpha},
		A2: []float64{alpha, alpha, 0.5 - alpha, 0.5 - alpha},
	}
}

// ReleasedOOD is the released OOD configuration: P0 (1−3β, β, β, β), Pa1 (β, 1−3β, β, β),
// Pa2 (β, β, 1−3β, β). The target's class weights are ∝ (β²/(1−3β), 1−3β, 1−3β, β):
// couch+x gets β/(2(1−3β) + β + β²/(1−3β)) ≈ β/(2(1−3β)) ≈ 0.0087 for β = 0.05/3, and
// couch and x alone ≈ 0.4956 each. The paper says this target has "nearly all its mass on
// couch+x"; it has not. These weights are not products of independent presences (P0's
// couch+x weight β ≠ P(couch)·P(x) = 4β²), so no room setting with them is factorized.
func ReleasedOOD(beta float64) Sources {
	return Sources{
		P0: []float64{1 - 3*beta, beta, beta, beta},
		A1: []float64{beta, 1 - 3*beta, beta, beta},
		A2: []float64{beta, beta, 1 - 3*beta, beta},
	}
}

// ProductOOD is an OOD variant whose target does concentrate on couch+x. Every source is
// a product of independent presences: P0 couch ~ Bern(γ), x ~ Bern(γ); Pa1 couch ~
// Bern(1−γ), x ~ Bern(γ); Pa2 couch ~ Bern(γ), x ~ Bern(1−γ). For product weights
// W_a(c) = Π_i b_{a,i}(c_i), the target Pa1·Pa2/P0 has b_{a1,i}·b_{a2,i}/b_{0,i} per object,
// which is Bern(1−γ) for both (the unchanged factor cancels): couch+x gets (1−γ)². With
// γ = 0.025: P0 (0.950625, 0.024375, 0.024375, 0.000625), Pa1 (0.024375, 0.950625,
// 0.000625, 0.024375), Pa2 the mirror, target (0.000625, 0.024375, 0.024375, 0.950625).
// Couch+x is rare in every source (γ(1−γ) ≈ 2.4% in Pa1 and Pa2, γ² in P0, all < 5%
// as long as γ(1−γ) < 0.05, i.e. γ < 0.0528), so the target is OOD; each source's main
// class keeps (1−γ)² ≈ 0.95 = 1 − 3β as in the released weights; and Pa1, Pa2 each change
// one object's marginal only, so with the painting the setting is factorized (the table
// still overlaps the couch: not factorized).
func ProductOOD(gamma float64) Sources {
	return Sources{
		P0: presence(gamma, gamma),
		A1: presence(1-gamma, gamma),
		A2: presence(gamma, 1-gamma),
	}
}

// presence is the class weights of independent presences couch ~ Bern(p), x ~ Bern(q).
func presence(p, q float64) []float64 {
	return []float64{(1 - p) * (1 - q), p * (1 - q), (1 - p) * q, p * q}
}
