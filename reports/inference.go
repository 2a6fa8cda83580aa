package reports

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// The statistics shared by every claim's rule.
//
// Every comparison is a one-sample t-test on per-run values d_r: a paired difference between
// two cells of the same run (every K of one run shares the training pool, the model and the
// ground-truth sample, so the run's own level cancels), or a cell's own values against a
// threshold. A comparison claims that the mean of d lies above (or below) a bound and yields
// two one-sided hypotheses:
//
//	yes: H0 "μ on the wrong side of YesBound"  — rejected, the claimed side is established;
//	no:  H0 "μ on the claimed side of NoBound" — rejected, the opposite is established.
//
// For an effect ("FKC improves") both bounds are 0. For an absence ("brings no gain") the yes
// bound is the stated margin δ and the no bound 0: that is the equivalence (TOST) half on the
// side the claim denies, so an absence holds only when the data show the effect is smaller
// than δ, never because a test failed to reject. All hypotheses of one claim form one family,
// tested with Holm's step-down procedure at the claim's α, which keeps the probability of any
// false rejection in the family at most α.

// Comparison is one pre-specified test of a claim.
type Comparison struct {
	Desc     string
	D        []float64 // per-run values
	Above    bool      // the claim: μ > YesBound (else μ < YesBound)
	YesBound float64
	NoBound  float64
	Missing  string // why the comparison could not be made ("" if it could)
	// SamplingVar is the part of one per-run value's variance that comes from the finite
	// samples of its cells at the profile's sizes (it falls as 1/samples); 0 when unknown.
	// The power analysis (power.go) splits the observed variance with it.
	SamplingVar float64

	yes, no hyp
}

type hyp struct {
	P        float64
	Rejected bool
}

// TStat returns the mean, standard error and degrees of freedom of d.
func TStat(d []float64) (mean, se float64, df int) {
	n := len(d)
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	if n == 1 {
		return d[0], math.NaN(), 0
	}
	m, sd := stat.MeanStdDev(d, nil)
	return m, sd / math.Sqrt(float64(n)), n - 1
}

// pAbove is the one-sided p-value of H0 "μ ≤ b" against "μ > b".
func pAbove(d []float64, b float64) float64 {
	m, se, df := TStat(d)
	switch {
	case df < 1 || math.IsNaN(m):
		return 1
	case se == 0:
		if m > b {
			return 0
		}
		return 1
	}
	return 1 - distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.CDF((m-b)/se)
}

// pBelow is the one-sided p-value of H0 "μ ≥ b" against "μ < b".
func pBelow(d []float64, b float64) float64 {
	neg := make([]float64, len(d))
	for i, v := range d {
		neg[i] = -v
	}
	return pAbove(neg, -b)
}

func (c *Comparison) prepare() {
	c.yes, c.no = hyp{P: 1}, hyp{P: 1}
	if c.Missing != "" || len(c.D) < 2 {
		return
	}
	if c.Above {
		c.yes.P, c.no.P = pAbove(c.D, c.YesBound), pBelow(c.D, c.NoBound)
	} else {
		c.yes.P, c.no.P = pBelow(c.D, c.YesBound), pAbove(c.D, c.NoBound)
	}
}

// Outcome is the comparison's three-valued result after the family's Holm step.
func (c *Comparison) Outcome() Tri {
	switch {
	case c.Missing != "" || len(c.D) < 2:
		return Undecided
	case c.yes.Rejected:
		return Yes
	case c.no.Rejected:
		return No
	}
	return Undecided
}

// ComparisonResult is a comparison as tested, for the verdict's structured parts and
// verdicts.json. A number that does not apply is NaN: Estimate without values, SE below two,
// the p-values when the comparison did not enter its family's Holm step (Tested false).
type ComparisonResult struct {
	Desc     string
	Outcome  Tri
	N        int     // per-run values
	Estimate float64 // their mean
	SE       float64 // its standard error
	// The claim: the mean lies above YesBound (Above) or below it; the opposite is
	// established beyond NoBound.
	Above             bool
	YesBound, NoBound float64
	Tested            bool
	// One-sided p-values of the claimed and the opposite side, and whether Holm rejected
	// each hypothesis (the side established).
	PClaimed, POpposite               float64
	RejectedClaimed, RejectedOpposite bool
	Missing                           string
	SamplingVar                       float64 // see Comparison.SamplingVar
}

// Result is the comparison after TestFamily.
func (c *Comparison) Result() ComparisonResult {
	m, se, _ := TStat(c.D)
	r := ComparisonResult{Desc: c.Desc, Outcome: c.Outcome(), N: len(c.D), Estimate: m, SE: se,
		Above: c.Above, YesBound: c.YesBound, NoBound: c.NoBound, Missing: c.Missing,
		PClaimed: math.NaN(), POpposite: math.NaN(), SamplingVar: c.SamplingVar}
	if c.Missing == "" && len(c.D) >= 2 {
		r.Tested = true
		r.PClaimed, r.POpposite = c.yes.P, c.no.P
		r.RejectedClaimed, r.RejectedOpposite = c.yes.Rejected, c.no.Rejected
	}
	return r
}

func (c *Comparison) String() string {
	if c.Missing != "" {
		return fmt.Sprintf("%s: not decidable (%s)", c.Desc, c.Missing)
	}
	m, se, _ := TStat(c.D)
	side := "<"
	if c.Above {
		side = ">"
	}
	claim := fmt.Sprintf("claim mean %s %.3g", side, c.YesBound)
	if c.NoBound != c.YesBound {
		claim += fmt.Sprintf(", opposite if %s %.3g", map[bool]string{true: "<", false: ">"}[c.Above], c.NoBound)
	}
	return fmt.Sprintf("%s: n=%d, mean %+.4g ± %.2g (SE); %s; p(claimed)=%.3g, p(opposite)=%.3g → %s",
		c.Desc, len(c.D), m, se, claim, c.yes.P, c.no.P, c.Outcome())
}

// holm marks the rejected hypotheses of a family at level alpha (Holm's step-down: sort the
// p-values, reject while p_(i) ≤ α/(m−i), stop at the first that is not).
func holm(hs []*hyp, alpha float64) {
	idx := make([]int, len(hs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return hs[idx[a]].P < hs[idx[b]].P })
	m := len(hs)
	for rank, i := range idx {
		if hs[i].P > alpha/float64(m-rank) {
			return
		}
		hs[i].Rejected = true
	}
}

// TestFamily runs Holm over every hypothesis of the comparisons.
func TestFamily(cs []*Comparison, alpha float64) {
	var hs []*hyp
	for _, c := range cs {
		c.prepare()
		if c.Missing == "" && len(c.D) >= 2 {
			hs = append(hs, &c.yes, &c.no)
		}
	}
	holm(hs, alpha)
}

// Alpha is the family-wise error rate of every claim (per look, see Spending).
const Alpha = 0.05

// Spending is the α-spending function of -decide's group-sequential design: Lan–DeMets with
// Pocock-type spending, A(t) = α·ln(1 + (e − 1)·t) at information fraction t = runs/MaxRuns.
// Pocock-type spending gives early looks a real share of α, which suits a design whose
// purpose is to stop adding runs as soon as a claim is decided.
func Spending(alpha, t float64) float64 {
	if t <= 0 {
		return 0
	}
	return alpha * math.Log(1+(math.E-1)*math.Min(t, 1))
}

// LookAlpha is the α of the last look: A(t_j) − A(t_{j−1}). Testing each look at its own
// increment bounds the chance of any false rejection over all looks by A(t_last) ≤ α (a
// union bound: valid whatever the correlation between looks, slightly conservative).
func LookAlpha(looks []int, maxRuns int) float64 {
	if maxRuns <= 0 || len(looks) == 0 {
		return Alpha
	}
	t := func(n int) float64 { return float64(n) / float64(maxRuns) }
	prev := 0.0
	if len(looks) > 1 {
		prev = Spending(Alpha, t(looks[len(looks)-2]))
	}
	return Spending(Alpha, t(looks[len(looks)-1])) - prev
}
