package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/compdiff/compdiff/pipeline/plan"
)

// A real full disk: the cache lives on a 256 kB tmpfs, so the run stops with ENOSPC and a
// message naming the path and the fix, leaving only complete artifacts; after the file
// system grows (space freed), the same command completes, with the results of a clean run.
func TestFullDiskThenResume(t *testing.T) {
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=256k"); err != nil {
		t.Skipf("cannot mount a small tmpfs to fill (needs root and mount rights): %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(mnt, syscall.MNT_DETACH) })
	cfg := smokeConfig(t, "gauss-fc-id")
	cfg.Cache = filepath.Join(mnt, "cache")
	_, err := runTasks(t, context.Background(), cfg)
	s := NewSession(cfg)
	if err == nil {
		t.Fatal("the run succeeded on a 256 kB file system; make it smaller")
	}
	// goyek reports the task failure; the runner's error says why.
	if err := s.Setup(); err != nil {
		t.Fatal(err)
	}
	var runErr error
	for _, st := range plan.StageOrder {
		if runErr = s.Runner.RunStage(context.Background(), st); runErr != nil {
			break
		}
	}
	if runErr == nil || !errors.Is(runErr, syscall.ENOSPC) || !strings.Contains(runErr.Error(), "is full") ||
		!strings.Contains(runErr.Error(), cfg.Cache) {
		t.Fatalf("error %v; want ENOSPC naming the cache path and the fix", runErr)
	}
	// Whatever is done is complete; no temp file survives a failed write.
	keys, _ := s.Store.Keys()
	for _, k := range keys {
		if err := s.Store.Verify(k); err != nil {
			t.Errorf("after the full disk: %v", err)
		}
	}
	filepath.WalkDir(cfg.Cache, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("temp file left: %s", p)
		}
		return nil
	})
	if len(keys) == 0 {
		t.Fatal("nothing fit before the disk was full; the test no longer stops a run midway")
	}
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", syscall.MS_REMOUNT, "size=64m"); err != nil {
		t.Fatalf("growing the tmpfs: %v", err)
	}
	s2, err := runTasks(t, context.Background(), cfg)
	if err != nil {
		t.Fatalf("re-run after space was freed: %v", err)
	}
	if n := len(s2.Runner.Ran()); n == 0 || n >= len(s2.Plan.Nodes) {
		t.Fatalf("re-run computed %d of %d nodes; want only those the full disk stopped", n, len(s2.Plan.Nodes))
	}
	clean := smokeConfig(t, "gauss-fc-id")
	if _, err := runTasks(t, context.Background(), clean); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(cfg.Out, "results.csv"))
	b, _ := os.ReadFile(filepath.Join(clean.Out, "results.csv"))
	if len(a) == 0 || string(a) != string(b) {
		t.Fatal("results after the full disk differ from a clean run")
	}
}
