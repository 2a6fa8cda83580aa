package scene

import (
	"fmt"
	"math"

	"github.com/compdiff/compdiff/core/dist"
)

// Composition is the composition operator of seed 002 applied to k conditionals p1…pk and
// a background pb: C ∝ pb·Π_i (pi/pb) = Π_i pi · pb^−(k−1), score
// ∇log pb + Σ_i (∇log pi − ∇log pb). Bayes composition is pb = the data's marginal.
type Composition struct {
	Spec         Spec
	Background   Law
	Conditionals []Law
}

// Validate checks the spec and that every law fits it.
func (cm Composition) Validate() error {
	if err := cm.Spec.Validate(); err != nil {
		return err
	}
	if len(cm.Conditionals) == 0 {
		return fmt.Errorf("composition: no conditionals; give at least one")
	}
	if err := cm.Spec.checkLaw(cm.Background); err != nil {
		return fmt.Errorf("composition: background: %w", err)
	}
	for i, l := range cm.Conditionals {
		if err := cm.Spec.checkLaw(l); err != nil {
			return fmt.Errorf("composition: conditional %d: %w", i+1, err)
		}
	}
	return nil
}

// Weights are the composition weights (+1, …, +1, −(k−1)) in the order of Sources.
func (cm Composition) Weights() []float64 {
	k := len(cm.Conditionals)
	w := make([]float64, k+1)
	for i := range cm.Conditionals {
		w[i] = 1
	}
	w[k] = -float64(k - 1)
	return w
}

// Sources are the mixtures of p1…pk and, last, pb (each over its own support).
func (cm Composition) Sources() ([]*dist.GMM, error) {
	if err := cm.Validate(); err != nil {
		return nil, err
	}
	out := make([]*dist.GMM, 0, len(cm.Conditionals)+1)
	for _, l := range append(append([]Law(nil), cm.Conditionals...), cm.Background) {
		g, err := Mixture(cm.Spec, l)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// Dists are the sources in their cheapest exact form (Source: the slot product for laws
// with independent slots, else the mixture), for score.Analytic and the samplers.
func (cm Composition) Dists() ([]dist.Dist, error) {
	if err := cm.Validate(); err != nil {
		return nil, err
	}
	var out []dist.Dist
	for _, l := range append(append([]Law(nil), cm.Conditionals...), cm.Background) {
		d, err := Source(cm.Spec, l)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// NotFactorizedError says why a composition's conditionals are not Factorized Conditionals
// with respect to its background (seed 002, Definition of Factorized Conditionals).
type NotFactorizedError struct {
	Conditional int // 1-based; 0 for the background or the blocks as a whole
	Reason      string
}

func (e *NotFactorizedError) Error() string {
	who := "the background"
	if e.Conditional > 0 {
		who = fmt.Sprintf("conditional %d", e.Conditional)
	}
	return fmt.Sprintf("composition: not factorized conditionals (%s: %s); Theorem 5.3's projective target does not apply, use Composition.Exact for the composed target", who, e.Reason)
}

// factorTol is the tolerance on probabilities when checking a factorization; laws are
// built by a few products and one normalisation, so their rounding error is ~1e−16.
const factorTol = 1e-9

// blocks returns, per conditional, the slots whose content law under p_i differs from
// pb's; it fails when two conditionals change the same slot.
func (cm Composition) blocks() ([][]int, error) {
	S := cm.Spec.Slots
	owner := make([]int, S) // 0 = M_b, else the 1-based conditional owning the slot
	blocks := make([][]int, len(cm.Conditionals))
	for i, l := range cm.Conditionals {
		for s := 0; s < S; s++ {
			if maxAbsDiff(l.SlotLaw(s), cm.Background.SlotLaw(s)) <= factorTol {
				continue
			}
			if owner[s] != 0 {
				return nil, &NotFactorizedError{Conditional: i + 1, Reason: fmt.Sprintf("it changes slot %d, which conditional %d changes too; the blocks M_i must be disjoint", s, owner[s])}
			}
			owner[s] = i + 1
			blocks[i] = append(blocks[i], s)
		}
	}
	return blocks, nil
}

// Blocks returns the slot sets M_1…M_k of Factorized Conditionals: M_i holds the slots whose
// content law under p_i differs from pb's. It checks the definition —
// p_i = p_i(x_{M_i})·pb(x_{M_i^c}) and pb = pb(x_{M_b})·Π_i pb(x_{M_i}) with disjoint M_i — and
// returns a *NotFactorizedError when it fails. (A conditional that changes only the
// correlations between slots, not their laws, is reported as not factorized.) Because the
// pixel noise is per slot, a factorization of the configuration law is one of the scene
// density over the slots' pixel blocks.
func (cm Composition) Blocks() ([][]int, error) {
	if err := cm.Validate(); err != nil {
		return nil, err
	}
	S := cm.Spec.Slots
	blocks, err := cm.blocks()
	if err != nil {
		return nil, err
	}
	for i, l := range cm.Conditionals {
		rest := complement(S, blocks[i])
		if c, ok := equalsProduct(l, [][]int{blocks[i], rest}, []Law{l, cm.Background}); !ok {
			return nil, &NotFactorizedError{Conditional: i + 1, Reason: fmt.Sprintf("p_%d ≠ p_%d(slots %v)·pb(other slots) at configuration %v", i+1, i+1, blocks[i], l.Config(c, make([]int, S)))}
		}
	}
	parts := append([][]int{complement(S, flatten(blocks))}, blocks...)
	laws := make([]Law, len(parts))
	for j := range laws {
		laws[j] = cm.Background
	}
	if c, ok := equalsProduct(cm.Background, parts, laws); !ok {
		return nil, &NotFactorizedError{Reason: fmt.Sprintf("pb ≠ pb(M_b)·Π_i pb(M_i) for the blocks %v at configuration %v", blocks, cm.Background.Config(c, make([]int, S)))}
	}
	return blocks, nil
}

// Projective is Theorem 5.3's target: under Factorized Conditionals,
// C = pb(x_{M_b})·Π_i p_i(x_{M_i}), the law whose blocks M_i follow p_i and whose remaining
// slots M_b follow pb, independently. Its mixture (Mixture) is exactly the composed
// distribution, at every noise level (noising acts pixel-wise, so the factorization holds
// along the diffusion and the naive reverse process samples it exactly).
func (cm Composition) Projective() (Law, error) {
	blocks, err := cm.Blocks()
	if err != nil {
		return Law{}, err
	}
	return cm.product(blocks), nil
}

// Intended is the law Theorem 5.3 would give: each block M_i (the slots whose law p_i
// changes) follows p_i, the other slots follow pb, all independent. Under Factorized
// Conditionals it is the composed target (Projective); otherwise it is the projective
// reference a composition is measured against. It fails when two conditionals change the
// same slot.
func (cm Composition) Intended() (Law, error) {
	if err := cm.Validate(); err != nil {
		return Law{}, err
	}
	blocks, err := cm.blocks()
	if err != nil {
		return Law{}, err
	}
	return cm.product(blocks), nil
}

// product is pb(M_b)·Π_i p_i(M_i) for the blocks.
func (cm Composition) product(blocks [][]int) Law {
	parts := append([][]int{complement(cm.Spec.Slots, flatten(blocks))}, blocks...)
	laws := append([]Law{cm.Background}, cm.Conditionals...)
	return productLaw(cm.Spec.Slots, cm.Spec.Kinds(), parts, laws)
}

// Limit is the configuration law of the composition as σ0 → 0:
// C0(c) ∝ Π_i p_i(c) / pb(c)^(k−1). Near a template x̄(c) each source is dominated by its
// component c, so C(x) = C0(c)·N(x; x̄(c), σ0²I)·(1 + O(e^{−δ²/8σ0²})) with δ the template
// separation; C's remaining mass lies between templates. It fails when no configuration
// is shared by all conditionals (then all of C lies between templates, e.g. Bayes
// composition of one-object data) or when a shared configuration has pb(c) = 0.
func (cm Composition) Limit() (Law, error) {
	if err := cm.Validate(); err != nil {
		return Law{}, err
	}
	k := float64(len(cm.Conditionals))
	l := newLaw(cm.Spec)
	cfg := make([]int, cm.Spec.Slots)
	for c := range l.P {
		p := 1.0
		for _, ci := range cm.Conditionals {
			p *= ci.P[c]
		}
		if p == 0 {
			continue
		}
		b := cm.Background.P[c]
		if b == 0 && k > 1 {
			return Law{}, fmt.Errorf("composition limit: every conditional holds configuration %v but the background does not; C has no σ0 → 0 configuration law there", l.Config(c, cfg))
		}
		l.P[c] = p / math.Pow(b, k-1)
	}
	out, err := l.normalize("the σ0 → 0 law Π_i p_i / pb^(k−1)")
	if err != nil {
		return Law{}, fmt.Errorf("composition limit: no configuration has mass under every conditional, so the composed mass lies between templates: %w", err)
	}
	return out, nil
}

// LogDensity is the unnormalised log-density Σ_i log p_i(x) − (k−1)·log pb(x) of C.
func LogDensity(sources []*dist.GMM, w []float64, x []float64) float64 {
	s := 0.0
	for a, g := range sources {
		if w[a] != 0 {
			s += w[a] * g.LogProb(x)
		}
	}
	return s
}

// sub-configuration helpers -------------------------------------------------------------

// marginal is the law of the slots listed (sub-index Σ_j c_{slots[j]}·K^j).
func marginal(l Law, slots []int) []float64 {
	out := make([]float64, ipow(l.Kinds, len(slots)))
	cfg := make([]int, l.Slots)
	for c, p := range l.P {
		out[subIndex(l.Config(c, cfg), slots, l.Kinds)] += p
	}
	return out
}

func subIndex(cfg, slots []int, K int) int {
	c := 0
	for j := len(slots) - 1; j >= 0; j-- {
		c = c*K + cfg[slots[j]]
	}
	return c
}

// productLaw is Π_j marginal(laws[j], parts[j]) for a partition parts of the slots.
func productLaw(S, K int, parts [][]int, laws []Law) Law {
	l := newLawSK(S, K)
	margs := make([][]float64, len(parts))
	for j := range parts {
		margs[j] = marginal(laws[j], parts[j])
	}
	cfg := make([]int, S)
	for c := range l.P {
		p := 1.0
		for j, part := range parts {
			p *= margs[j][subIndex(l.Config(c, cfg), part, l.Kinds)]
		}
		l.P[c] = p
	}
	return l
}

// equalsProduct reports whether l equals the product of the parts' marginals taken from
// laws, and else the first configuration where they differ.
func equalsProduct(l Law, parts [][]int, laws []Law) (int, bool) {
	prod := productLaw(l.Slots, l.Kinds, parts, laws)
	for c := range l.P {
		if math.Abs(l.P[c]-prod.P[c]) > factorTol {
			return c, false
		}
	}
	return 0, true
}

func complement(S int, in []int) []int {
	mark := make([]bool, S)
	for _, s := range in {
		mark[s] = true
	}
	var out []int
	for s := 0; s < S; s++ {
		if !mark[s] {
			out = append(out, s)
		}
	}
	return out
}

func flatten(bs [][]int) []int {
	var out []int
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

func maxAbsDiff(a, b []float64) float64 {
	m := 0.0
	for j := range a {
		m = math.Max(m, math.Abs(a[j]-b[j]))
	}
	return m
}

func ipow(b, e int) int {
	r := 1
	for ; e > 0; e-- {
		r *= b
	}
	return r
}
