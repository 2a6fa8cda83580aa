package run

import (
	"context"
	"errors"
	"runtime"
	"sync"

	"github.com/compdiff/compdiff/core/gemm"
	"github.com/compdiff/compdiff/pipeline/plan"
)

// Executor computes the stale nodes of one stage kind. Their inputs are done, or (for a
// cluster executor) computed by jobs the executor submitted earlier. Progress goes through
// prog; the store is the only truth about what is done.
type Executor interface {
	Compute(ctx context.Context, r *Runner, stage string, todo []*plan.Node, prog *Progress) error
}

func (r *Runner) executor() Executor {
	if r.Exec == nil {
		return LocalExecutor{}
	}
	return r.Exec
}

// LocalExecutor runs nodes in this process with a pool of r.Jobs workers.
type LocalExecutor struct{}

// Compute runs todo on the pool; after the first failure it stops feeding, lets running
// nodes finish and returns every error.
func (LocalExecutor) Compute(ctx context.Context, r *Runner, stage string, todo []*plan.Node, prog *Progress) error {
	workers := min(r.jobs(), len(todo))
	r.Log("%s: running %d of %d nodes (%d cached) with %d workers", stage, len(todo), len(r.Plan.Stage(stage)),
		len(r.Plan.Stage(stage))-len(todo), workers)

	// The workers keep the cores busy with independent nodes: each node's multiplies get an
	// equal share of the cores instead of waiting on helpers the other workers hold.
	defer gemm.SetMaxThreads(gemm.SetMaxThreads(max(1, runtime.NumCPU()/workers)))

	work := make(chan *plan.Node)
	errs := make(chan error, len(todo))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range work {
				if err := r.runNode(ctx, n, prog); err != nil {
					errs <- err
				}
			}
		}()
	}
feed:
	for _, n := range todo {
		select {
		case work <- n:
		case <-ctx.Done():
			break feed
		case err := <-errs:
			errs <- err
			break feed // stop feeding after the first failure; running nodes finish
		}
	}
	close(work)
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return errors.Join(all...)
}
