package methods

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// The findings compare samplers at pairs fixed by a rule that reads which cells exist and
// their NFE, never their SW2, so nothing is picked after the fact:
//
//   - per setting and score model (column), every sampler cell other than FKC at K = 1 is
//     compared with FKC at K = 1 of the same column (the naive SDE);
//   - and with "FKC at the same NFE": the FKC cell of the same column with the largest K whose
//     NFE is at most nfeAllowance × the sampler's, when that is neither the sampler itself
//     nor K = 1 (then the first comparison already is this one).
//
// Each comparison is paired by run (every sampler of one run uses the same training pool,
// networks and ground-truth sample), on the per-run differences of SW2, sampler minus
// reference, two-sided: both one-sided hypotheses enter the setting's family, and the
// setting's whole family is tested with Holm at α = 0.05 (reports.TestFamily), so the chance
// of any false "lower" or "higher" in a setting is at most α.

// nfeAllowance lets FKC "at the same NFE" cost up to 10 % more than the sampler: FKC at K = 1
// counts one more evaluation per source than the ODE at the same step count (63 against 60
// at 20 steps and three sources), and it should still count as the same budget.
const nfeAllowance = 1.1

// pairing is one declared comparison of the findings.
type pairing struct {
	Col        cell.Column
	Method     reports.CellKey
	MethodNFE  float64
	Ref        reports.CellKey
	RefNFE     float64
	Role       string // what the reference is: "naive", "same NFE" or both
	Comparison *reports.Comparison
}

// declare lists one setting's comparisons in table order (score model by kind, λ and N, then
// sampler by NFE),
// with the per-run differences read from the aggregate.
func declare(a *reports.Aggregate, setting string) []pairing {
	type samp struct {
		k   reports.CellKey
		nfe float64
	}
	byCol := map[cell.Column][]samp{}
	var cols []cell.Column
	for _, k := range a.Keys() {
		if k.Setting != setting || k.Metric != "sw2" {
			continue
		}
		c, _ := a.Stat(k)
		if _, ok := byCol[k.Column]; !ok {
			cols = append(cols, k.Column)
		}
		byCol[k.Column] = append(byCol[k.Column], samp{k, c.NFE})
	}
	slices.SortStableFunc(cols, func(x, y cell.Column) int {
		return cmp.Or(cmp.Compare(x.Model, y.Model), cmp.Compare(x.Lambda, y.Lambda), cmp.Compare(x.N, y.N))
	})
	var out []pairing
	for _, col := range cols {
		ss := byCol[col]
		slices.SortStableFunc(ss, func(x, y samp) int {
			return cmp.Or(cmp.Compare(x.nfe, y.nfe), cmp.Compare(x.k.Method, y.k.Method), cmp.Compare(x.k.K, y.k.K))
		})
		naive := slices.IndexFunc(ss, func(s samp) bool { return s.k.Method == cell.FKC && s.k.K == 1 })
		if naive < 0 {
			continue // no naive cell: nothing declared for this score model
		}
		for _, s := range ss {
			if s.k == ss[naive].k {
				continue
			}
			same := -1 // FKC at the same NFE: the largest K within the allowance
			for i, f := range ss {
				if f.k.Method == cell.FKC && f.nfe <= nfeAllowance*s.nfe && (same < 0 || f.k.K > ss[same].k.K) {
					same = i
				}
			}
			role := "naive"
			switch {
			case same == naive && s.k.Method != cell.FKC:
				role = "naive = same NFE"
			case math.IsNaN(s.nfe) && s.k.Method != cell.FKC:
				role = "naive (NFE unknown: no same-NFE pair)"
			}
			out = append(out, pair(a, col, s.k, s.nfe, ss[naive].k, ss[naive].nfe, role))
			if same >= 0 && same != naive && ss[same].k != s.k {
				out = append(out, pair(a, col, s.k, s.nfe, ss[same].k, ss[same].nfe, "same NFE"))
			}
		}
	}
	return out
}

func pair(a *reports.Aggregate, col cell.Column, m reports.CellKey, mNFE float64, ref reports.CellKey, rNFE float64, role string) pairing {
	cm, _ := a.Stat(m)
	cr, _ := a.Stat(ref)
	d, miss := reports.PairRuns(cm.Runs, cr.Runs, func(x, y float64) float64 { return x - y })
	// Above false: the "claimed" side is "lower" (sampler better), the opposite "higher".
	c := &reports.Comparison{Desc: fmt.Sprintf("%s vs %s", label(m), label(ref)), D: d, Missing: miss}
	return pairing{Col: col, Method: m, MethodNFE: mNFE, Ref: ref, RefNFE: rNFE, Role: role, Comparison: c}
}

// testSetting declares and tests one setting's family.
func testSetting(a *reports.Aggregate, setting string) []pairing {
	ps := declare(a, setting)
	cs := make([]*reports.Comparison, len(ps))
	for i := range ps {
		cs[i] = ps[i].Comparison
	}
	reports.TestFamily(cs, reports.Alpha)
	return ps
}

// finding is a tested comparison in words.
func finding(c *reports.Comparison) string {
	switch c.Outcome() {
	case reports.Yes:
		return "lower"
	case reports.No:
		return "higher"
	}
	if c.Missing != "" {
		return "not testable: " + c.Missing
	}
	return "no detectable difference"
}

// writeFindings states every declared comparison of every setting with its paired estimate
// and its Holm decision.
func writeFindings(b *strings.Builder, a *reports.Aggregate) {
	var settings []string
	for _, k := range a.Keys() {
		if !slices.Contains(settings, k.Setting) {
			settings = append(settings, k.Setting)
		}
	}
	slices.Sort(settings)
	b.WriteString("## Findings (computed)\n\n")
	fmt.Fprintf(b, "Each sampler against two references fixed in advance, per setting and score model: the naive SDE (FKC at K = 1, same model) and FKC at the same NFE (the FKC cell of the same model with the largest K whose NFE is at most %.1f× the sampler's; FKC at K = 1 costs one evaluation per source more than the ODE at the same steps); 'naive = same NFE' marks a reference that is both. ", nfeAllowance)
	fmt.Fprintf(b, "ΔSW2 is the sampler's SW2 minus the reference's, paired by run (mean ± SE over runs); two-sided paired t-tests, Holm over all of a setting's comparisons at α = %.2g. ", reports.Alpha)
	b.WriteString("'lower' / 'higher': the sampler's SW2 is established below / above the reference's; 'no detectable difference' says only that this many runs did not show one. p is the raw two-sided p-value; the finding is Holm's decision.\n\n")
	any := false
	for _, s := range settings {
		ps := testSetting(a, s)
		if len(ps) == 0 {
			continue
		}
		any = true
		fmt.Fprintf(b, "### %s (%d comparisons)\n\n| score model | sampler (NFE) | reference (NFE) | reference is | ΔSW2 | runs | p | finding |\n|---|---|---|---|---:|---:|---:|---|\n", s, len(ps))
		for _, p := range ps {
			r := p.Comparison.Result()
			delta, pv := "–", "–"
			if r.N > 0 {
				delta = fmt.Sprintf("%+.4f", r.Estimate)
				if !math.IsNaN(r.SE) {
					delta += fmt.Sprintf(" ± %.4f", r.SE)
				}
			}
			if r.Tested {
				pv = fmt.Sprintf("%.3g", math.Min(1, 2*math.Min(r.PClaimed, r.POpposite)))
			}
			fmt.Fprintf(b, "| %s | %s (%s) | %s (%s) | %s | %s | %d | %s | %s |\n", p.Col, label(p.Method), fmtNFE(p.MethodNFE),
				label(p.Ref), fmtNFE(p.RefNFE), p.Role, delta, r.N, pv, finding(p.Comparison))
		}
		b.WriteString("\n")
	}
	if !any {
		b.WriteString("No setting has a sampler besides the naive SDE to compare.\n\n")
	}
}
