package pipeline

import (
	"fmt"
	"runtime"
	"slices"
	"strings"

	"github.com/compdiff/compdiff/pipeline/decide"
	"github.com/compdiff/compdiff/pipeline/plan"
	"github.com/compdiff/compdiff/pipeline/run"
	"github.com/compdiff/compdiff/pipeline/spec"
)

// UsageError lists every problem Check found on the command line, each with its fix.
type UsageError struct{ Problems []string }

func (e *UsageError) Error() string {
	head := "1 problem with the command line"
	if n := len(e.Problems); n > 1 {
		head = fmt.Sprintf("%d problems with the command line", n)
	}
	var b strings.Builder
	b.WriteString(head + " (nothing was run):")
	for _, p := range e.Problems {
		b.WriteString("\n  " + strings.ReplaceAll(p, "\n", "\n    "))
	}
	return b.String()
}

// previewed are the tasks -dry-run previews; the others would run regardless.
var previewed = append(stageTasks(), "all", "status", "dag")

// noReport are the tasks that never write -out; any other does, or may.
var noReport = append(stageTasks()[:len(plan.StageOrder)-1], "status", "plan", "dag", "gc", "node", "bench")

// Check refuses, before any node runs, every flag value the tasks cannot use and every
// combination that makes no sense, all at once: nil or a *UsageError. tasks are as they will
// run (none: the default all; -decide adds decide). It reads the spec and a -key @FILE and
// probes the directories, but creates nothing that stays.
func (c *Config) Check(tasks []string) error {
	if len(tasks) == 0 {
		tasks = []string{"all"}
	}
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	has := func(names ...string) bool {
		return slices.ContainsFunc(tasks, func(t string) bool { return slices.Contains(names, t) })
	}
	known := TaskNames()
	unknown := without(tasks, known...)
	if len(unknown) > 0 {
		add("%s: no such task; the tasks are %s", strings.Join(unknown, ", "), strings.Join(known, ", "))
	}
	if c.Jobs < 1 {
		add("-j %d: want a positive whole number of nodes computed at once, e.g. -j %d (one per core of this machine)", c.Jobs, runtime.NumCPU())
	}
	if len(without(tasks, "node", "bench")) > 0 {
		if sp, err := spec.Load(c.Spec); err != nil {
			add("%v", err)
		} else {
			if _, err := sp.Profile(c.Profile); err != nil {
				add("-profile: %v", err)
			}
			if _, err := sp.Select(c.Only); err != nil {
				add("%v", err)
			}
		}
	}
	if _, err := forceKinds(c.Force); err != nil {
		add("%v", err)
	}
	if len(without(tasks, "bench")) > 0 {
		if why := checkDir("-cache", c.Cache, "the artifact store"); why != "" {
			add("%s", why)
		}
	}
	// The node task is left out although it may be given the report's key: cluster jobs
	// run it with the -out of the login node, which they never write.
	if !c.DryRun && len(without(tasks, append(noReport, unknown...)...)) > 0 {
		if why := checkDir("-out", c.Out, "the report"); why != "" {
			add("%s", why)
		}
	}
	if why := checkFile("-cpuprofile", c.CPUProfile); why != "" {
		add("%s", why)
	}
	for _, err := range []error{checkKernels(c.Kernels), checkExecutor(c.Executor), checkLock(c.Lock)} {
		if err != nil {
			add("%v", err)
		}
	}
	if c.Executor == "slurm" {
		if err := c.Slurm.Check(); err != nil {
			add("%v", err)
		}
	} else if given := c.given("slurm-"); len(given) > 0 {
		them := map[bool]string{true: "it", false: "them"}[len(given) == 1]
		add("%s: only -executor slurm submits jobs; add -executor slurm, or drop %s", strings.Join(given, ", "), them)
	}
	if c.Format != "" && c.Format != "text" && c.Format != "dot" {
		add("-format %q: use text or dot (the dag task's output)", c.Format)
	}
	if has("decide") {
		if other := without(tasks, "decide"); len(other) > 0 {
			add("-decide (the decide task) runs alone and renders its own report: drop %s, or drop -decide", strings.Join(other, ", "))
		}
		if _, err := decide.ParseBudget(c.Budget); err != nil {
			add("%v", err)
		}
	} else if c.Budget != "" {
		add("-budget %s: only -decide spends a budget; add -decide, or drop -budget", c.Budget)
	}
	if has("node") {
		if c.Key == "" {
			add("the node task needs -key KEY (or -key K1,K2 or -key @FILE; `go run ./build dag` prints the keys)")
		} else if _, err := run.ParseKeys(c.Key); err != nil {
			add("%v", err)
		}
	} else if c.Key != "" {
		add("-key: only the node task runs nodes by key; add the task node, or drop -key")
	}
	if c.DryRun {
		if bad := without(tasks, append(unknown, previewed...)...); len(bad) > 0 {
			add("-dry-run previews only %s and would not hold back %s: drop %[2]s, or drop -dry-run", strings.Join(previewed, ", "), strings.Join(bad, ", "))
		}
	}
	if len(p) > 0 {
		return &UsageError{Problems: p}
	}
	return nil
}

// given lists the flags with this name prefix that the command line set, as -name.
func (c *Config) given(prefix string) []string {
	var out []string
	for name := range c.Given {
		if strings.HasPrefix(name, prefix) {
			out = append(out, "-"+name)
		}
	}
	slices.Sort(out)
	return out
}

// without returns the tasks that are not among names, each once.
func without(tasks []string, names ...string) []string {
	var out []string
	for _, t := range tasks {
		if !slices.Contains(names, t) && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// forceKinds reads -force: comma-separated stage kinds, or all.
func forceKinds(s string) (map[string]bool, error) {
	force := map[string]bool{}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		switch {
		case f == "":
		case f == "all":
			for _, st := range plan.StageOrder {
				force[st] = true
			}
		case slices.Contains(plan.StageOrder, f):
			force[f] = true
		default:
			return nil, fmt.Errorf("-force %q: unknown stage kind; use one of %s or all", f, strings.Join(plan.StageOrder, ", "))
		}
	}
	return force, nil
}

func checkExecutor(e string) error {
	switch e {
	case "", "local", "slurm":
		return nil
	}
	return fmt.Errorf("-executor %q: use local or slurm", e)
}

func checkLock(l string) error {
	switch l {
	case "", "flock", "link":
		return nil
	}
	return fmt.Errorf("-lock %q: use flock, or link on a shared file system whose flock does not exclude other machines", l)
}
