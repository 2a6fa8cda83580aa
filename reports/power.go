package reports

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// The power analysis of an open verdict: how many runs, at the current or at larger sample
// counts per cell, would decide it with 80% power under -decide's design.
//
// Each open comparison is a one-sample t-test on per-run values with standard deviation s.
// That variance has two parts: the run-to-run spread of pools and networks, which more
// samples leave alone, and the within-cell sampling noise v (Comparison.SamplingVar, from the
// ground truth's split halves), which falls as 1/samples. At f times the samples,
// s_f² = max(s² − v, 0) + v/f. The comparison is decided in the direction its estimate points
// to, at distance Δ̂ from that side's bound (n₀ runs so far).
//
// The runs asked for are those whose predictive power reaches 80%: the chance that the look
// at n runs establishes that side, averaged over what the n₀ runs leave uncertain about the
// effect (a flat prior: Δ ~ N(Δ̂, s²/n₀)) — not the power at Δ̂ itself, which is optimistic
// whenever Δ̂ happens to be high (on simulated open parts, runs planned from Δ̂ decided only
// 27–48% of continuations). When the look keeps the n₀ runs (the same samples), their sum
// S₀ = n₀Δ̂ counts: the look succeeds when S₀ + S_new > c·s·√n with c = t(1 − a(n)/H; n − 1),
// and S_new ~ N((n − n₀)Δ̂, s²((n − n₀) + (n − n₀)²/n₀)) predictively. At f× samples all n runs
// are new, S_new ~ N(nΔ̂, s_f²n + s²n²/n₀). As s is estimated from n₀ runs, the standardized
// margin is read on Student's t with n₀ − 1 degrees of freedom instead of the normal. a(n) is the α the look at n runs gets and H the
// hypotheses of the claim's family still open (Holm's last threshold, a Bonferroni bound).
//
// Looks. At the current sample count the runs continue -decide's sequence: the look at n runs
// gets A(n/MaxRuns) − A(n₀/MaxRuns) (α spending, Spending). At f× samples every run's cells
// are sampled again — new measurements — so the design restarts on them with the α not yet
// spent, α − A(n₀/MaxRuns): by the union bound over all looks, old and new, the chance of any
// false rejection stays ≤ α.

// Power is the power the runs needed are computed for.
const Power = 0.8

// MaxLookRuns is the run count -decide plans its α spending over: the paper's 30.
const MaxLookRuns = 30

// Need is one way to decide an open verdict: Runs runs in total at Factor times the
// profile's model samples per cell (1: the current count), and the route it takes.
type Need struct {
	Runs, Factor int
	// Contradict: one comparison pointing the other way would decide the claim alone;
	// otherwise every open comparison must be established.
	Contradict bool
	// CoreSeconds is the estimated compute to get there (filled by Price).
	CoreSeconds float64
}

// SampleFactors are the larger sample counts the power analysis prices.
var SampleFactors = []int{1, 2, 5}

// Needs lists, for each sample factor, the runs that would decide v with 80% power (a
// factor is left out when even maxRuns would not). runs0 is the runs the verdict used. A
// verdict with comparisons that cannot be made (Missing) can still be contradicted by the
// others, never supported: only that route is priced for it.
func Needs(v Verdict, runs0, maxRuns int) []Need {
	if v.Outcome != Inconclusive {
		return nil
	}
	open, hyps := openComparisons(v)
	if len(open) == 0 {
		return nil
	}
	var out []Need
	for _, f := range SampleFactors {
		// Contradiction: the cheapest comparison pointing the other way decides alone.
		// Support: every open comparison must be established, so all must point the claimed
		// way, and the slowest sets the runs.
		best := Need{}
		support := 0
		for _, c := range open {
			n, contra := runsFor(c, f, runs0, maxRuns, hyps)
			switch {
			case contra && n > 0:
				if best.Runs == 0 || n < best.Runs {
					best = Need{Runs: n, Factor: f, Contradict: true}
				}
				support = -1
			case contra || n == 0:
				support = -1
			case support >= 0:
				support = max(support, n)
			}
		}
		if support > 0 && !v.Missing && (best.Runs == 0 || support < best.Runs) {
			best = Need{Runs: support, Factor: f}
		}
		if best.Runs > 0 {
			out = append(out, best)
		}
	}
	return out
}

// openComparisons are the tested comparisons no side of which is established, and the
// number of the family's hypotheses not rejected (H).
func openComparisons(v Verdict) (open []ComparisonResult, hyps int) {
	for _, p := range v.Parts {
		for _, c := range p.Comparisons {
			if !c.Tested {
				continue
			}
			if !c.RejectedClaimed {
				hyps++
			}
			if !c.RejectedOpposite {
				hyps++
			}
			if c.Outcome == Undecided {
				open = append(open, c)
			}
		}
	}
	return open, hyps
}

// runsFor is the smallest total run count n (runs0 < n ≤ maxRuns) at which c is established
// with probability ≥ Power at factor f, and whether it would be the opposite side; 0 when
// none is.
func runsFor(c ComparisonResult, f, runs0, maxRuns, hyps int) (int, bool) {
	s2 := c.SE * c.SE * float64(c.N)
	if !(s2 >= 0) || c.N < 2 {
		return 0, false
	}
	v := math.Min(c.SamplingVar, s2)
	sf := math.Sqrt(s2 - v + v/float64(f))
	// Distances to the claimed side's bound and to the opposite side's.
	dYes, dNo := c.Estimate-c.YesBound, c.NoBound-c.Estimate
	if !c.Above {
		dYes, dNo = -dYes, -dNo
	}
	contra := dNo > dYes
	delta := math.Max(dYes, dNo)
	if !(delta > 0) {
		return 0, false
	}
	spent := Spending(Alpha, float64(runs0)/float64(maxRuns))
	first := runs0 + 1
	if f > 1 {
		first = 2
	}
	s, n0 := math.Sqrt(s2), float64(c.N)
	// s itself is estimated from n₀ runs: the predictive law is Student's t with n₀ − 1
	// degrees of freedom rather than normal.
	pred := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n0 - 1}
	for n := first; n <= maxRuns; n++ {
		fn := float64(n)
		a := Spending(Alpha, fn/float64(maxRuns)) - spent // continue the sequence
		var mean, sd float64                              // of what the look's sum must beat
		if f == 1 {
			k := fn - n0
			mean, sd = n0*delta+k*delta, s*math.Sqrt(k+k*k/n0)
		} else {
			a = (Alpha - spent) / Alpha * Spending(Alpha, fn/float64(maxRuns)) // restart on the unspent α
			mean, sd = fn*delta, math.Sqrt(sf*sf*fn+s2*fn*fn/n0)
		}
		crit := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: fn - 1}.Quantile(1 - a/float64(max(hyps, 1)))
		if sd == 0 || pred.CDF((mean-crit*sf*math.Sqrt(fn))/sd) >= Power {
			return n, contra
		}
	}
	return 0, contra
}
