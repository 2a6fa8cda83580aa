package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/goyek/goyek/v2"
)

// The exit statuses: 0 done, 128+n stopped by signal n whatever the error, 1 a task failed
// or was cancelled, 2 anything goyek refused.
func TestExitCode(t *testing.T) {
	fail := &goyek.FailError{Task: "sample"}
	for _, c := range []struct {
		err  error
		sig  int
		want int
	}{
		{nil, 0, 0},
		{nil, 2, 0}, // the run finished before the signal stopped anything
		{fail, 0, 1},
		{context.Canceled, 0, 1},
		{fmt.Errorf("wrapped: %w", context.Canceled), 0, 1},
		{fail, 2, 130},
		{context.Canceled, 15, 143},
		{errors.New("task provided but not defined: x"), 0, 2},
	} {
		if got := exitCode(c.err, c.sig); got != c.want {
			t.Errorf("exitCode(%v, %d) = %d, want %d", c.err, c.sig, got, c.want)
		}
	}
}

// A wrong command line exits 2 before anything runs (no store, no report); -h exits 0.
func TestRunRefusesUsage(t *testing.T) {
	dir := t.TempDir()
	cache, out := filepath.Join(dir, "cache"), filepath.Join(dir, "out")
	for _, args := range [][]string{
		{"-j", "0"},
		{"-no-such-flag"},
		{"-decide", "report"},
		{"-budget", "30m"},
		{"-profile", "smoke", "sampel"},
		{"-slurm-partition", "gpu", "-dry-run"},
	} {
		if got := run(append(args, "-cache", cache, "-out", out)); got != exitUsage {
			t.Errorf("run(%v) = %d, want %d", args, got, exitUsage)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("refused command lines left %v", ents)
	}
	if got := run([]string{"-h"}); got != 0 {
		t.Errorf("run(-h) = %d, want 0", got)
	}
}

// Flags may come before, between and after the tasks; -- ends the flags.
func TestParse(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	j := fs.Int("j", 2, "")
	tasks, err := parse(fs, []string{"status", "-j", "3", "dag", "--", "-x"})
	if err != nil || *j != 3 || !slices.Equal(tasks, []string{"status", "dag", "-x"}) {
		t.Fatalf("parse = %v, %v, -j %d", tasks, err, *j)
	}
}
