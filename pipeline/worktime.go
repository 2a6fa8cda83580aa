package pipeline

import (
	"fmt"
	"runtime"
	"slices"

	"github.com/compdiff/compdiff/pipeline/plan"
)

// maxLocalHours is the estimated wall time beyond which a local run is refused unless
// -allow-large is given: the size check (plan.EstimateSize) bounds memory and disk, this bounds time.
const maxLocalHours = 72

// checkWorkTime estimates, with the bench-figure cost model (plan.CostTable), the wall time of the
// nodes still to compute from stage first through the requested last stage on this
// machine's cores, and refuses a local run that would take longer than maxLocalHours. A
// node counts as computed when its manifest says so; checksums are verified later, as the
// stage runs, so the check reads no artifact.
func (s *Session) checkWorkTime(first string) error {
	if s.Cfg.AllowLarge || (s.Cfg.Executor != "" && s.Cfg.Executor != "local") {
		return nil
	}
	last := s.Cfg.Until
	if last == "" || slices.Index(plan.StageOrder, last) < slices.Index(plan.StageOrder, first) {
		last = plan.StageOrder[len(plan.StageOrder)-1]
	}
	lo, hi := slices.Index(plan.StageOrder, first), slices.Index(plan.StageOrder, last)
	var todo []*plan.Node
	for _, n := range s.Plan.Nodes {
		if i := slices.Index(plan.StageOrder, n.Stage); i >= lo && i <= hi && (s.Runner.Force[n.Stage] || !s.Store.Done(n.Key)) {
			todo = append(todo, n)
		}
	}
	_, total, path := plan.Estimate(todo, func(string) int { return 1 })
	cores := runtime.NumCPU()
	wall := max(total/float64(cores), path)
	if wall <= maxLocalHours*3600 {
		return nil
	}
	return fmt.Errorf("profile %s: the %d nodes still to compute are estimated at %s core-hours, about %s on this machine's %d cores (bench-figure model; `status` shows the table); "+
		"run it on a cluster (-executor slurm), choose a smaller profile or -only some settings, or pass -allow-large to start it anyway",
		s.Plan.Profile.Name, len(todo), plan.FormatHours(total), plan.FormatDuration(wall), cores)
}
