package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/stages"
)

// Runner executes a plan's nodes against a store with a bounded pool of workers.
type Runner struct {
	Store  *data.Store
	Plan   *Plan
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
	for _, s := range StageOrder {
		if st, ok := r.stats[s]; ok {
			out = append(out, *st)
		}
	}
	return out
}

func (r *Runner) logf(format string, args ...any) {
	if r.Logf != nil {
		r.Logf(format, args...)
	}
}

// Done tells whether n's artifact is usable: complete in the store, checksums verified
// (a corrupt artifact is moved aside by the store and reported here), and for the report,
// rendered into the current output directory.
func (r *Runner) Done(n *Node) (bool, string) {
	if !r.Store.Done(n.Key) {
		if m, err := r.Store.Manifest(n.Key); err == nil && m.Status == data.StatusPending {
			if m.Started.IsZero() {
				return false, "planned on the store, not computed yet"
			}
			return false, "started but never finished (interrupted run)"
		}
		return false, "not in the cache (new or changed params, code version or inputs)"
	}
	if err := r.Store.Verify(n.Key); err != nil {
		var ce *data.CorruptError
		if errors.As(err, &ce) {
			r.logf("warning: %s; recomputing it in this run", ce.What())
			r.mu.Lock()
			if r.corrupt == nil {
				r.corrupt = map[data.Key]bool{}
			}
			r.corrupt[n.Key] = true
			r.mu.Unlock()
			return false, "artifact was corrupt (moved aside)"
		}
		return false, "artifact unreadable: " + err.Error()
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
	var todo []*Node
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
		r.logf("%s: all %d nodes cached, nothing to run", stage, len(nodes))
		return nil
	}
	prog := newProgress(stage, len(todo), r.logf)
	stop := prog.ticker(r.progressEvery())
	defer stop()
	err := r.executor().Compute(ctx, r, stage, todo, prog)
	st.Seconds = time.Since(start).Seconds()
	if ctx.Err() != nil {
		return fmt.Errorf("%s: interrupted after %d of %d nodes; run the same command again to continue (finished nodes are kept)", stage, prog.finished(), len(todo))
	}
	if err != nil {
		return err
	}
	r.logf("%s: %d nodes done in %s", stage, len(todo), time.Since(start).Round(time.Millisecond))
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
func (r *Runner) runNode(ctx context.Context, n *Node, prog *progress) error {
	unlock, err := r.Store.Lock(ctx, n.Key)
	if err != nil {
		return fmt.Errorf("%s %q (%s): %w", n.Stage, n.Label, n.Key, err)
	}
	defer unlock()
	r.mu.Lock()
	forced := r.Force[n.Stage] && !r.forced[n.Key]
	r.mu.Unlock()
	if !forced {
		if ok, _ := r.Done(n); ok { // computed meanwhile by another run
			prog.done(n.Key, true)
			return nil
		}
	}
	if err := r.describe(n); err != nil {
		return err
	}
	if err := Execute(ctx, r.Store, n.Key, r.OutDir, &stages.RunInfo{Commit: r.Commit, Stages: r.Stats()},
		func(f float64) { prog.setPartial(n.Key, f) }, r.Logf); err != nil {
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
		r.logf("%s %q (%s): recomputed; its cached artifact had been corrupt", n.Stage, n.Label, n.Key)
	}
	prog.done(n.Key, false)
	return nil
}

// Execute runs the node whose manifest is in the store, from its key alone: the stage kind,
// params and input keys all come from the manifest. It is the seam for other executors
// (`go run ./build -key KEY node`, or a cluster job over a shared store).
func Execute(ctx context.Context, store *data.Store, key data.Key, outDir string, run *stages.RunInfo, progress func(float64), logf func(string, ...any)) error {
	m, err := store.Manifest(key)
	if err != nil {
		return fmt.Errorf("node %s: no manifest in the store (%w); run the pipeline once so the node is described", key, err)
	}
	def, ok := stages.Lookup(m.Stage)
	if !ok {
		return fmt.Errorf("node %s: unknown stage kind %q", key, m.Stage)
	}
	if def.Version != m.Version {
		return fmt.Errorf("node %s: described for %s version %d but this code has version %d; re-plan with the current code", key, m.Stage, m.Version, def.Version)
	}
	for name, in := range m.Inputs {
		if !store.Done(in) {
			return fmt.Errorf("node %s: input %q (%s) is not computed yet", key, name, in)
		}
	}
	env := &stages.Env{Store: store, Key: key, Inputs: m.Inputs, OutDir: outDir, Run: run, Progress: progress, Logf: logf}
	started := time.Now()
	out, err := def.Run(ctx, env, m.Params)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	done := *m
	done.Started, done.Finished = started, time.Now()
	done.Seconds = time.Since(started).Seconds()
	done.Host, _ = os.Hostname()
	if done.Info == nil {
		done.Info = map[string]string{}
	}
	for k, v := range out.Info {
		done.Info[k] = v
	}
	return store.Put(&done, out.Parts)
}

// progress prints "stage: done/total nodes, elapsed, ETA" at intervals.
type progress struct {
	stage string
	total int
	start time.Time
	logf  func(string, ...any)

	mu      sync.Mutex
	nDone   int
	partial map[data.Key]float64
}

func newProgress(stage string, total int, logf func(string, ...any)) *progress {
	return &progress{stage: stage, total: total, start: time.Now(), logf: logf, partial: map[data.Key]float64{}}
}

func (p *progress) setPartial(k data.Key, f float64) {
	p.mu.Lock()
	p.partial[k] = f
	p.mu.Unlock()
}

func (p *progress) done(k data.Key, _ bool) {
	p.mu.Lock()
	p.nDone++
	delete(p.partial, k)
	p.mu.Unlock()
}

func (p *progress) finished() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.nDone
}

func (p *progress) line() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	work := float64(p.nDone)
	for _, f := range p.partial {
		work += min(f, 1)
	}
	el := time.Since(p.start)
	eta := "?"
	if work > 0 {
		eta = (time.Duration(float64(el) * (float64(p.total) - work) / work)).Round(time.Second).String()
	}
	return fmt.Sprintf("%s: %d/%d nodes done (%.0f%% of the work), elapsed %s, ETA %s", p.stage, p.nDone, p.total,
		100*work/float64(p.total), el.Round(time.Second), eta)
}

func (p *progress) ticker(every time.Duration) (stop func()) {
	t := time.NewTicker(every)
	quit := make(chan struct{})
	go func() {
		for {
			select {
			case <-t.C:
				p.logf("%s", p.line())
			case <-quit:
				return
			}
		}
	}()
	return func() { t.Stop(); close(quit) }
}

// diskHint adds the fix to a full-disk error from a writer outside the store (the report's
// files); the store's own errors already name it.
func diskHint(err error) string {
	var we *data.WriteError
	if errors.As(err, &we) || !(errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)) {
		return ""
	}
	return "; the disk is full: free space (or choose other -cache/-out directories), then run the same command again; finished nodes are kept"
}
