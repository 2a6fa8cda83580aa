package run

import (
	"fmt"
	"slices"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/pipeline/plan"
)

// Describe writes n's manifest with status pending (params, input keys, label), so any
// process that sees the store can run n from its key alone.
func (r *Runner) Describe(n *plan.Node) error {
	m := &data.Manifest{Key: n.Key, Stage: n.Stage, Version: n.Version, Params: n.Params, Inputs: n.InputKeys(),
		Info: map[string]string{"label": n.Label}}
	return r.Store.Describe(m)
}

// Pending returns the nodes of the stage kinds from first through last (in plan.StageOrder) that
// are not done, in plan order (every node after its inputs). Nodes of a stage kind named in
// -force count as pending until this runner has recomputed them.
func (r *Runner) Pending(first, last string) []*plan.Node {
	lo, hi := slices.Index(plan.StageOrder, first), slices.Index(plan.StageOrder, last)
	var out []*plan.Node
	for _, n := range r.Plan.Nodes {
		i := slices.Index(plan.StageOrder, n.Stage)
		if i < lo || i > hi {
			continue
		}
		if r.isForced(n) {
			out = append(out, n)
		} else if ok, _ := r.Done(n); !ok {
			out = append(out, n)
		}
	}
	return out
}

func (r *Runner) isForced(n *plan.Node) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.Force[n.Stage] && !r.forced[n.Key]
}

// DropForced removes the cached artifact of n when -force asks to recompute it and this
// runner has not yet, and counts it as recomputed: for executors whose jobs skip nodes
// that are done.
func (r *Runner) DropForced(n *plan.Node) error {
	if !r.isForced(n) {
		return nil
	}
	if err := r.Store.Remove(n.Key); err != nil {
		return err
	}
	r.mu.Lock()
	r.forced[n.Key] = true
	r.mu.Unlock()
	return nil
}

// MarkRan records that key was computed for this runner (by a job of its executor).
func (r *Runner) MarkRan(key data.Key) {
	r.mu.Lock()
	r.ran = append(r.ran, key)
	r.mu.Unlock()
}

// PlanOnStore writes the manifest of every pending node through stage kind last, so that
// any machine that sees the store can run any of them (`-key KEY node`), in any order that
// respects the inputs. It returns how many nodes it described.
func (r *Runner) PlanOnStore(last string) (int, error) {
	nodes := r.Pending(plan.StageOrder[0], last)
	for _, n := range nodes {
		if err := r.Describe(n); err != nil {
			return 0, fmt.Errorf("plan on the store %s: %w", r.Store.Dir, err)
		}
	}
	return len(nodes), nil
}
