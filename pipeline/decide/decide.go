// Package decide is the sequential design of -decide: start from the profile's runs and
// add runs in batches only to the settings whose claims are still open, until every claim
// is decided or the budget is spent.
//
// The repeated looks use a group-sequential design: look j of a claim tests its Holm family at
// α_j = A(t_j) − A(t_{j−1}), with the spending function A of reports.Spending (Lan–DeMets,
// Pocock type) over information fraction t = runs/MaxRuns. By the union bound the chance of
// any false rejection over all looks stays ≤ A(1) = α. A decided claim is frozen: its verdict
// stays on the runs of its deciding look even if its setting gets more runs for another claim.
// Added runs are new nodes beside the cached ones (run r uses seed + r), so every earlier node
// is reused and a second -decide with nothing changed replays its looks from the cache.
package decide

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/pipeline/plan"
	"github.com/compdiff/compdiff/reports"
)

// Budget bounds a -decide run: wall time spent, or the number of nodes its plans hold.
type Budget struct {
	Time  time.Duration
	Nodes int
}

// ParseBudget reads "30m" / "1h30m" (wall time) or "400" / "400nodes" (node count).
func ParseBudget(s string) (Budget, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Budget{}, fmt.Errorf("-decide needs -budget: a wall time such as 30m, or a node count such as 2000nodes")
	}
	if n, err := strconv.Atoi(strings.TrimSuffix(s, "nodes")); err == nil && n > 0 {
		return Budget{Nodes: n}, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return Budget{Time: d}, nil
	}
	return Budget{}, fmt.Errorf("-budget %q: give a positive wall time (30m, 2h) or a node count (2000 or 2000nodes)", s)
}

// MaxRuns is the run count the α spending is planned over: the paper's 30.
const MaxRuns = 30

// Study is what the loop needs of the pipeline: plans of the study with other run counts,
// a way to compute them, and the claims' verdicts on what was computed.
type Study struct {
	// Runs is the profile's run count: the first look's runs and the batch added per look.
	Runs int
	// RunsOf, when set, is a setting's own run count (its family's profile); else Runs.
	RunsOf   func(s *cell.Setting) int
	Settings []*cell.Setting
	// Samples is a setting's model samples per cell (its family's profile).
	Samples func(s *cell.Setting) int
	// Plan builds the study's plan with runs and samples per setting id and, for the final
	// report, the looks so far (nil during the looks).
	Plan func(runs, samples map[string]int, seq *reports.Sequential) *plan.Plan
	// Pending estimates the core-seconds of p's nodes that are not computed yet (the cost
	// model), and Cores how many cores compute them: a look is not started when its estimate
	// exceeds the budget left.
	Pending func(p *plan.Plan) float64
	Cores   int
	// Compute computes p's stages through last and returns how many nodes it computed.
	Compute func(ctx context.Context, p *plan.Plan, last string) (int, error)
	// Verdicts evaluates the claims of p from what was computed, as p's report would with
	// the looks seq.
	Verdicts func(p *plan.Plan, seq *reports.Sequential) ([]reports.Verdict, error)
	Logf     func(format string, args ...any)
}

// Result is what a -decide run did.
type Result struct {
	Looks   int
	Runs    map[string]int    // final runs per setting
	Samples map[string]int    // model samples per cell bought per setting (absent: the profile's)
	Stops   map[string]string // verdict ID → why its runs stopped
	Ran     int               // nodes computed (not found in the cache)
	Report  *plan.Node
	// Plan is the final plan, whose report was rendered.
	Plan *plan.Plan
}
