// Package run computes a plan's nodes against the store: the Runner walks the stages and
// hands the stale nodes of each to an Executor (the local worker pool, or a cluster
// executor such as pipeline/slurm); Execute computes one node from its key alone.
package run

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/pipeline/plan"
	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/stages"
)

// Runner executes a plan's nodes against a store with a bounded pool of workers.
type Runner struct {
	Store  *data.Store
	Plan   *plan.Plan
	Jobs   int
	Force  map[string]bool // stage kinds to recompute even when cached
	OutDir string
	Logf   func(format string, args ...any)
	Commit string
	// ProgressEvery is the interval between progress lines of a running stage.
	ProgressEvery time.Duration
	// Exec computes the stale nodes of a stage: the local pool (nil) or a cluster.
	Exec Executor

	mu     sync.Mutex
	ran    []data.Key // nodes computed by this runner, in completion order
	stats  map[string]*reports.StageStat
	forced map[data.Key]bool
	// corrupt holds nodes whose cached artifact was found corrupt, to say when they are
	// recomputed.
	corrupt map[data.Key]bool
}

// Ran returns the keys of the nodes this runner computed (not those found in the cache).
func (r *Runner) Ran() []data.Key {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]data.Key(nil), r.ran...)
}

// Stats returns per-stage counts and wall times, in stage order.
func (r *Runner) Stats() []reports.StageStat {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []reports.StageStat
	for _, s := range plan.StageOrder {
		if st, ok := r.stats[s]; ok {
			out = append(out, *st)
		}
	}
	return out
}

// Log prints through Logf, if it is set.
func (r *Runner) Log(format string, args ...any) {
	if r.Logf != nil {
		r.Logf(format, args...)
	}
}

// Done tells whether n's artifact is usable: complete in the store, checksums verified, its
// manifest describing n (damage of any kind is moved aside by the store and reported here,
// and the node is recomputed from the plan), and for the report, rendered into the current
// output directory.
func (r *Runner) Done(n *plan.Node) (bool, string) {
	done, found := r.Store.Check(&data.Manifest{Key: n.Key, Stage: n.Stage, Version: n.Version, Params: n.Params, Inputs: n.InputKeys()})
	if len(found) > 0 {
		for _, ce := range found {
			r.Log("warning: %s; recomputing it in this run", ce.What())
		}
		r.mu.Lock()
		if r.corrupt == nil {
			r.corrupt = map[data.Key]bool{}
		}
		r.corrupt[n.Key] = true
		r.mu.Unlock()
		return false, "artifact was corrupt (moved aside)"
	}
	if !done {
		if m, err := r.Store.Manifest(n.Key); err == nil && m.Status == data.StatusPending {
			if m.Started.IsZero() {
				return false, "planned on the store, not computed yet"
			}
			return false, "started but never finished (interrupted run)"
		}
		return false, "not in the cache (new or changed params, code version or inputs)"
	}
	if n.Stage == "report" {
		b, err := os.ReadFile(filepath.Join(r.OutDir, stages.ReportMarker))
		if err != nil || string(b) != string(n.Key) {
			return false, "output directory " + r.OutDir + " holds no report of this key"
		}
	}
	return true, ""
}

// RunStage computes every node of one stage kind that is not done.
func (r *Runner) RunStage(ctx context.Context, stage string) error {
	nodes := r.Plan.Stage(stage)
	start := time.Now()
	r.mu.Lock()
	if r.stats == nil {
		r.stats = map[string]*reports.StageStat{}
		r.forced = map[data.Key]bool{}
	}
	st := &reports.StageStat{Stage: stage, Nodes: len(nodes)}
	r.stats[stage] = st
	r.mu.Unlock()
	var todo []*plan.Node
	for _, n := range nodes {
		if r.Force[stage] && !r.forced[n.Key] {
			todo = append(todo, n)
			continue
		}
		if ok, _ := r.Done(n); !ok {
			todo = append(todo, n)
		}
	}
	st.Cached = len(nodes) - len(todo)
	if len(todo) == 0 {
		r.Log("%s: all %d nodes cached, nothing to run", stage, len(nodes))
		return nil
	}
	prog := newProgress(stage, len(todo), r.Log)
	stop := prog.ticker(r.progressEvery())
	defer stop()
	err := r.executor().Compute(ctx, r, stage, todo, prog)
	st.Seconds = time.Since(start).Seconds()
	if ctx.Err() != nil {
		return fmt.Errorf("%s: interrupted after %d of %d nodes; run the same command again to continue (finished nodes are kept)", stage, prog.Finished(), len(todo))
	}
	if err != nil {
		return err
	}
	r.Log("%s: %d nodes done in %s", stage, len(todo), time.Since(start).Round(time.Millisecond))
	return nil
}

func (r *Runner) jobs() int {
	if r.Jobs < 1 {
		return 1
	}
	return r.Jobs
}

func (r *Runner) progressEvery() time.Duration {
	if r.ProgressEvery <= 0 {
		return 10 * time.Second
	}
	return r.ProgressEvery
}

// runNode computes one node under its lock; another process holding the lock computes it
// instead, and we pick up its result.
func (r *Runner) runNode(ctx context.Context, n *plan.Node, prog *Progress) error {
	unlock, err := r.Store.Lock(ctx, n.Key)
	if err != nil {
		return fmt.Errorf("%s %q (%s): %w", n.Stage, n.Label, n.Key, err)
	}
	defer unlock()
	r.mu.Lock()
	forced := r.Force[n.Stage] && !r.forced[n.Key]
	r.mu.Unlock()
	// Checked even when forced: damage (a manifest of another node too) is moved aside
	// before Describe.
	if ok, _ := r.Done(n); ok && !forced { // computed meanwhile by another run
		prog.Done(n.Key)
		return nil
	}
	if err := r.Describe(n); err != nil {
		return err
	}
	if err := Execute(ctx, r.Store, n.Key, r.OutDir, &stages.RunInfo{Commit: r.Commit, Stages: r.Stats()},
		func(f float64) { prog.SetPartial(n.Key, f) }, r.Logf); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%s %q (key %s) failed: %w%s", n.Stage, n.Label, n.Key, err, diskHint(err))
	}
	r.mu.Lock()
	r.ran = append(r.ran, n.Key)
	r.forced[n.Key] = true
	wasCorrupt := r.corrupt[n.Key]
	delete(r.corrupt, n.Key)
	if st := r.stats[n.Stage]; st != nil {
		st.Ran++ // the report's "Ran" column: computed here, not found in the cache
	}
	r.mu.Unlock()
	if wasCorrupt {
		r.Log("%s %q (%s): recomputed; its cached artifact had been corrupt", n.Stage, n.Label, n.Key)
	}
	prog.Done(n.Key)
	return nil
}
