package pipeline

import (
	"io"
	"slices"

	"github.com/goyek/goyek/v2"

	"github.com/compdiff/compdiff/pipeline/plan"
	"github.com/compdiff/compdiff/pipeline/slurm"
)

// Config holds the command-line choices of a run.
type Config struct {
	Profile string // profile name
	Spec    string // optional user spec file
	Only    string // comma-separated setting ids
	Jobs    int    // concurrent nodes
	Force   string // comma-separated stage kinds to recompute ("all" for every stage)
	Cache   string // artifact store directory
	Out     string // rendered results directory
	Key     string // node task: the key to run
	Format  string // dag task: text or dot
	Budget  string // decide task: wall time (30m) or node count (2000nodes)
	Kernels string // kernel path: auto, avx512, avx2, neon, generic; all = every path for bench
	// AllowLarge skips the size check that refuses plans beyond SizeLimits.
	AllowLarge bool
	Stdout     io.Writer // where status, dag and bench print (default os.Stdout)

	Executor string       // local (default) or slurm
	Until    string       // the last stage kind the requested tasks run (see LastStage)
	Lock     string       // the store's lock: flock (default) or link (see data.LockLink)
	Slurm    slurm.Config // the Slurm executor's resources and batching
	DryRun   bool         // print the pending work and its estimated cost instead of running

	CPUProfile string          // build's -cpuprofile file, checked with the other flags
	Given      map[string]bool // the flags the command line set, by name without the dash
}

// stageTask is the task that runs a stage kind (the dataset stage is the data task).
func stageTask(stage string) string {
	if stage == "dataset" {
		return "data"
	}
	return stage
}

// stageTasks are the tasks of the stage kinds, in their order.
func stageTasks() []string {
	var names []string
	for _, st := range plan.StageOrder {
		names = append(names, stageTask(st))
	}
	return names
}

// TaskNames lists every task Define registers, as goyek lists them.
func TaskNames() []string {
	flow := &goyek.Flow{}
	Define(flow, NewSession(Config{}))
	var names []string
	for _, t := range flow.Tasks() {
		names = append(names, t.Name())
	}
	return names
}

// LastStage is the latest stage kind that the named goyek tasks run ("" when none does), so
// a cluster executor can submit everything they need at once. The default task (none named)
// and decide run through the report.
func LastStage(tasks []string) string {
	if len(tasks) == 0 {
		tasks = []string{"all"} // the default task
	}
	last := -1
	for _, t := range tasks {
		switch t {
		case "", "all", "decide":
			t = "report"
		case "data":
			t = "dataset"
		}
		if i := slices.Index(plan.StageOrder, t); i > last {
			last = i
		}
	}
	if last < 0 {
		return ""
	}
	return plan.StageOrder[last]
}
