// Package reports turns a computed study into its report. It holds what every study shares:
// the report's inputs (Report), the aggregate of every result (Summarize: read once, computed
// once, read by every table, figure and rule), the statistics of the claims (inference.go),
// the claims engine (Judge, Verdict), the registry of studies and documents (Register,
// RegisterDocument), the results files and the page. A study's own rules, figures and
// section live in reports/<study>. Render writes, under the output directory:
//
//	results.csv, results.arrow, results.parquet   one row per result (long format)
//	tables/, figures/                             each study's tables and figures
//	report.md, index.html                         the report; index.html is self-contained
//	documents registered with RegisterDocument    (methods.md)
package reports

import (
	"encoding/json"

	"github.com/compdiff/compdiff/data/cell"
)

// Points is a row-major n×D sample set.
type Points struct {
	D int
	X []float64
}

// Len is the number of points.
func (p Points) Len() int {
	if p.D <= 0 {
		return 0
	}
	return len(p.X) / p.D
}

// Result is one metric value ("sw2", "mmd2", or a family's own measurement) of one cell, with
// the network evaluations per output sample its sampler spent (NFE; NaN when the artifact
// predates the count).
type Result struct {
	cell.Cell
	NFE    float64
	Metric string
	Value  float64
}

// SourcePanel holds one source's true samples and the samples learned models draw from it.
type SourcePanel struct {
	Source  string
	True    Points
	Learned map[cell.Column]Points
}

// ComposedPanel is one run's composed samples for one (score model, K) cell.
type ComposedPanel struct {
	cell.Column
	K int
	X Points
}

// Panel is the run's composed samples of a column at K (an empty set when it was not drawn).
func (s *SettingResults) Panel(col cell.Column, k int) Points {
	for _, c := range s.Composed {
		if c.Column == col && c.K == k {
			return c.X
		}
	}
	return Points{}
}

// MeasureOf decodes the measurement parameters of a setting of the family into a T; ok is
// false for a setting of another family, one without a measurement, or parameters that do
// not decode (the study's views then pass over it).
func MeasureOf[T any](s *SettingResults, family string) (T, bool) {
	var t T
	if s.Family != family || s.Measure == nil {
		return t, false
	}
	err := json.Unmarshal(s.Measure.Params, &t)
	return t, err == nil
}

// Shells wraps settings in empty results, for the rules' views of a plan before anything is
// loaded (which verdicts a study will judge, and the settings each reads).
func Shells(settings []*cell.Setting) []*SettingResults {
	rs := make([]*SettingResults, 0, len(settings))
	for _, s := range settings {
		rs = append(rs, &SettingResults{Setting: *s})
	}
	return rs
}

// LossCurve is a training loss trace; Source is "" for the conditional model.
type LossCurve struct {
	cell.Column
	Source string
	Iter   []int
	Loss   []float64
}

// SettingResults is a setting (the one Setting type, data/cell) with what the report loaded
// for it: the table grid, the ground truth, the figures' samples and the claim thresholds.
type SettingResults struct {
	cell.Setting
	Ns           []int        // learned pool sizes, ascending (table columns)
	Exact        bool         // the exact scores were computed (last table column)
	Ks           []int        // row order
	ModelKinds   []cell.Model // learned kinds; one table per kind
	TruthInfo    string       // e.g. "acceptance 0.41" / "ESS 3120 of 5000000"
	TruthSample  Points
	Reference    Reference // noise floor and discretisation bias the claims' thresholds use
	SourcePanels []SourcePanel
	Composed     []ComposedPanel
	Loss         []LossCurve
	// Protocol is the setting's own size when its family overrides the profile's (nil: the
	// report's); its verdicts are labelled with it.
	Protocol *Protocol
	// Cost prices one more run of the setting (nil: unknown).
	Cost *RunCost
}

// RunCost is what one more run of a setting costs, in core-seconds by the pipeline's cost
// model: all of it (Run) and the part sampling and measuring take (Sampling), which more
// samples per cell multiply.
type RunCost struct {
	Run      float64 `json:"run"`
	Sampling float64 `json:"sampling"`
}

// ColumnsFor lists the table columns of one learned kind: its pool sizes, then the exact
// scores.
func (s *SettingResults) ColumnsFor(m cell.Model) []cell.Column {
	var out []cell.Column
	for _, n := range s.Ns {
		out = append(out, cell.Learned(m, n))
	}
	if s.Exact {
		out = append(out, cell.Exact())
	}
	return out
}

// Headers are the column headers in table order.
func (s *SettingResults) Headers() []string {
	var out []string
	for _, c := range s.ColumnsFor(cell.Conditional) {
		out = append(out, c.Header())
	}
	return out
}

// Reference holds what the profile's sizes make unavoidable, measured by the report stage
// for one setting; the claims' thresholds are built from it and printed with each verdict.
type Reference struct {
	// SW2Floor is the expected SW2 between two independent samples of the target of the
	// profile's sizes (model samples vs ground truth), from split halves of the ground truth.
	SW2Floor float64
	// SW2FloorSD is the spread (standard deviation) of that SW2 over independent samples:
	// the sampling noise of one cell's SW2 at the profile's sizes (NaN when unknown).
	SW2FloorSD float64
	// MMD2Floor is the spread (RMS) of the unbiased MMD² between such samples.
	MMD2Floor float64
	// EulerSW2 is the SW2 between the target and what Euler–Maruyama with the target's exact
	// score reaches at the profile's step count (closed form; Gaussian targets only, else NaN).
	EulerSW2 float64
	// NaiveSW2 is the same for the naive composed SDE with exact source scores (K = 1,
	// analytic): inference-time approximation error plus Euler error (Gaussian only, else NaN).
	NaiveSW2 float64
	// Scale is the RMS per-coordinate standard deviation of the ground truth.
	Scale float64
}

// TheoremCheck is one numerical check of a theorem.
type TheoremCheck struct {
	Theorem, Setting, Quantity    string
	Expected, Measured, Tolerance float64
	Pass                          bool
	Note                          string
}

// StageStat is the wall time and cache behaviour of one stage kind.
type StageStat struct {
	Stage              string
	Nodes, Ran, Cached int
	Seconds            float64
}

// Param is one named parameter of the profile, already formatted.
type Param struct{ Name, Value string }

// Protocol is the size of a study: what a verdict's numbers came from.
type Protocol struct {
	Profile      string       `json:"profile"`
	Runs         int          `json:"runs"`
	Samples      int          `json:"samples"`       // model samples per cell
	TruthSamples int          `json:"truth_samples"` // ground-truth samples per run
	Steps        int          `json:"steps"`
	Ks           []int        `json:"ks"`
	Ns           []int        `json:"ns"`
	Models       []cell.Model `json:"models"`
	Width        int          `json:"width"`
	Depth        int          `json:"depth"`
	Iters        int          `json:"iters"`
	Projections  int          `json:"projections"`
}

// CoverageResult is the coverage diagnostic (core/coverage) of one (setting, N, run): the
// effective training points where the target lives, before any model is trained.
type CoverageResult struct {
	Setting       string
	N, Run        int
	EffectivePool float64
}

// Report is everything the report stage knows.
type Report struct {
	Profile, Commit, Date, Command string // Command: how to rebuild this report
	Params                         []Param
	Seeds                          string
	Settings                       []SettingResults
	// Results is every value of every cell in load order; Agg their aggregate over runs
	// (Summarize fills it once; every table, figure and rule reads it).
	Results  []Result
	Agg      *Aggregate
	Coverage []CoverageResult
	Theorems []TheoremCheck
	Stages   []StageStat
	Notes    []string
	// Protocol is this report's size; Paper the paper's (nil when unknown: every verdict is
	// then labelled as of unknown departure).
	Protocol Protocol
	Paper    *Protocol
	// Sequential is set by -decide: the design and the earlier looks of each verdict.
	Sequential *Sequential
	// Calibration is the profile's network against the paper's (nil: not computed).
	Calibration *Calibration
}

// Summarize aggregates the results once (idempotent) and returns the aggregate.
func (r *Report) Summarize() *Aggregate {
	if r.Agg == nil {
		r.Agg = Summarize(r.Results)
	}
	return r.Agg
}

// Setting returns the loaded setting with this id, or nil.
func (r *Report) Setting(id string) *SettingResults {
	for i := range r.Settings {
		if r.Settings[i].ID == id {
			return &r.Settings[i]
		}
	}
	return nil
}

// Rows is every result as results.csv lists them: the paper's grid (cell.OnPaperGrid) first,
// then every other cell, each in load order.
func (r *Report) Rows() []Result {
	out := make([]Result, 0, len(r.Results))
	for _, x := range r.Results {
		if x.OnPaperGrid() {
			out = append(out, x)
		}
	}
	for _, x := range r.Results {
		if !x.OnPaperGrid() {
			out = append(out, x)
		}
	}
	return out
}

// Sequential describes a group-sequential study (go run ./build -decide): each verdict was
// looked at after the runs listed in Looks[verdict ID] (ascending, the last is this report's),
// and each look tests at the share of α that Spending gives it.
type Sequential struct {
	MaxRuns int               `json:"max_runs"` // the runs the spending is planned over
	Looks   map[string][]int  `json:"looks"`    // verdict ID → runs at each look so far
	Stops   map[string]string `json:"stops"`    // verdict ID → why runs stopped being added
	// Restarts: verdict ID → the index in Looks of the first look after its settings' samples
	// per cell were raised; from there every run is measured again and the looks spend the α
	// the earlier ones left (RestartAlpha).
	Restarts map[string]int `json:"restarts,omitempty"`
	// Samples: setting ID → the model samples per cell -decide bought (absent: the profile's).
	Samples map[string]int `json:"samples,omitempty"`
	// Budget says how the budget ended the design, when it did ("" otherwise).
	Budget string `json:"budget,omitempty"`
	// Ended says why the design ended before its budget, when it did ("" otherwise). It holds
	// no clock time, so a replayed -decide renders the same report and runs no node.
	Ended string `json:"ended,omitempty"`
}

// LookAlphaOf is the α of a verdict's last look under the design: its share of the spending
// (LookAlpha), or after a restart its share of what the looks before it left.
func (q *Sequential) LookAlphaOf(id string) float64 {
	looks := q.Looks[id]
	r := q.Restarts[id]
	if r <= 0 || r >= len(looks)+1 {
		return LookAlpha(looks, q.MaxRuns)
	}
	spent := Spending(Alpha, float64(looks[r-1])/float64(q.MaxRuns))
	return (Alpha - spent) / Alpha * LookAlpha(looks[r:], q.MaxRuns)
}
