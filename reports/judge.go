package reports

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Verdict is the computed outcome of one claim of a study on one setting (or on the study).
type Verdict struct {
	ID         string // "2/gauss-nfc-id", "7/gmm-ood-alt", "8": unique in a report
	Study      string // the registered study whose rule computed it
	Claim      string // the claim's name within its study ("1" … "8", "a" …)
	Setting    string // the setting judged ("" for a study-wide claim)
	Text, Rule string
	Outcome    string // SUPPORTED, CONTRADICTED, INCONCLUSIVE
	Evidence   string // the numbers used, one comparison per line
	Thresholds string // the thresholds the rule used, with where they came from
	Metric     string
	Alpha      float64 // family-wise error rate of this look
	Runs       int     // runs the verdict used
	// Protocol names the sizes the numbers came from; Departures lists where they depart
	// from the paper's; Reduced is true when any does (or the paper's protocol is unknown).
	Protocol   string
	Departures []string
	Reduced    bool
	Stop       string // -decide: why runs stopped being added
	Missing    bool   // cells the rule needs are absent: more runs cannot decide it
	Next       string // what would decide an INCONCLUSIVE verdict
	// Parts are the claim's parts as tested, in the rule's order (nil for a rule that does not
	// test through a Judge); Evidence says the same in words.
	Parts []VerdictPart
	// Needs are the priced options that would decide an open verdict, cheapest first (the
	// power analysis: power.go, price.go); -decide buys the first.
	Needs []Need
}

// VerdictPart is one part of a claim: its state after the family's Holm step and its
// comparisons. Missing says why a part without comparisons could not be judged.
type VerdictPart struct {
	Label       string
	State       Tri
	Comparisons []ComparisonResult
	Missing     string
}

// Outcomes.
const (
	Supported    = "SUPPORTED"
	Contradicted = "CONTRADICTED"
	Inconclusive = "INCONCLUSIVE"
)

// Label is the outcome as every output prints it: a verdict from a protocol smaller than the
// paper's is never shown as a plain SUPPORTED or CONTRADICTED.
func (v Verdict) Label() string {
	if v.Reduced && v.Outcome != Inconclusive {
		return v.Outcome + " (reduced protocol)"
	}
	return v.Outcome
}

// Anchor is the verdict's HTML id.
func (v Verdict) Anchor() string { return "claim-" + strings.ReplaceAll(v.ID, "/", "-") }

// Tri is a three-valued truth: parts of a claim may hold, fail or stay undecided.
type Tri int

// The values of a Tri.
const (
	Yes Tri = iota
	No
	Undecided
)

func (t Tri) String() string { return [...]string{"yes", "NO", "undecided"}[t] }

// State is a part's or comparison's state as the summary and verdicts.json name it: the
// claimed side established, the opposite side established, or open.
func (t Tri) State() string { return [...]string{"established", "opposite", "open"}[t] }

// Symbol is the state at a glance: ✓ established, ✗ the opposite established, ? open.
func (t Tri) Symbol() string { return [...]string{"✓", "✗", "?"}[t] }

// Outcome is the verdict a claim with this truth value gets.
func (t Tri) Outcome() string { return [...]string{Supported, Contradicted, Inconclusive}[t] }

// All is Kleene conjunction: a false part decides; otherwise an undecided part leaves it open.
func All(ts ...Tri) Tri {
	r := Yes
	for _, t := range ts {
		if t == No {
			return No
		}
		if t == Undecided {
			r = Undecided
		}
	}
	return r
}

// Judge collects one claim's parts, tests them as one family and writes the verdict. A
// study's rule adds parts (each a list of comparisons) and thresholds; Verdict tests every
// hypothesis of the claim together with Holm at the look's α.
type Judge struct {
	R     *Report
	A     *Aggregate
	ID    string
	Alpha float64
	// Protocol labels the verdict (the report's unless a study sets its setting's own).
	Protocol Protocol
	parts    []part
	// thresholds the rule used, in words, printed with the verdict
	thresh []string
	// runLimit, under -decide, keeps the verdict on the runs of its last look (runs < limit)
	// even when its settings got more runs for another claim that was still open.
	runLimit int
}

type part struct {
	label string
	cmps  []*Comparison
	facts []Statement
}

// Statement is an exact statement a claim rests on (a closed form, a theorem check): it
// holds or fails without a test, and adds no hypothesis to the claim's family.
type Statement struct {
	Desc  string
	Holds bool
}

// NewJudge starts the verdict with this ID on the report (at the α of its -decide look).
func NewJudge(r *Report, id string) *Judge {
	j := &Judge{R: r, A: r.Summarize(), ID: id, Alpha: Alpha, Protocol: r.Protocol}
	if r.Sequential != nil {
		looks := r.Sequential.Looks[id]
		j.Alpha = r.Sequential.LookAlphaOf(id)
		if len(looks) > 0 {
			j.runLimit = looks[len(looks)-1]
		}
	}
	return j
}

// NewJudgeFor is NewJudge for a verdict read from a setting whose family sizes its own runs
// and samples: its verdict is labelled with that setting's protocol (s may be nil).
func NewJudgeFor(r *Report, id string, s *SettingResults) *Judge {
	j := NewJudge(r, id)
	if s != nil && s.Protocol != nil {
		j.Protocol = *s.Protocol
	}
	return j
}

// Claim is a study's fixed statement of one claim: the verdict ID it is judged under, the
// short name the summary shows, the paper's words and the rule in words.
type Claim struct{ ID, Name, Text, Rule string }

// ClaimVerdict is Verdict for a study's Claim.
func (j *Judge) ClaimVerdict(study string, c Claim, setting, metric string) Verdict {
	return j.Verdict(study, c.Name, setting, c.Text, c.Rule, metric)
}

// Part adds one part of the claim: it holds when every comparison is established.
func (j *Judge) Part(label string, cmps ...*Comparison) {
	j.parts = append(j.parts, part{label: label, cmps: cmps})
}

// Statements adds one part of the claim that rests on exact statements: it holds when
// every statement holds and fails when one does not (a part without any is undecided).
func (j *Judge) Statements(label string, fs ...Statement) {
	j.parts = append(j.parts, part{label: label, facts: fs})
}

// Threshold records a threshold of the rule, in words, for the verdict.
func (j *Judge) Threshold(text string) { j.thresh = append(j.thresh, text) }

// Verdict tests the claim's family and writes its verdict; text is the claim, rule the rule
// in words, metric what was compared.
func (j *Judge) Verdict(study, claim, setting, text, rule, metric string) Verdict {
	var cs []*Comparison
	for _, p := range j.parts {
		cs = append(cs, p.cmps...)
	}
	TestFamily(cs, j.Alpha)
	v := Verdict{ID: j.ID, Study: study, Claim: claim, Setting: setting, Text: text, Rule: rule,
		Metric: metric, Alpha: j.Alpha, Thresholds: strings.Join(j.thresh, "; ")}
	var ts []Tri
	var ev, missing []string
	noisy := false
	for _, p := range j.parts {
		var pt []Tri
		vp := VerdictPart{Label: p.label}
		for _, c := range p.cmps {
			o := c.Outcome()
			pt = append(pt, o)
			vp.Comparisons = append(vp.Comparisons, c.Result())
			ev = append(ev, "("+p.label+") "+c.String())
			if c.Missing != "" {
				missing = append(missing, c.Desc+": "+c.Missing)
			} else if o == Undecided {
				noisy = true
			}
			v.Runs = max(v.Runs, len(c.D))
		}
		for _, f := range p.facts {
			o := No
			if f.Holds {
				o = Yes
			}
			pt = append(pt, o)
			ev = append(ev, fmt.Sprintf("(%s) %s (exact) → %s", p.label, f.Desc, o))
		}
		t := All(pt...)
		if len(pt) == 0 {
			t = Undecided
			vp.Missing = "part (" + p.label + ") has no cells to compare"
			missing = append(missing, vp.Missing)
		}
		vp.State = t
		v.Parts = append(v.Parts, vp)
		ev = append(ev, fmt.Sprintf("(%s) → %s", p.label, t))
		ts = append(ts, t)
	}
	t := All(ts...)
	if len(ts) == 0 {
		t = Undecided
	}
	v.Outcome = t.Outcome()
	ev = append(ev, fmt.Sprintf("Holm over %d hypotheses at α = %.3g", 2*len(cs), j.Alpha))
	v.Evidence = strings.Join(ev, "\n")
	if t == Undecided {
		var next []string
		if len(missing) > 0 {
			v.Missing = true
			next = append(next, "cells missing: "+strings.Join(missing, "; "))
		}
		if noisy {
			next = append(next, "more runs: go run ./build -decide -budget 30m adds runs only where claims are open")
		}
		v.Next = strings.Join(next, "; ")
	}
	j.Label(&v)
	return v
}

// Label writes the verdict's protocol and its departures from the paper's.
func (j *Judge) Label(v *Verdict) {
	p := j.Protocol
	runs := v.Runs
	if runs == 0 {
		runs = p.Runs
	}
	v.Protocol = ProtocolText(p, runs)
	if j.R.Sequential != nil {
		v.Stop = j.R.Sequential.Stops[v.ID]
		v.Protocol += fmt.Sprintf("; group-sequential, look %d", len(j.R.Sequential.Looks[v.ID]))
	}
	q := j.R.Paper
	if q == nil {
		v.Reduced = true
		v.Departures = []string{"the paper's protocol is unknown to this report"}
		return
	}
	dep := func(ok bool, format string, args ...any) {
		if !ok {
			v.Departures = append(v.Departures, fmt.Sprintf(format, args...))
		}
	}
	dep(runs >= q.Runs, "runs %d (paper %d)", runs, q.Runs)
	dep(p.Samples >= q.Samples, "model samples %d (paper %d)", p.Samples, q.Samples)
	dep(p.TruthSamples >= q.TruthSamples, "ground-truth samples %d (paper %d)", p.TruthSamples, q.TruthSamples)
	dep(p.Steps >= q.Steps, "steps %d (paper %d)", p.Steps, q.Steps)
	dep(MaxInt(p.Ks) >= MaxInt(q.Ks), "K up to %d (paper %d)", MaxInt(p.Ks), MaxInt(q.Ks))
	dep(p.Width >= q.Width && p.Depth >= q.Depth, "MLP %d×%d (paper %d×%d)", p.Depth, p.Width, q.Depth, q.Width)
	dep(p.Iters >= q.Iters, "training iterations %d (paper %d)", p.Iters, q.Iters)
	dep(p.Projections >= q.Projections, "SW2 projections %d (paper %d)", p.Projections, q.Projections)
	v.Reduced = len(v.Departures) > 0
}

// ProtocolText says a protocol's sizes in words, with this many runs.
func ProtocolText(p Protocol, runs int) string {
	return fmt.Sprintf("profile %s: %d runs, %d model / %d ground-truth samples, %d steps, K up to %d, MLP %d×%d trained %d iterations",
		p.Profile, runs, p.Samples, p.TruthSamples, p.Steps, MaxInt(p.Ks), p.Depth, p.Width, p.Iters)
}

// MaxInt is the largest of xs (0 for none).
func MaxInt(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// ---- comparisons on the aggregate -------------------------------------------------------

// Runs returns a cell's finite values by run (within the verdict's look), or why it cannot
// be used.
func (j *Judge) Runs(k CellKey) (map[int]float64, string) {
	c, ok := j.A.Cell(k)
	if !ok {
		return nil, fmt.Sprintf("%s %s K=%d not computed", k.Setting, k.Column, k.K)
	}
	if j.runLimit > 0 {
		v := map[int]float64{}
		for r, x := range c.Runs {
			if r < j.runLimit {
				v[r] = x
			}
		}
		return v, ""
	}
	return c.Runs, ""
}

// Paired returns f(x_A, x_B) per run present in both cells, or why it cannot.
func (j *Judge) Paired(a, b CellKey, f func(x, y float64) float64) ([]float64, string) {
	va, m1 := j.Runs(a)
	vb, m2 := j.Runs(b)
	if m1 != "" || m2 != "" {
		return nil, strings.Trim(m1+"; "+m2, "; ")
	}
	return PairRuns(va, vb, f)
}

// PairRuns applies f to the values of the runs present in both maps, in run order; the
// second result says why a paired test cannot be made ("" when it can).
func PairRuns(va, vb map[int]float64, f func(x, y float64) float64) ([]float64, string) {
	var runs []int
	for r := range va {
		if _, ok := vb[r]; ok {
			runs = append(runs, r)
		}
	}
	sort.Ints(runs)
	d := make([]float64, len(runs))
	for i, r := range runs {
		d[i] = f(va[r], vb[r])
	}
	if len(d) < 2 {
		return d, fmt.Sprintf("%d runs in common; a paired test needs 2", len(d))
	}
	return d, ""
}

// Effect claims that f(A, B) per run is above 0 (above) or below 0: an effect, tested both
// ways.
func (j *Judge) Effect(desc string, a, b CellKey, f func(x, y float64) float64, above bool) *Comparison {
	d, miss := j.Paired(a, b, f)
	return &Comparison{Desc: desc, D: d, Above: above, Missing: miss}
}

// Absence claims that f(A, B) per run is below margin — the equivalence half (TOST) on the
// side the claim denies; the opposite is established when it is above 0.
func (j *Judge) Absence(desc string, a, b CellKey, f func(x, y float64) float64, margin float64) *Comparison {
	d, miss := j.Paired(a, b, f)
	return &Comparison{Desc: desc, D: d, YesBound: margin, NoBound: 0, Missing: miss}
}

// Level claims that the mean of f(x) over runs is above (or below) tau.
func (j *Judge) Level(desc string, k CellKey, f func(x float64) float64, tau float64, above bool) *Comparison {
	v, miss := j.Runs(k)
	var d []float64
	for _, x := range SortedRuns(v) {
		d = append(d, f(x))
	}
	if miss == "" && len(d) < 2 {
		miss = fmt.Sprintf("%d finite runs; a test needs 2", len(d))
	}
	return &Comparison{Desc: desc, D: d, Above: above, YesBound: tau, NoBound: tau, Missing: miss}
}

// Missing stands in for a comparison the study cannot make, saying why; it states no side
// or bounds (NaN), so none are reported for it.
func Missing(desc, why string) *Comparison {
	return &Comparison{Desc: desc, Missing: why, YesBound: math.NaN(), NoBound: math.NaN()}
}

// SortedRuns lists the values in run order.
func SortedRuns(v map[int]float64) []float64 {
	runs := make([]int, 0, len(v))
	for r := range v {
		runs = append(runs, r)
	}
	sort.Ints(runs)
	out := make([]float64, len(runs))
	for i, r := range runs {
		out[i] = v[r]
	}
	return out
}
