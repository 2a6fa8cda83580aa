package pipeline

import (
	"fmt"
	"time"

	"github.com/compdiff/compdiff/pipeline/plan"
	"github.com/compdiff/compdiff/pipeline/slurm"
)

// costCores are the cluster sizes the cost table gives wall times for.
var costCores = []int{2, 64, 256, 1024, 4096}

// PrintCost prints the pending nodes' estimated cost and, for -executor slurm, the jobs
// they would be submitted as.
func (s *Session) PrintCost(nodes []*plan.Node) {
	w := s.out()
	cpus := func(stage string) int {
		if s.Cfg.Executor != "slurm" || stage == "report" {
			return 1
		}
		n, _ := s.Cfg.Slurm.CPUsOf(stage)
		return n
	}
	fmt.Fprintf(w, "profile %s: %d of %d nodes pending; estimated cost (bench-figure model):\n", s.Plan.Profile.Name, len(nodes), len(s.Plan.Nodes))
	plan.CostTable(w, nodes, cpus, costCores)
	ex, ok := s.Runner.Exec.(*slurm.Executor)
	if !ok {
		return
	}
	by := map[string][]*plan.Node{}
	for _, n := range nodes {
		by[n.Stage] = append(by[n.Stage], n)
	}
	batch := ex.Cfg.BatchTime
	if batch <= 0 {
		batch = 30 * time.Minute
	}
	fmt.Fprintf(w, "-executor slurm would submit (jobs of about %s, -slurm-batch):\n", batch)
	for _, st := range plan.StageOrder {
		if len(by[st]) == 0 || st == "report" {
			continue
		}
		b, err := ex.Batch(st, by[st])
		if err != nil {
			fmt.Fprintln(w, err)
			return
		}
		fmt.Fprintf(w, "  %-8s %6d jobs with %d CPUs, time %s, memory %s\n", st, len(b), cpus(st),
			orDefault(ex.Cfg.Time.Of(st)), orDefault(ex.Cfg.Mem.Of(st)))
	}
	if len(by["report"]) > 0 {
		fmt.Fprintln(w, "  report renders here, into -out, once the jobs are done")
	}
}

func orDefault(v string) string {
	if v == "" {
		return "partition default"
	}
	return v
}
