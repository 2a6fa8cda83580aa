package run

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/stages"
)

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

// diskHint adds the fix to a full-disk error from a writer outside the store (the report's
// files); the store's own errors already name it.
func diskHint(err error) string {
	var we *data.WriteError
	if errors.As(err, &we) || !(errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)) {
		return ""
	}
	return "; the disk is full: free space (or choose other -cache/-out directories), then run the same command again; finished nodes are kept"
}
