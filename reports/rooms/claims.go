package rooms

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/compdiff/compdiff/core/room"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// ClaimTexts are the paper's readings of its Figure 2 (SPEC §11) and, as e, Theorem 3's
// consequence for the exact scores.
var ClaimTexts = map[string]string{
	"a": "painting, ID: naive sampling mostly draws both objects, occasionally omits one; K = 16 makes both appear more often.",
	"b": "table, ID: naive sampling often fails to draw both and warps; K = 16 corrects it (higher couch+X share, fewer invalid).",
	"c": "painting, OOD: objects often appear alone; K = 16 is no better and more warped.",
	"d": "table, OOD: couch and table rarely appear together; warping is severe for both naive sampling and K = 16.",
	"e": "factorized room, exact scores (Theorem 3: g ≡ 0): naive sampling already reaches the target and K = 16 brings no gain.",
}

// The words of the claims as numbers, fixed before any result was seen. Shares are per-run
// fractions of the cell's samples read by the room's classifier.
const (
	kPaper     = 16   // the paper's K (its Figure 2 compares K = 1 with K = 16)
	mostly     = 0.5  // "mostly": more than half of the samples
	occasional = 0.01 // "occasionally": more than 1 in 100
	often      = 0.10 // "often": more than 1 in 10 ("rarely": fewer than 1 in 10)
	severe     = 0.25 // "severe warping": more than 1 in 4 samples invalid
	// shareMargin δ is the equivalence margin of "no better" / "no gain": a change of the
	// couch+X share (or of the TV distance) below 0.1 — one image in ten, finer than the
	// paper's grids of a handful of samples could show.
	shareMargin = 0.10
	// reachMargin is how far beyond its sampling floor the TV of "already reaches the
	// target" may lie: 0.05, one image in twenty.
	reachMargin = 0.05
)

// RuleDefinitions states the tests every rule uses, in plain words.
const RuleDefinitions = "Each sample is read by the room's classifier: the class of its nearest template, or invalid when it is not clearly a room " +
	"(a ghost of two rooms, a half-drawn object, a diverged image; grain alone is not invalid). Per cell and run: the share of each class, " +
	"'all' = the share of the class holding every object (couch+X), 'partial' = the share showing some objects but not all (an object alone), " +
	"'invalid', and 'tv' = total variation to the exact target's class weights. " +
	"Claims a–d are judged on the conditional model trained on the setting's largest pool N (the paper's Figure 2 shows one class-conditional network), " +
	"comparing FKC with K = 1 (naive) and K = 16 (the paper's K), paired by run (every K of one run shares the pool, the network and the ground truth): " +
	"one-sample t-tests on per-run values or differences. Words as numbers, fixed in advance: 'mostly' = share > 0.5; 'occasionally' = > 0.01; " +
	"'often' = > 0.10; 'rarely' = < 0.10; 'warps' = more invalid samples than the exact scores give with the same sampler in the same run " +
	"(so the sampler's own discretisation is not counted); 'more warped' / 'fewer invalid' = the invalid share moves that way from K = 1 to K = 16; " +
	"'severe' = invalid share > 0.25; 'more often' / 'higher' = the couch+X share rises from K = 1 to K = 16; " +
	"'no better' = an equivalence test (the TOST half on the side the claim denies) shows the couch+X share rises by less than δ = 0.1. " +
	"Claim e (Theorem 3) is judged on the exact scores of every factorized setting: TV at K = 1 below τ = F + 0.05, F the expected TV of the " +
	"profile's sample count drawn from the target itself (½Σ_c √(2π_c(1−π_c)/(πn))), and K = 16 not better than K = 1 by δ = 0.1 on TV. " +
	"All hypotheses of one claim (each comparison tested both ways) form one family, tested with Holm's step-down procedure at α = 0.05 " +
	"(under -decide, at the look's share of α). A part holds when all its comparisons are established, fails when any is established the other way; " +
	"a claim is CONTRADICTED if any part fails, SUPPORTED if all hold, INCONCLUSIVE otherwise. " +
	"The released OOD weights and the product-form variants are judged by the same rules, side by side."

// rule judges one claim on one setting by adding parts to a judge.
type rule struct {
	text  string // the rule in words
	judge func(j *judge, s *reports.SettingResults)
}

var rules = map[string]rule{
	"a": {"(a1) mostly draws both: K=1 all > 0.5; (a2) occasionally omits one: K=1 partial > 0.01; (a3) both more often: all(K=16) − all(K=1) > 0.",
		func(j *judge, s *reports.SettingResults) {
			col := j.column(s)
			j.Part("a1", j.level(s, col, 1, room.MetricAll, mostly, true))
			j.Part("a2", j.level(s, col, 1, room.MetricPartial, occasional, true))
			j.Part("a3", j.rise(s, col, room.MetricAll, true))
		}},
	"b": {"(b1) often fails to draw both: K=1 all < 0.9; (b2) warps: K=1 invalid above the exact scores' K=1 invalid; " +
		"(b3) higher couch+X share: all(K=16) − all(K=1) > 0; (b4) fewer invalid: invalid(K=16) − invalid(K=1) < 0.",
		func(j *judge, s *reports.SettingResults) {
			col := j.column(s)
			j.Part("b1", j.level(s, col, 1, room.MetricAll, 1-often, false))
			j.Part("b2", j.warps(s, col, 1))
			j.Part("b3", j.rise(s, col, room.MetricAll, true))
			j.Part("b4", j.rise(s, col, room.MetricInvalid, false))
		}},
	"c": {"(c1) objects often alone: K=1 partial > 0.10; (c2) K=16 no better: all(K=16) − all(K=1) < δ = 0.1 (equivalence); " +
		"(c3) more warped: invalid(K=16) − invalid(K=1) > 0.",
		func(j *judge, s *reports.SettingResults) {
			col := j.column(s)
			j.Part("c1", j.level(s, col, 1, room.MetricPartial, often, true))
			j.Part("c2", j.noGain(s, col, room.MetricAll, func(k1, k16 float64) float64 { return k16 - k1 }))
			j.Part("c3", j.rise(s, col, room.MetricInvalid, true))
		}},
	"d": {"(d1) rarely together: all < 0.10 at K=1 and at K=16; (d2) severe warping for both: invalid > 0.25 at K=1 and at K=16.",
		func(j *judge, s *reports.SettingResults) {
			col := j.column(s)
			j.Part("d1", j.level(s, col, 1, room.MetricAll, often, false), j.level(s, col, kPaper, room.MetricAll, often, false))
			j.Part("d2", j.level(s, col, 1, room.MetricInvalid, severe, true), j.level(s, col, kPaper, room.MetricInvalid, severe, true))
		}},
}

// ruleE is claim e on a factorized setting, with the exact scores.
const ruleE = "(e1) exact scores, K=1: TV below τ = F + 0.05 (F the TV sampling floor of the profile's sample count); " +
	"(e2) no gain at K=16: TV(K=1) − TV(K=16) < δ = 0.1 (equivalence). The g ≡ 0 check itself is among the theorem checks."

// verdicts judges the claim each setting names, then claim e on every factorized setting.
func verdicts(r *reports.Report, settings []*reports.SettingResults) []reports.Verdict {
	var out []reports.Verdict
	for _, s := range settings {
		if ru, ok := rules[s.Claim]; ok {
			j := newJudge(r, s, s.Claim+"/"+s.ID)
			ru.judge(j, s)
			out = append(out, j.verdict(s.Claim, s.ID, ru.text))
		}
	}
	for _, s := range settings {
		rs, err := readRoom(&s.Setting)
		if err != nil || rs.factorized != nil {
			continue
		}
		j := newJudge(r, s, "e/"+s.ID)
		if n := j.Protocol.Samples; n > 0 {
			floor := tvFloor(rs.target, n)
			j.Threshold(fmt.Sprintf("τ = F + %.2g = %.4g with F = %.4g, the expected TV of %d samples of the target's class weights", reachMargin, floor+reachMargin, floor, n))
			j.Part("e1", j.level(s, cell.Exact(), 1, room.MetricTV, floor+reachMargin, false))
		} else {
			j.Part("e1", reports.Missing(s.ID+": exact K=1 TV below τ", "the protocol gives no sample count for the TV floor"))
		}
		j.Part("e2", j.noGain(s, cell.Exact(), room.MetricTV, func(k1, k16 float64) float64 { return k1 - k16 }))
		out = append(out, j.verdict("e", s.ID, ruleE))
	}
	sort.SliceStable(out, func(x, y int) bool { return out[x].Claim < out[y].Claim })
	return out
}

// tvFloor is E[TV] between n draws from the class weights p and p itself: ½Σ_c E|p̂_c − p_c|
// with p̂_c ≈ N(p_c, p_c(1 − p_c)/n), E|N(0, v)| = √(2v/π).
func tvFloor(p []float64, n int) float64 {
	f := 0.0
	for _, q := range p {
		f += math.Sqrt(2 * q * (1 - q) / (math.Pi * float64(n)))
	}
	return f / 2
}

// judge is the claims engine's judge for one room verdict.
type judge struct {
	*reports.Judge
}

// paperProtocol is what the paper's room experiment used (SPEC §11) as far as a Protocol
// can say it: 100 sampler steps, K up to 16, one trained network; the network and image
// size differ in kind and are named among the departures.
var paperProtocol = reports.Protocol{Profile: "paper (SPEC §11)", Runs: 1, Steps: 100, Ks: []int{1, kPaper}}

// roomDepartures are what always separates this study from the paper's experiment.
var roomDepartures = []string{
	"16×16 procedural grayscale rooms (paper: 256×256 FLUX.1 renders)",
	"ε-prediction MLP on pixels (paper: class-conditional U-Net, v-prediction)",
}

func newJudge(r *reports.Report, s *reports.SettingResults, id string) *judge {
	rr := *r // the verdicts are labelled against the paper's room experiment, not its 2-D one
	rr.Paper = &paperProtocol
	return &judge{Judge: reports.NewJudgeFor(&rr, id, s)}
}

func (j *judge) verdict(claim, setting, rule string) reports.Verdict {
	v := j.Verdict(studyName, claim, setting, ClaimTexts[claim], rule, "class shares")
	v.Departures = append(v.Departures, roomDepartures...)
	v.Reduced = true
	return v
}

// column is the conditional model trained on the setting's largest pool.
func (j *judge) column(s *reports.SettingResults) cell.Column {
	ns := s.Ns
	if len(ns) == 0 {
		ns, _ = j.A.Grid(s.ID)
	}
	if len(ns) == 0 {
		return cell.Learned(cell.Conditional, 0)
	}
	return cell.Learned(cell.Conditional, ns[len(ns)-1])
}

func key(s string, col cell.Column, k int, metric string) reports.CellKey {
	return reports.CellKey{Setting: s, Column: col, Method: cell.FKC, K: k, Metric: metric}
}

func name(col cell.Column, k int) string { return fmt.Sprintf("%s K=%d", col, k) }

func identity(x float64) float64 { return x }

// level claims the cell's mean share is above (or below) tau.
func (j *judge) level(s *reports.SettingResults, col cell.Column, k int, metric string, tau float64, above bool) *reports.Comparison {
	side := map[bool]string{true: ">", false: "<"}[above]
	return j.Level(fmt.Sprintf("%s: %s %s %s %.3g", s.ID, name(col, k), metric, side, tau), key(s.ID, col, k, metric), identity, tau, above)
}

// rise claims the metric goes up (or down) from K = 1 to K = 16, paired by run.
func (j *judge) rise(s *reports.SettingResults, col cell.Column, metric string, up bool) *reports.Comparison {
	way := map[bool]string{true: "higher", false: "lower"}[up]
	return j.Effect(fmt.Sprintf("%s: %s %s %s at K=%d than at K=1", s.ID, col, metric, way, kPaper),
		key(s.ID, col, kPaper, metric), key(s.ID, col, 1, metric), func(x, y float64) float64 { return x - y }, up)
}

// noGain claims gain(K=1 value, K=16 value) stays below the margin δ (equivalence).
func (j *judge) noGain(s *reports.SettingResults, col cell.Column, metric string, gain func(k1, k16 float64) float64) *reports.Comparison {
	j.Threshold(fmt.Sprintf("equivalence margin on %s: δ = %.2g", metric, shareMargin))
	return j.Absence(fmt.Sprintf("%s: %s no gain in %s at K=%d over K=1 by δ", s.ID, col, metric, kPaper),
		key(s.ID, col, 1, metric), key(s.ID, col, kPaper, metric), gain, shareMargin)
}

// warps claims the model's invalid share at K exceeds the exact scores' in the same run.
func (j *judge) warps(s *reports.SettingResults, col cell.Column, k int) *reports.Comparison {
	return j.Effect(fmt.Sprintf("%s: %s invalid above %s", s.ID, name(col, k), name(cell.Exact(), k)),
		key(s.ID, col, k, room.MetricInvalid), key(s.ID, cell.Exact(), k, room.MetricInvalid), func(x, y float64) float64 { return x - y }, true)
}

// classList formats class weights as "empty 0.0004, couch 0.0196, …".
func classList(sp room.Spec, w []float64) string {
	var parts []string
	for c, v := range w {
		parts = append(parts, fmt.Sprintf("%s %.4g", room.ClassName(sp, c), v))
	}
	return strings.Join(parts, ", ")
}
