package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/compdiff/compdiff/core/gemm"
	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/pipeline/run"
)

// RunKey runs the nodes of -key from the store alone (their manifests must be there):
// one key, several separated by commas, or @FILE with one key per line (a cluster job's
// batch). A node that fails does not stop the others; the error names every failure.
// Inside a Slurm job the multiplies use exactly the job's CPUs.
func (s *Session) RunKey(ctx context.Context, logf func(string, ...any)) error {
	if s.Cfg.Key == "" {
		return fmt.Errorf("node: give the node's key with -key KEY (see `go run ./build dag` for keys)")
	}
	keys, err := run.ParseKeys(s.Cfg.Key)
	if err != nil {
		return err
	}
	store, err := s.openStore()
	if err != nil {
		return err
	}
	if c := os.Getenv("SLURM_CPUS_PER_TASK"); c != "" {
		if n, err := strconv.Atoi(c); err == nil && n > 0 {
			defer gemm.SetMaxThreads(gemm.SetMaxThreads(n))
			logf("node: multiplies use the job's %d CPUs", n)
		}
	}
	var failed []error
	for _, key := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.runKey(ctx, store, key, logf); err != nil {
			logf("node %s failed: %v", key, err)
			failed = append(failed, fmt.Errorf("node %s failed: %w", key, err))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d nodes failed: %w", len(failed), len(keys), errors.Join(failed...))
	}
	return nil
}

func (s *Session) runKey(ctx context.Context, store *data.Store, key data.Key, logf func(string, ...any)) error {
	unlock, err := store.Lock(ctx, key)
	if err != nil {
		return err
	}
	defer unlock()
	if store.Done(key) && !strings.Contains(s.Cfg.Force, "all") {
		logf("node %s is already computed", key)
		return nil
	}
	if err := failHook(key); err != nil {
		return err
	}
	if err := awaitInputs(ctx, store, key, inputGrace); err != nil {
		return err
	}
	start := time.Now()
	if err := run.Execute(ctx, store, key, s.Cfg.Out, nil, nil, logf); err != nil {
		return err
	}
	// Read back what was written: a job exits 0 only for artifacts that verify.
	if err := store.Verify(key); err != nil {
		return fmt.Errorf("written but does not verify: %w", err)
	}
	logf("node %s computed in %s", key, time.Since(start).Round(time.Millisecond))
	return nil
}

// inputGrace is how long a node waits for inputs that its job's dependencies say are done
// but the file system does not show yet (attribute caching on network file systems).
var inputGrace = 30 * time.Second

func awaitInputs(ctx context.Context, store *data.Store, key data.Key, grace time.Duration) error {
	m, err := store.Manifest(key)
	if err != nil {
		return nil // Execute reports the missing manifest
	}
	deadline := time.Now().Add(grace)
	for _, in := range m.Inputs {
		for !store.Done(in) && time.Now().Before(deadline) {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(500 * time.Millisecond):
			}
		}
	}
	return nil
}

// FailNodesEnv names nodes (comma-separated key prefixes) that the node task fails on
// purpose: the tests' way to make a cluster job fail.
const FailNodesEnv = "COMPDIFF_TEST_FAIL_NODES"

func failHook(key data.Key) error {
	for _, p := range strings.Split(os.Getenv(FailNodesEnv), ",") {
		if p != "" && strings.HasPrefix(string(key), p) {
			return fmt.Errorf("failing on purpose (%s=%s)", FailNodesEnv, os.Getenv(FailNodesEnv))
		}
	}
	return nil
}
