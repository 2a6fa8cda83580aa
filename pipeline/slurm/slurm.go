// Package slurm computes a plan's nodes as Slurm job arrays over a shared store: the
// run.Executor of -executor slurm. Jobs run `build -key @FILE node`; the store is the only
// truth about what is done.
package slurm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/pipeline/plan"
	"github.com/compdiff/compdiff/pipeline/run"
)

// Executor submits the stale nodes as Slurm job arrays that run over the shared store,
// and follows them through the store. A job runs a batch of nodes of one stage kind with
// `build -key @FILE node`; an array depends (afterok) on the arrays holding its inputs.
// The report renders on the machine of the driver, into -out.
type Executor struct {
	Cfg Config
	// Until is the last stage kind this invocation runs: the first stage submits every
	// stale node through it, with dependencies. Empty: each stage is submitted on its own.
	Until string
	// Lock is the store's lock mode, passed on to the jobs.
	Lock string

	once     sync.Once
	setupErr error
	runID    string
	dir      string // <cache>/slurm/<run id>: job scripts, batch key lists, logs
	bin      string // the build binary the jobs run, inside the store
	cache    string // absolute store path
	out      string
	maxArray int

	mu        sync.Mutex
	tasks     map[data.Key]*slurmTask
	arrays    []*slurmArray
	submitted int
}

type slurmArray struct {
	ID    string // Slurm job id of the array
	Stage string
	Dir   string // the run directory holding its scripts and logs
	Name  string // its Slurm job name
	Tasks []*slurmTask
}

type slurmTask struct {
	array *slurmArray
	index int
	Keys  []data.Key
	ended time.Time // when the queue first showed it ended
	state string    // last state the queue showed
	why   string    // Slurm's reason for that state
}

func (t *slurmTask) jobID() string { return t.array.ID + "_" + strconv.Itoa(t.index) }

func (e *Executor) logPath(t *slurmTask) string {
	return filepath.Join(t.array.Dir, "logs", fmt.Sprintf("%s-%s.log", t.array.Stage, t.jobID()))
}

// JobName is the Slurm job name of every job of this run (for squeue/scancel --name).
func (e *Executor) JobName() string { return "compdiff-" + e.runID }

// Arrays lists the Slurm job ids of the arrays submitted for a stage kind ("" for all).
func (e *Executor) Arrays(stage string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var ids []string
	for _, a := range e.arrays {
		if stage == "" || a.Stage == stage {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

// Dir is this run's directory of job scripts, key lists and logs (<cache>/slurm/<run id>).
func (e *Executor) Dir() string { return e.dir }

// States maps the job id (array_task) of every task of this run's arrays of the given stage
// kinds to the last state the queue showed ("" before it showed one).
func (e *Executor) States(stages ...string) map[string]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]string{}
	for _, a := range e.arrays {
		if slices.Contains(stages, a.Stage) {
			for _, t := range a.Tasks {
				out[t.jobID()] = t.state
			}
		}
	}
	return out
}

// Submitted is how many nodes this executor has submitted.
func (e *Executor) Submitted() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.submitted
}

// Compute submits todo (and, the first time, every stale node through Until) unless its
// nodes are in jobs already, then waits until each is done in the store or its job ended.
func (e *Executor) Compute(ctx context.Context, r *run.Runner, stage string, todo []*plan.Node, prog *run.Progress) error {
	if stage == "report" {
		return run.LocalExecutor{}.Compute(ctx, r, stage, todo, prog)
	}
	if err := e.setup(r); err != nil {
		return err
	}
	e.mu.Lock()
	missing := slices.ContainsFunc(todo, func(n *plan.Node) bool { return e.tasks[n.Key] == nil })
	e.mu.Unlock()
	if missing {
		if err := e.submit(r, stage); err != nil {
			return err
		}
	}
	return e.follow(ctx, r, stage, todo, prog)
}

// submit plans every stale node from stage through Until on the store and submits them.
func (e *Executor) submit(r *run.Runner, stage string) error {
	last := e.Until
	if i := slices.Index(plan.StageOrder, last); i < slices.Index(plan.StageOrder, stage) {
		last = stage
	}
	if last == "report" {
		last = plan.StageOrder[len(plan.StageOrder)-2]
	}
	var nodes []*plan.Node
	e.mu.Lock()
	for _, n := range r.Pending(stage, last) {
		if e.tasks[n.Key] == nil {
			nodes = append(nodes, n)
		}
	}
	e.mu.Unlock()
	for _, n := range nodes {
		if err := r.DropForced(n); err != nil { // a job skips done nodes
			return err
		}
		if err := r.Describe(n); err != nil {
			return fmt.Errorf("plan on the store %s: %w", r.Store.Dir, err)
		}
	}
	byStage := map[string][]*plan.Node{}
	for _, n := range nodes {
		byStage[n.Stage] = append(byStage[n.Stage], n)
	}
	for _, st := range plan.StageOrder {
		if len(byStage[st]) == 0 {
			continue
		}
		batches, err := e.Batch(st, byStage[st])
		if err != nil {
			return err
		}
		per := e.maxArray
		if e.Cfg.ArrayTasks > 0 {
			per = min(per, e.Cfg.ArrayTasks)
		}
		for len(batches) > 0 {
			k := min(len(batches), per)
			if err := e.submitArray(r, st, batches[:k]); err != nil {
				return err
			}
			batches = batches[k:]
		}
	}
	return nil
}

// Batch groups nodes (plan order, so neighbours share inputs) into jobs of about
// Cfg.BatchTime by the cost model, and at most Cfg.BatchNodes nodes.
func (e *Executor) Batch(stage string, nodes []*plan.Node) ([][]*plan.Node, error) {
	cpus, err := e.Cfg.CPUsOf(stage)
	if err != nil {
		return nil, err
	}
	var out [][]*plan.Node
	var cur []*plan.Node
	sec := 0.0
	for _, n := range nodes {
		cur = append(cur, n)
		sec += plan.CoreSeconds(n) / float64(cpus)
		if sec >= e.Cfg.BatchTime.Seconds() || (e.Cfg.BatchNodes > 0 && len(cur) >= e.Cfg.BatchNodes) {
			out = append(out, cur)
			cur, sec = nil, 0
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out, nil
}

// submitArray writes the key lists and the job script of one array and submits it with
// afterok dependencies on the arrays that compute its inputs.
func (e *Executor) submitArray(r *run.Runner, stage string, batches [][]*plan.Node) error {
	e.mu.Lock()
	local := fmt.Sprintf("%s-a%d", stage, len(e.arrays))
	deps := map[string]bool{}
	for _, b := range batches {
		for _, n := range b {
			for _, in := range n.Inputs {
				if t := e.tasks[in.Key]; t != nil {
					deps[t.array.ID+"_*"] = true
				}
			}
		}
	}
	e.mu.Unlock()
	for i, b := range batches {
		var keys strings.Builder
		for _, n := range b {
			keys.WriteString(string(n.Key) + "\n")
		}
		if err := os.WriteFile(filepath.Join(e.dir, fmt.Sprintf("%s.%d.keys", local, i)), []byte(keys.String()), 0o644); err != nil {
			return fmt.Errorf("-executor slurm: %w", err)
		}
	}
	script := filepath.Join(e.dir, local+".sh")
	body := fmt.Sprintf("#!/bin/sh\n# compdiff %s nodes, run %s: array task i computes the keys in %s.i.keys\nexec %s -cache %s -out %s -lock %s -key @%s.\"$SLURM_ARRAY_TASK_ID\".keys node\n",
		stage, e.runID, local, shellQuote(e.bin), shellQuote(e.cache), shellQuote(e.out), shellQuote(e.lockMode()),
		shellQuote(filepath.Join(e.dir, local)))
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		return fmt.Errorf("-executor slurm: %w", err)
	}
	cpus, _ := e.Cfg.CPUsOf(stage)
	array := fmt.Sprintf("0-%d", len(batches)-1)
	if e.Cfg.MaxRunning > 0 {
		array += "%" + strconv.Itoa(e.Cfg.MaxRunning)
	}
	args := []string{"--parsable", "--job-name=" + e.JobName(), "--array=" + array,
		"--cpus-per-task=" + strconv.Itoa(cpus), "--output=" + filepath.Join(e.dir, "logs", stage+"-%A_%a.log"),
		"--chdir=" + e.dir}
	if v := e.Cfg.Time.Of(stage); v != "" {
		args = append(args, "--time="+v)
	}
	if v := e.Cfg.Mem.Of(stage); v != "" {
		args = append(args, "--mem="+v)
	}
	if e.Cfg.Partition != "" {
		args = append(args, "--partition="+e.Cfg.Partition)
	}
	if e.Cfg.Account != "" {
		args = append(args, "--account="+e.Cfg.Account)
	}
	if len(deps) > 0 {
		ids := make([]string, 0, len(deps))
		for id := range deps {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		args = append(args, "--dependency=afterok:"+strings.Join(ids, ":"), "--kill-on-invalid-dep=yes")
	}
	args = append(args, strings.Fields(e.Cfg.Args)...)
	args = append(args, script)
	out, err := exec.Command("sbatch", args...).CombinedOutput()
	for try := 1; err != nil && try < 4 && transient(string(out)); try++ {
		time.Sleep(time.Duration(try*try) * 5 * time.Second) // a busy controller: back off
		out, err = exec.Command("sbatch", args...).CombinedOutput()
	}
	if err != nil {
		return fmt.Errorf("-executor slurm: sbatch %s: %v: %s; check -slurm-partition, -slurm-account, -slurm-time, -slurm-mem and -slurm-args",
			strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	id, _, _ := strings.Cut(strings.TrimSpace(lastLine(string(out))), ";")
	if _, err := strconv.Atoi(id); err != nil {
		return fmt.Errorf("-executor slurm: sbatch printed %q, not a job id", strings.TrimSpace(string(out)))
	}
	a := &slurmArray{ID: id, Stage: stage, Dir: e.dir, Name: e.JobName()}
	e.mu.Lock()
	nodes := 0
	for i, b := range batches {
		t := &slurmTask{array: a, index: i}
		for _, n := range b {
			t.Keys = append(t.Keys, n.Key)
			e.tasks[n.Key] = t
		}
		nodes += len(b)
		a.Tasks = append(a.Tasks, t)
	}
	e.arrays = append(e.arrays, a)
	e.submitted += nodes
	e.mu.Unlock()
	dep := ""
	if len(deps) > 0 {
		dep = ", after job " + strings.Join(sortedSet(deps), ", ")
	}
	r.Log("%s: submitted %d nodes as Slurm job %s (%d tasks, %d CPUs each%s); logs in %s", stage, nodes, id, len(batches), cpus, dep,
		filepath.Join(e.dir, "logs"))
	return e.record()
}

func (e *Executor) lockMode() string {
	if e.Lock == "" {
		return "flock"
	}
	return e.Lock
}

// transient tells sbatch errors of a busy or restarting controller, worth retrying.
func transient(msg string) bool {
	for _, s := range []string{"Socket timed out", "temporarily unavailable", "Unable to contact slurm controller", "try again"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// numericSorted sorts job ids as numbers.
func numericSorted(ids []string) []string {
	slices.SortFunc(ids, func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return x - y
	})
	return ids
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
