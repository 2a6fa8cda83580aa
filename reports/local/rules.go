package local

import (
	"fmt"
	"strings"

	"github.com/compdiff/compdiff/core/local"
	"github.com/compdiff/compdiff/reports"
)

// The thresholds of the rules, fixed in advance from the seed's words (not from results).
const (
	// highNoise: "at high noise" is the noise levels s ≤ 0.3 of local.Levels, where the noise
	// is more than ten times the signal (σ/α = 58 at s = 0.1, 12 at s = 0.3; 3.4 at s = 0.5).
	highNoise = 0.3
	// strayShare: "plus stray objects" — more than a quarter of the samples (the seed's own
	// "more than 25% of the time") hold an object outside the requested cell.
	strayShare = 0.25
)

// RuleDefinitions states once how the study's rules test.
const RuleDefinitions = "Every sample is read by the nearest template per cell (invalid when a cell is near no template; ≤ 0.5% of true scenes are flagged). " +
	"A sample for K requested cells succeeds (the seed's §E.2 made exact) when it is valid, holds at most e objects outside the requested cells — e = M−1 for the networks trained on single-label data, whose training scenes hold up to M−1 unlabelled objects (the seed's '+(0–M−1)'), e = 0 otherwise — and fills every requested cell for K ≤ M, all but at most two for K > M ('between K−2 and K objects'). " +
	"K succeeds when more than a quarter of the samples succeed for K > M (the seed's 'more than 25% of the time') and more than half for K ≤ M (the seed asks for 'exactly K objects' without a share); K_max is the largest K such that every K' = 1…K succeeds (0 when K = 1 fails). " +
	"'Generalises beyond M' = K_max ≥ M+1: the success share above its threshold at every K = 1…M+1; 'K_max = 1' = above ½ at K = 1 and below ½ at K = 2; 'length generalisation fails' = below ¼ at K = M+1 (then K_max ≤ M). " +
	"Locality: the far share is the share of the conditioners' influence |x̂0(x; R)_i − x̂0(x; R∖j)_i|² (seed 001 eq. 10) on cells i farther than the local network's patch radius from the conditioner's cell j; 'at high noise' = its mean over the noise levels s ≤ 0.3 and the settings with K > M, per run; 'more local' = a lower far share, paired by run. " +
	"Every comparison is a one-sample t-test on per-run values (n − 1 degrees of freedom); each claim's hypotheses form one family, tested with Holm's step-down procedure at α = 0.05. Exact statements (Lemma 1's theorem checks) hold or fail without a test. " +
	"A claim is CONTRADICTED if any part fails, SUPPORTED if all hold, INCONCLUSIVE otherwise."

// claim is one of the study's verdicts: its id, the number it shows, its text and rule.
type claim = reports.Claim

var (
	claimAll = claim{ID: "001-all", Name: "all labels", Text: "Experiment 1: a model whose conditioner labels every object's location generalises beyond the M objects of its training scenes (Table 1: K_max = 9 for M = 3).",
		Rule: "labels-all network, naive SDE: the success share exceeds its threshold at every K = 1…M+1 (K_max ≥ M+1)."}
	claimSingle = claim{ID: "001-single", Name: "single label", Text: "Experiment 2: the same model with one random object's location labelled does not length-generalise: K_max = 1, plus stray objects (Table 1: 1 + (0–M−1)).",
		Rule: "labels-single network: (a) success share above ½ at K = 1; (b) below ½ at K = 2; (c) at K = 1 more than a quarter of the valid samples hold an object outside the requested cell."}
	claimLocal = claim{ID: "001-local", Name: "local network", Text: "Experiment 3: the local network — each cell denoised from a patch with the conditioners inside it and its position — trained on the single-label data restores length generalisation (Table 1: 9 + (0–2) for M = 3).",
		Rule: "local-patch network (strays up to M−1 allowed): the success share exceeds its threshold at every K = 1…M+1 (K_max ≥ M+1)."}
	claimWhole = claim{ID: "001-whole", Name: "whole-scene control", Text: "The same local network with a patch covering the whole scene fails like the single-label model (length generalisation fails).",
		Rule: "local-whole network: (a) success share above ½ at K = 1; (b) below ¼ at K = M+1 (K_max ≤ M)."}
	claimLemma1 = claim{ID: "001-lemma1", Name: "Lemma 1", Text: "Lemma 1: the exact score of a conditional projective composition is a local conditional score: at every noise level each cell's score depends only on its own pixels and its own conditioner.",
		Rule: "For every setting, the theorem checks on the exact score (a mixture over the target's configurations): x̂0's input Jacobian keeps 90% of its energy in the own cell (radius 0) and no conditioner moves another cell (far share 0) at every noise level."}
	claimLocality = claim{ID: "001-locality", Name: "locality", Text: "The length-generalising models are conditionally local at high noise, the failing ones are not (Figures 2 and 10).",
		Rule: "Far share at high noise (mean over s ≤ 0.3 and the settings with K > M, per run): (a) labels-single above labels-all; (b) local-whole above local-patch; paired by run."}
)

var claims = []claim{claimAll, claimSingle, claimLocal, claimWhole, claimLemma1, claimLocality}

// rules are the study's rules in the order of claims.
var rules = []func(*reports.Report, *sweep) reports.Verdict{generalisesRule(claimAll, local.NetAll), ruleSingle,
	generalisesRule(claimLocal, local.NetLocal), ruleWhole, ruleLemma1, ruleLocality}

// paperProtocol is what the seed's experiment used as far as a Protocol can say it: one
// network per configuration, 8 samples counted by hand per K.
var paperProtocol = reports.Protocol{Profile: "paper (SPEC §13)", Runs: 1, Samples: 8}

// departures are what always separates this study from the seed's experiment.
var departures = []string{
	"object scenes on a strip of cells with pixel noise (paper: CLEVR 128×128 images, a 16×16 location grid)",
	"ε-prediction MLPs of a few ten thousand weights (paper: EDM2-xs U-Net, 124M weights)",
	"counts read by the scene reader on every sample of every run (paper: 8 samples counted by hand)",
}

// judge is the claims engine's judge for one verdict of a sweep.
type judge struct {
	*reports.Judge
	sw *sweep
}

func newJudge(r *reports.Report, sw *sweep, id string) *judge {
	r.Summarize() // once, shared by the copy
	rr := *r      // labelled against the seed's experiment, not seed 000's protocol
	rr.Paper = &paperProtocol
	return &judge{Judge: reports.NewJudgeFor(&rr, id, sw.settings[0].SettingResults), sw: sw}
}

func (j *judge) verdict(c claim, metric string) reports.Verdict {
	v := j.ClaimVerdict(studyName, c, "", metric)
	v.Departures = append(v.Departures, departures...)
	v.Reduced = true
	return v
}

func identity(x float64) float64 { return x }

// level claims a network's share in the setting with k requested cells is above (or
// below) tau.
func (j *judge) level(network string, k int, metric string, tau float64, above bool) *reports.Comparison {
	side := map[bool]string{true: ">", false: "<"}[above]
	desc := fmt.Sprintf("%s K=%d: %s %s %.3g", network, k, metric, side, tau)
	s := j.sw.at(k)
	if s == nil {
		return reports.Missing(desc, fmt.Sprintf("no setting with K = %d requested cells", k))
	}
	return j.Level(desc, key(s.ID, j.sw.column(network), metric), identity, tau, above)
}

// generalises is "K_max ≥ M+1": the success share above its threshold at K = 1…M+1.
func (j *judge) generalises(network string) []*reports.Comparison {
	var out []*reports.Comparison
	for k := 1; k <= j.sw.m()+1; k++ {
		out = append(out, j.level(network, k, "success", local.Threshold(k, j.sw.m()), true))
	}
	return out
}

// kmaxLine says a network's K_max per run (descriptive).
func (j *judge) kmaxLine(network string) string {
	_, vals := j.sw.kmaxRuns(j.A, network)
	var txt []string
	for _, v := range vals {
		txt = append(txt, fmt.Sprint(v))
	}
	return fmt.Sprintf("K_max of %s per run: %s (M = %d)", network, strings.Join(txt, ", "), j.sw.m())
}

func (j *judge) thresholds(networks ...string) {
	j.Threshold(fmt.Sprintf("success: > ½ of the samples for K ≤ M = %d, > ¼ beyond; strays allowed: %d for single-label data, 0 otherwise", j.sw.m(), j.sw.task.M-1))
	for _, n := range networks {
		j.Threshold(j.kmaxLine(n))
	}
}

// generalisesRule is "network generalises beyond M" (claims a and c): K_max ≥ M+1.
func generalisesRule(c claim, network string) func(*reports.Report, *sweep) reports.Verdict {
	return func(r *reports.Report, sw *sweep) reports.Verdict {
		j := newJudge(r, sw, c.ID)
		j.Part("a", j.generalises(network)...)
		j.thresholds(network)
		return j.verdict(c, "success share")
	}
}

func ruleSingle(r *reports.Report, sw *sweep) reports.Verdict {
	j := newJudge(r, sw, claimSingle.ID)
	j.Part("a", j.level(local.NetSingle, 1, "success", 0.5, true))
	j.Part("b", j.level(local.NetSingle, 2, "success", 0.5, false))
	j.Part("c", j.level(local.NetSingle, 1, "strayed", strayShare, true))
	j.thresholds(local.NetSingle)
	j.Threshold(fmt.Sprintf("stray objects: in more than %.2g of the valid samples", strayShare))
	return j.verdict(claimSingle, "success share; samples with strays")
}

func ruleWhole(r *reports.Report, sw *sweep) reports.Verdict {
	j := newJudge(r, sw, claimWhole.ID)
	j.Part("a", j.level(local.NetWhole, 1, "success", 0.5, true))
	j.Part("b", j.level(local.NetWhole, sw.m()+1, "success", local.Threshold(sw.m()+1, sw.m()), false))
	j.thresholds(local.NetWhole, local.NetSingle)
	return j.verdict(claimWhole, "success share")
}

func ruleLemma1(r *reports.Report, sw *sweep) reports.Verdict {
	j := newJudge(r, sw, claimLemma1.ID)
	mine := map[string]bool{}
	for _, s := range sw.settings {
		mine[s.ID] = true
	}
	var st []reports.Statement
	for _, t := range r.Theorems {
		if mine[t.Setting] && strings.HasPrefix(t.Theorem, "Lemma 1 (seed 001)") {
			st = append(st, reports.Statement{Holds: t.Pass,
				Desc: fmt.Sprintf("%s: %s = %.3g (expected %.3g, tolerance %.2g)", t.Setting, t.Quantity, t.Measured, t.Expected, t.Tolerance)})
		}
	}
	j.Statements("a", st...)
	j.Threshold(fmt.Sprintf("radius: the smallest run of cells holding %.0f%% of the Jacobian's energy", 100*local.EnergyFrac))
	return j.verdict(claimLemma1, "Jacobian radius; far share (exact score)")
}

func ruleLocality(r *reports.Report, sw *sweep) reports.Verdict {
	j := newJudge(r, sw, claimLocality.ID)
	j.Part("a", j.moreLocal(local.NetSingle, local.NetAll))
	j.Part("b", j.moreLocal(local.NetWhole, local.NetLocal))
	j.Threshold(fmt.Sprintf("high noise: s ≤ %.2g; far: beyond the patch radius %d; settings K > M = %d", highNoise, sw.task.Patch, sw.m()))
	return j.verdict(claimLocality, "far share at high noise")
}

// moreLocal claims that the failing network's far share at high noise exceeds the
// generalising one's, paired by run.
func (j *judge) moreLocal(failing, generalising string) *reports.Comparison {
	desc := fmt.Sprintf("far share at high noise: %s − %s > 0", failing, generalising)
	a, missA := j.highNoiseFar(failing)
	b, missB := j.highNoiseFar(generalising)
	if missA != "" || missB != "" {
		return reports.Missing(desc, strings.Trim(missA+"; "+missB, "; "))
	}
	d, miss := reports.PairRuns(a, b, func(x, y float64) float64 { return x - y })
	return &reports.Comparison{Desc: desc, D: d, Above: true, Missing: miss}
}

// highNoiseFar is a network's far share per run, averaged over the high-noise levels and
// the settings with K > M; a run counts when it has every one of those cells.
func (j *judge) highNoiseFar(network string) (map[int]float64, string) {
	col := j.sw.column(network)
	var keys []reports.CellKey
	for _, s := range j.sw.settings {
		if s.Task.K() <= j.sw.m() {
			continue
		}
		for _, lv := range s.Task.Levels {
			if lv <= highNoise {
				keys = append(keys, key(s.ID, col, local.LevelMetric("far", lv)))
			}
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Sprintf("no setting with K > M = %d and a noise level s ≤ %.2g", j.sw.m(), highNoise)
	}
	sum, count := map[int]float64{}, map[int]int{}
	for _, k := range keys {
		runs, miss := j.Runs(k)
		if miss != "" {
			return nil, miss
		}
		for r, v := range runs {
			sum[r] += v
			count[r]++
		}
	}
	out := map[int]float64{}
	for r, n := range count {
		if n == len(keys) {
			out[r] = sum[r] / float64(n)
		}
	}
	return out, ""
}
