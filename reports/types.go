// Package reports turns a computed study into its report. It does no numerics beyond
// aggregation over runs. Render writes, under the output directory:
//
//	results.csv, results.arrow                 one row per Result (long format)
//	tables/<setting>-<model>-<metric>.{md,html,tex}   rows K, columns N, mean ± std
//	figures/<setting>-sources.{png,svg}        true vs learned samples per source
//	figures/<setting>-<model>-grid.{png,svg}   composed samples, rows N, columns K
//	figures/<setting>-sw2.{png,svg}            SW2 against K per (model, N)
//	figures/<setting>-loss.{png,svg}           training loss (only if the setting has curves)
//	report.md, index.html                      the report; index.html is self-contained
//
// The claims of the paper are checked by CheckClaims (claims.go), never written by hand.
package reports

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

// Result is one metric value of one run of one cell.
// Model ∈ {"conditional","separate","analytic"}; N is the pool size as text or "analytical"
// (with Model "analytic"); Metric ∈ {"sw2","mmd2"}.
type Result struct {
	Setting, Model, N string
	K, Run            int
	Metric            string
	Value             float64
}

// SourcePanel holds one source's true samples and the samples learned models draw from it;
// Learned is keyed "conditional/N=1000" etc. and may be empty.
type SourcePanel struct {
	Source  string
	True    Points
	Learned map[string]Points
}

// ComposedPanel is one run's composed samples for one (model, N, K) cell.
type ComposedPanel struct {
	Model, N string
	K        int
	X        Points
}

// LossCurve is a training loss trace; Source is "" for the conditional model.
type LossCurve struct {
	Model, N, Source string
	Iter             []int
	Loss             []float64
}

// Setting describes one experiment and carries what its figures need.
type Setting struct {
	ID, Title, Kind string // e.g. "gauss-nfc-id", "Non-factorized Gaussians, in distribution", "non-factorized, ID"
	Sources         []string
	Weights         []float64
	Dim             int
	Ns              []string // column order: learned Ns, then "analytical"
	Ks              []int    // row order
	ModelKinds      []string // e.g. ["conditional","separate"]; one table per kind
	TruthMethod     string   // "closed form" / "rejection" / "importance"
	TruthInfo       string   // e.g. "acceptance 0.41" / "ESS 3120 of 5000000"
	Truth           Points
	SourcePanels    []SourcePanel
	Composed        []ComposedPanel
	Loss            []LossCurve
	Notes           []string
}

// TheoremCheck is one numerical check of a theorem (SPEC §9 claim 8).
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

// ProfileInfo declares which cells a profile computes, so that an inconclusive claim can name
// the profile that would decide it. Optional: without it, claims point at "paper".
type ProfileInfo struct {
	Name string
	Ns   []string // learned Ns (and "analytical" if computed)
	Ks   []int
	Runs int
	// Models lists the model kinds trained; empty means both "conditional" and "separate".
	Models []string
}

// Study is everything the report stage knows.
type Study struct {
	Profile, Commit, Date, Command string // Command: how to rebuild this report
	Params                         []Param
	Seeds                          string
	Settings                       []Setting
	Results                        []Result
	Theorems                       []TheoremCheck
	Stages                         []StageStat
	Notes                          []string
	// Profiles, ordered cheapest first, lets CheckClaims name the profile that has missing cells.
	Profiles []ProfileInfo
}
