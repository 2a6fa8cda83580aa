package reports

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/compdiff/compdiff/data/cell"
)

// Verdict is the computed outcome of one of the paper's claims (SPEC §9) on one setting (or,
// for claims 7 and 8, on the study).
type Verdict struct {
	ID         string // "2/gauss-nfc-id", "7/gmm-ood-alt", "8": unique in a report
	Claim      int
	Setting    string // the setting judged ("" for claim 8)
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

// ClaimTexts are the paper's claims as SPEC §9 states them.
var ClaimTexts = [8]string{
	"fc-id: naive sampling (K=1) is already accurate; FKC brings no gain and hurts the N=100 model.",
	"nfc-id: naive is poor; FKC improves with K for well-trained (N=10000) and analytic scores.",
	"fc-ood: naive is reasonable; with learned scores FKC gets worse as K grows; analytic stays good.",
	"nfc-ood: all learned models fit poorly and FKC makes them worse; only analytic scores improve with K.",
	"gmm-id: FKC corrects the composition; only N=100 at large K is hurt.",
	"gmm-ood: small K helps, larger K hurts learned models; analytic improves consistently.",
	"Separate experts compose a little worse than one conditional model; the exception is gmm-ood, where they degrade less beyond K=4.",
	"Theorems 1–3 hold numerically (Σw formula; naive ODE gives Π Σa^{w_a}; g ≡ 0 for factorized conditionals).",
}

// Fixed in advance, in units of the target's scale (RMS per-coordinate std of the ground truth).
const (
	// "accurate": a bias beyond the exact-score Euler error of at most 0.03·scale, about half
	// the naive SDE's composition error on gauss-nfc-id (0.056·scale at 500 steps, 0.049 at
	// 80: what the paper calls poor).
	accurateMargin = 0.03
	// "reasonable": a bias below 0.055·scale, i.e. better than what the paper calls poor.
	reasonableMargin = 0.055
	// "no gain", "does not hurt": SW2² changes by less than adding a 0.03·scale bias would.
	absenceMargin = 0.03
	largeKMin     = 16 // claims about large K need some K ≥ 16
	smallK        = 4  // the paper's "small K" (and claim 7's "beyond K=4")
	claimMetric   = "sw2"
	wellTrainedN  = 10000
	underTrainedN = 100
)

// RuleDefinitions states the tests every rule of claims 1–7 uses, in plain words.
const RuleDefinitions = "Metric SW2 of the conditional model unless a rule says otherwise. " +
	"Each comparison is fixed in advance and paired by run: every K of one run shares its training pool, model and ground-truth sample, " +
	"so the test is a one-sample t-test on the per-run differences (n − 1 degrees of freedom). " +
	"'A improves on B' = the mean difference is below 0; 'hurts' = above 0. " +
	"An absence ('no gain', 'does not hurt') holds only when an equivalence test (the TOST half on the side the claim denies) shows the paired difference of SW2² is smaller than the margin δ² = (0.03·scale)²; " +
	"a failure to find an effect never counts as its absence. " +
	"Thresholds come from the profile and are tested on SW2², where independent errors add: E is the SW2 that Euler–Maruyama with the target's exact score reaches at the profile's step count " +
	"(closed form for Gaussian targets, 0 otherwise) and F the SW2 sampling floor at the profile's sample sizes (split halves of the ground truth, rescaled); " +
	"'accurate' = mean SW2² below τ² = E² + F² + (0.03·scale)² (a bias of at most 0.03·scale, half the naive error on gauss-nfc-id that the paper calls poor), " +
	"'reasonable' = below E² + F² + (0.055·scale)², 'poor' = above the accurate τ². " +
	"All hypotheses of one claim (each comparison tested both ways) form one family, tested with Holm's step-down procedure at α = 0.05 " +
	"(under -decide, at the look's share of α). A part holds when all its comparisons are established, fails when any is established the other way, and is undecided otherwise; " +
	"a claim is CONTRADICTED if any part fails, SUPPORTED if all hold, INCONCLUSIVE otherwise. " +
	"Kmax is the largest K computed (must be ≥ 16); N=100 and N=10000 are the paper's under- and well-trained pools."

// tri is a three-valued truth: parts of a claim may be true, false or undecidable.
type tri int

const (
	yes tri = iota
	no
	unknown
)

func (t tri) String() string { return [...]string{"yes", "NO", "undecided"}[t] }

func (t tri) outcome() string { return [...]string{Supported, Contradicted, Inconclusive}[t] }

// all is Kleene conjunction: a false part decides; otherwise an undecided part leaves it open.
func all(ts ...tri) tri {
	r := yes
	for _, t := range ts {
		if t == no {
			return no
		}
		if t == unknown {
			r = unknown
		}
	}
	return r
}

// rule judges one claim on one setting by adding parts to a judge.
type rule struct {
	claim int
	text  string // the rule in words, specific to the claim
	judge func(j *judge, s *SettingResults)
}

// Rules lists the claims a setting can name with `claim:` in the spec, by number.
var rules = map[string]rule{
	"1": claim1, "2": claim2, "3": claim3, "4": claim4, "5": claim5, "6": claim6,
}

// CheckClaimName tells whether a spec's `claim:` value names a rule of the study that
// settings of this family belong to.
func CheckClaimName(family, c string) error {
	if _, ok := rules[c]; ok || c == "" {
		return nil
	}
	var names []string
	for n := range rules {
		names = append(names, n)
	}
	sort.Strings(names)
	return fmt.Errorf("claim %q names no rule; use one of %s (the paper's claims, SPEC §9) or leave it out", c, strings.Join(names, ", "))
}

// CheckClaims evaluates the claims of SPEC §9 on the study: claims 1–6 on every setting that
// names them, claim 7 once per setting of claim 6 (with the settings of claims 1–5 for its
// first part), claim 8 on the theorem checks.
func CheckClaims(st *Study) []Verdict {
	a := aggregate(st.Results)
	var out []Verdict
	for i := range st.Settings {
		s := &st.Settings[i]
		r, ok := rules[s.Claim]
		if !ok {
			continue
		}
		j := newJudge(st, a, fmt.Sprintf("%d/%s", r.claim, s.ID))
		r.judge(j, s)
		out = append(out, j.verdict(r.claim, s.ID, r.text))
	}
	for i := range st.Settings {
		if s := &st.Settings[i]; s.Claim == "6" {
			j := newJudge(st, a, "7/"+s.ID)
			claim7(j, s)
			out = append(out, j.verdict(7, s.ID, claim7Rule))
		}
	}
	out = append(out, claim8(st))
	sort.SliceStable(out, func(x, y int) bool { return out[x].Claim < out[y].Claim })
	return out
}

// judge collects one claim's parts, tests them as one family and writes the verdict.
type judge struct {
	st     *Study
	a      agg
	id     string
	alpha  float64
	parts  []part
	thresh []string
	// runLimit, under -decide, keeps the verdict on the runs of its last look (runs < limit)
	// even when its settings got more runs for another claim that was still open.
	runLimit int
}

type part struct {
	label string
	cmps  []*comparison
}

func newJudge(st *Study, a agg, id string) *judge {
	j := &judge{st: st, a: a, id: id, alpha: Alpha}
	if st.Sequential != nil {
		looks := st.Sequential.Looks[id]
		j.alpha = lookAlpha(looks, st.Sequential.MaxRuns)
		if len(looks) > 0 {
			j.runLimit = looks[len(looks)-1]
		}
	}
	return j
}

func (j *judge) part(label string, cmps ...*comparison) { j.parts = append(j.parts, part{label, cmps}) }

func (j *judge) verdict(claim int, setting, text string) Verdict {
	var cs []*comparison
	for _, p := range j.parts {
		cs = append(cs, p.cmps...)
	}
	testFamily(cs, j.alpha)
	v := Verdict{ID: j.id, Claim: claim, Setting: setting, Text: ClaimTexts[claim-1], Rule: text,
		Metric: "SW2", Alpha: j.alpha, Thresholds: strings.Join(j.thresh, "; ")}
	var ts []tri
	var ev, missing []string
	noisy := false
	for _, p := range j.parts {
		var pt []tri
		for _, c := range p.cmps {
			o := c.outcome()
			pt = append(pt, o)
			ev = append(ev, "("+p.label+") "+c.String())
			if c.Missing != "" {
				missing = append(missing, c.Desc+": "+c.Missing)
			} else if o == unknown {
				noisy = true
			}
			v.Runs = max(v.Runs, len(c.D))
		}
		t := all(pt...)
		if len(pt) == 0 {
			t = unknown
			missing = append(missing, "part ("+p.label+") has no cells to compare")
		}
		ev = append(ev, fmt.Sprintf("(%s) → %s", p.label, t))
		ts = append(ts, t)
	}
	t := all(ts...)
	if len(ts) == 0 {
		t = unknown
	}
	v.Outcome = t.outcome()
	ev = append(ev, fmt.Sprintf("Holm over %d hypotheses at α = %.3g", 2*len(cs), j.alpha))
	v.Evidence = strings.Join(ev, "\n")
	if t == unknown {
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
	j.label(&v)
	return v
}

// label writes the verdict's protocol and its departures from the paper's.
func (j *judge) label(v *Verdict) {
	p := j.st.Protocol
	runs := v.Runs
	if runs == 0 {
		runs = p.Runs
	}
	v.Protocol = fmt.Sprintf("profile %s: %d runs, %d model / %d ground-truth samples, %d steps, K up to %d, MLP %d×%d trained %d iterations",
		p.Profile, runs, p.Samples, p.TruthSamples, p.Steps, maxInt(p.Ks), p.Depth, p.Width, p.Iters)
	if j.st.Sequential != nil {
		v.Stop = j.st.Sequential.Stops[v.ID]
		v.Protocol += fmt.Sprintf("; group-sequential, look %d", len(j.st.Sequential.Looks[v.ID]))
	}
	q := j.st.Paper
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
	dep(maxInt(p.Ks) >= maxInt(q.Ks), "K up to %d (paper %d)", maxInt(p.Ks), maxInt(q.Ks))
	dep(p.Width >= q.Width && p.Depth >= q.Depth, "MLP %d×%d (paper %d×%d)", p.Depth, p.Width, q.Depth, q.Width)
	dep(p.Iters >= q.Iters, "training iterations %d (paper %d)", p.Iters, q.Iters)
	dep(p.Projections >= q.Projections, "SW2 projections %d (paper %d)", p.Projections, q.Projections)
	v.Reduced = len(v.Departures) > 0
}

func maxInt(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// ---- cells and comparisons -------------------------------------------------------------

func learned(n int) cell.Column { return cell.Learned(cell.Conditional, n) }

// values returns a cell's finite values by run, or why it cannot be used.
func (j *judge) values(s string, col cell.Column, k int) (map[int]float64, string) {
	c, ok := j.a[cellKey{s, col, k, claimMetric}]
	if !ok || c.N == 0 {
		return nil, fmt.Sprintf("%s %s K=%d not computed", s, col, k)
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

// paired returns x_A − x_B per run present in both, or why it cannot.
func (j *judge) paired(s string, a cell.Column, ka int, b cell.Column, kb int) ([]float64, string) {
	va, m1 := j.values(s, a, ka)
	vb, m2 := j.values(s, b, kb)
	if m1 != "" || m2 != "" {
		return nil, strings.Trim(m1+"; "+m2, "; ")
	}
	return pairRuns(va, vb, func(x, y float64) float64 { return x - y })
}

func pairRuns(va, vb map[int]float64, f func(x, y float64) float64) ([]float64, string) {
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

func cellName(col cell.Column, k int) string { return fmt.Sprintf("%s K=%d", col, k) }

// worse claims that cell A has larger SW2 than cell B (paired by run).
func (j *judge) worse(s string, a cell.Column, ka int, b cell.Column, kb int) *comparison {
	d, miss := j.paired(s, a, ka, b, kb)
	return &comparison{Desc: fmt.Sprintf("%s: %s worse than %s", s, cellName(a, ka), cellName(b, kb)), D: d, Above: true, Missing: miss}
}

// notWorse claims that cell A is not worse than cell B by the absence margin, on SW2².
func (j *judge) notWorse(s string, a cell.Column, ka int, b cell.Column, kb int) *comparison {
	va, m1 := j.values(s, a, ka)
	vb, m2 := j.values(s, b, kb)
	var d []float64
	miss := strings.Trim(m1+"; "+m2, "; ")
	if miss == "" {
		d, miss = pairRuns(va, vb, func(x, y float64) float64 { return x*x - y*y })
	}
	delta := absenceMargin * j.scale(s)
	return &comparison{Desc: fmt.Sprintf("%s: %s not worse than %s by δ² (on SW2²)", s, cellName(a, ka), cellName(b, kb)),
		D: d, YesBound: delta * delta, NoBound: 0, Missing: miss}
}

// below claims a cell's mean SW2 is below tau; above that it exceeds tau.
func (j *judge) below(s string, col cell.Column, k int, tau float64, what string) *comparison {
	return j.threshold(s, col, k, tau, what, false)
}

func (j *judge) above(s string, col cell.Column, k int, tau float64, what string) *comparison {
	return j.threshold(s, col, k, tau, what, true)
}

func (j *judge) threshold(s string, col cell.Column, k int, tau float64, what string, above bool) *comparison {
	v, miss := j.values(s, col, k)
	var d []float64
	for _, x := range sortedRuns(v) {
		d = append(d, x*x) // SW2²: the floor, the Euler error and a bias add
	}
	if miss == "" && len(d) < 2 {
		miss = fmt.Sprintf("%d finite runs; a test needs 2", len(d))
	}
	return &comparison{Desc: fmt.Sprintf("%s: %s %s (on SW2²)", s, cellName(col, k), what), D: d, Above: above,
		YesBound: tau, NoBound: tau, Missing: miss}
}

func sortedRuns(v map[int]float64) []float64 {
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

// ---- the setting's grid and thresholds ------------------------------------------------

func (j *judge) settingOf(id string) *SettingResults {
	for i := range j.st.Settings {
		if j.st.Settings[i].ID == id {
			return &j.st.Settings[i]
		}
	}
	return nil
}

// scale is the target's RMS std (from the reference, else the ground-truth sample, else 1).
func (j *judge) scale(id string) float64 {
	if s := j.settingOf(id); s != nil {
		if s.Reference.Scale > 0 {
			return s.Reference.Scale
		}
		if v := pointScale(s.TruthSample); v > 0 {
			return v
		}
	}
	return 1
}

// reach is R² = E² + F²: the SW2² that exact scores reach at the profile's steps and sizes.
func (j *judge) reach(id string) float64 {
	s := j.settingOf(id)
	if s == nil {
		return 0
	}
	e := s.Reference.EulerSW2
	if math.IsNaN(e) {
		e = 0
	}
	return e*e + s.Reference.SW2Floor*s.Reference.SW2Floor
}

// tau is τ² = R² + (margin·scale)², recorded with its parts for the verdict.
func (j *judge) tau(id string, margin float64, name string) float64 {
	s := j.settingOf(id)
	r, sc := j.reach(id), j.scale(id)
	t := r + margin*margin*sc*sc
	if s != nil {
		e := "n/a (not a Gaussian target)"
		if !math.IsNaN(s.Reference.EulerSW2) {
			e = strconv.FormatFloat(s.Reference.EulerSW2, 'g', 3, 64)
		}
		j.thresh = append(j.thresh, fmt.Sprintf("%s: τ² = E² + F² + (%.3g·scale)² = %.4g, i.e. SW2 below %.4g (Euler bias E = %s at %d steps, sampling floor F = %.3g at %d model / %d truth samples, scale %.3g)",
			name, margin, t, math.Sqrt(t), e, j.st.Protocol.Steps, s.Reference.SW2Floor, j.st.Protocol.Samples, j.st.Protocol.TruthSamples, sc))
	}
	return t
}

func (j *judge) margin(id string) {
	d := absenceMargin * j.scale(id)
	j.thresh = append(j.thresh, fmt.Sprintf("absence margin on SW2²: δ² = (%.2g·scale)² = %.4g", absenceMargin, d*d))
}

// kmax is the largest K of the setting (0 when below largeKMin); kBelow the next smaller K.
func (j *judge) kmax(s *SettingResults) int {
	ks := tableKs(s, j.st.Results)
	if len(ks) == 0 || ks[len(ks)-1] < largeKMin {
		return 0
	}
	return ks[len(ks)-1]
}

func (j *judge) kBelow(s *SettingResults, k int) int {
	prev := 0
	for _, x := range tableKs(s, j.st.Results) {
		if x < k {
			prev = x
		}
	}
	return prev
}

// learnedNs lists the learned pool sizes of the setting.
func (j *judge) learnedNs(s *SettingResults) []int {
	if len(s.Ns) > 0 {
		return s.Ns
	}
	ns, _ := gridOf(j.st.Results, s.ID)
	return ns
}

// missingK stands in for a comparison that needs a K the study lacks.
func missingK(s string, what string) *comparison {
	return &comparison{Desc: s + ": " + what, Missing: fmt.Sprintf("needs some K ≥ %d (and K = %d)", largeKMin, smallK)}
}

// Anchor is the verdict's HTML id.
func (v Verdict) Anchor() string { return "claim-" + strings.ReplaceAll(v.ID, "/", "-") }
