package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/pipeline/slurm"
)

// validConfig is what build passes with its defaults, the store and report under dir.
func validConfig(dir string) Config {
	return Config{Profile: "smoke", Jobs: 2, Cache: filepath.Join(dir, "cache"), Out: filepath.Join(dir, "out"),
		Format: "text", Kernels: "auto", Executor: "local", Lock: "flock", Slurm: slurm.Config{OnInterrupt: "ask"}}
}

// Every flag rule of Check, one case each: a valid command line passes, and each mistake
// alone is refused with exactly one problem that names the flag and the fix.
func TestCheckFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	os.WriteFile(file, []byte("x"), 0o644)
	keys := filepath.Join(dir, "keys")
	os.WriteFile(keys, []byte(strings.Repeat("ab", 16)+"\n"), 0o644)
	used := filepath.Join(dir, "used-out")
	os.MkdirAll(filepath.Join(used, "tables"), 0o755)
	os.WriteFile(filepath.Join(used, "index.html"), []byte("old"), 0o644)
	for _, c := range []struct {
		name  string
		tasks []string
		edit  func(*Config)
		want  string // "" for accepted
	}{
		{"defaults", nil, func(*Config) {}, ""},
		{"out in use", []string{"report"}, func(c *Config) { c.Out = used }, ""},
		{"bench needs no store", []string{"bench"}, func(c *Config) { c.Cache, c.Out, c.Profile = file, file, "nope" }, ""},
		{"data writes no report", []string{"data"}, func(c *Config) { c.Out = file }, ""},
		{"dry run writes no report", nil, func(c *Config) { c.Out, c.DryRun = file, true }, ""},
		{"dry run status", []string{"status", "dag"}, func(c *Config) { c.DryRun, c.Format = true, "dot" }, ""},
		{"node", []string{"node"}, func(c *Config) { c.Key, c.Profile, c.Out = "@"+keys, "from-a-lost-spec", file }, ""},
		{"decide", []string{"decide"}, func(c *Config) { c.Budget = "2000nodes" }, ""},
		{"slurm", nil, func(c *Config) {
			c.Executor, c.Given = "slurm", map[string]bool{"slurm-partition": true, "j": true}
		}, ""},
		{"link lock, every kernel path, force all", []string{"bench"}, func(c *Config) { c.Lock, c.Kernels, c.Force = "link", "all", "all" }, ""},

		{"unknown task", []string{"all", "sampel"}, func(*Config) {}, "sampel: no such task; the tasks are all, bench, calibrate, dag, data, decide"},
		{"-j 0", nil, func(c *Config) { c.Jobs = 0 }, "-j 0: want a positive whole number of nodes computed at once, e.g. -j"},
		{"-j -3", []string{"bench"}, func(c *Config) { c.Jobs = -3 }, "-j -3: want a positive"},
		{"-out a file", nil, func(c *Config) { c.Out = file }, "-out " + file + ": is a file, not a directory; give a directory for the report"},
		{"-out under a file", []string{"decide"}, func(c *Config) { c.Budget, c.Out = "1h", file+"/out" }, "-out " + file + "/out: cannot be created, " + file + " is a file"},
		{"-cache a file", []string{"status"}, func(c *Config) { c.Cache = file }, "-cache " + file + ": is a file, not a directory; give a directory for the artifact store"},
		{"-cache under a file", nil, func(c *Config) { c.Cache = file + "/x/y" }, "-cache " + file + "/x/y: cannot be created, " + file + " is a file"},
		{"-cache empty", nil, func(c *Config) { c.Cache = "" }, "-cache is empty: give the directory"},
		{"-profile", nil, func(c *Config) { c.Profile = "smok" }, `-profile: unknown profile "smok"; choose one of`},
		{"-only", []string{"dag"}, func(c *Config) { c.Only = "gmm-id,gmm-idd" }, `unknown setting "gmm-idd" in -only; the spec has`},
		{"-spec", []string{"status"}, func(c *Config) { c.Spec = file + ".missing" }, file + ".missing"},
		{"-force", []string{"status"}, func(c *Config) { c.Force = "sample,metric" }, `-force "metric": unknown stage kind; use one of`},
		{"-kernels", nil, func(c *Config) { c.Kernels = "avx9" }, `-kernels "avx9": unknown path; want auto, all or one of`},
		{"-executor", nil, func(c *Config) { c.Executor = "kubernetes" }, `-executor "kubernetes": use local or slurm`},
		{"-lock", nil, func(c *Config) { c.Lock = "nfs" }, `-lock "nfs": use flock, or link`},
		{"-format", []string{"dag"}, func(c *Config) { c.Format = "svg" }, `-format "svg": use text or dot`},
		{"-cpuprofile", nil, func(c *Config) { c.CPUProfile = file + "/cpu.prof" }, "-cpuprofile " + file + "/cpu.prof: " + file + " is not a directory"},
		{"-cpuprofile a directory", nil, func(c *Config) { c.CPUProfile = dir }, "-cpuprofile " + dir + ": is a directory"},
		{"slurm flags, local executor", nil, func(c *Config) {
			c.Given = map[string]bool{"slurm-time": true, "slurm-partition": true, "cache": true}
		}, "-slurm-partition, -slurm-time: only -executor slurm submits jobs; add -executor slurm, or drop them"},
		{"slurm config", nil, func(c *Config) { c.Executor, c.Slurm.OnInterrupt = "slurm", "maybe" }, `-slurm-on-interrupt "maybe": use ask, cancel or leave`},
		{"-budget without -decide", nil, func(c *Config) { c.Budget = "30m" }, "-budget 30m: only -decide spends a budget; add -decide, or drop -budget"},
		{"-decide without -budget", []string{"decide"}, func(*Config) {}, "-decide needs -budget: a wall time such as 30m"},
		{"-budget unreadable", []string{"decide"}, func(c *Config) { c.Budget = "-5m" }, `-budget "-5m": give a positive wall time`},
		{"-decide with other tasks", []string{"report", "decide"}, func(c *Config) { c.Budget = "1h" }, "-decide (the decide task) runs alone and renders its own report: drop report, or drop -decide"},
		{"-key without node", nil, func(c *Config) { c.Key = strings.Repeat("a", 32) }, "-key: only the node task runs nodes by key; add the task node, or drop -key"},
		{"node without -key", []string{"node"}, func(*Config) {}, "the node task needs -key KEY"},
		{"-key not a key", []string{"node"}, func(c *Config) { c.Key = "0123ABCD" }, `-key: artifact key "0123ABCD"`},
		{"-key @FILE of no keys", []string{"node"}, func(c *Config) { c.Key = "@" + file }, "-key @" + file + ": line 1 is not a node key (it is 1 bytes long)"},
		{"-dry-run node", []string{"node"}, func(c *Config) { c.Key, c.DryRun = "@"+keys, true }, "-dry-run previews only data, truth, train, sample, metrics, report, all, status, dag and would not hold back node: drop node, or drop -dry-run"},
		{"-dry-run gc, bench", []string{"gc", "bench"}, func(c *Config) { c.DryRun = true }, "would not hold back gc, bench: drop gc, bench, or drop -dry-run"},
	} {
		cfg := validConfig(t.TempDir())
		c.edit(&cfg)
		err := cfg.Check(c.tasks)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", c.name, err)
			}
			continue
		}
		var u *UsageError
		if !errors.As(err, &u) || len(u.Problems) != 1 || !strings.Contains(u.Problems[0], c.want) {
			t.Errorf("%s: Check = %v; want one problem containing %q", c.name, err, c.want)
		}
	}
}

// Check probes directories but creates none: a refused or accepted command line leaves no
// -cache or -out behind.
func TestCheckCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	cfg := validConfig(dir)
	cfg.Cache, cfg.Out = filepath.Join(dir, "new", "cache"), filepath.Join(dir, "new", "out")
	if err := cfg.Check(nil); err != nil {
		t.Fatal(err)
	}
	cfg.Jobs = 0
	if err := cfg.Check(nil); err == nil {
		t.Fatal("-j 0 accepted")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("Check left %v in %s", ents, dir)
	}
}

// A directory nobody may write (a mode-0500 one, and /proc, which even root cannot write)
// is refused as -cache.
func TestCheckUnwritable(t *testing.T) {
	dirs := map[string]string{}
	if os.Geteuid() != 0 {
		ro := filepath.Join(t.TempDir(), "ro")
		os.Mkdir(ro, 0o500)
		dirs[ro] = ": not writable ("
		dirs[filepath.Join(ro, "cache")] = ": cannot be created, " + ro + " is not writable ("
	}
	if fi, err := os.Stat("/proc/self"); err == nil && fi.IsDir() {
		dirs["/proc/compdiff-cache"] = ": cannot be created, /proc is not writable ("
	}
	if len(dirs) == 0 {
		t.Skip("running as root without /proc: no directory here is unwritable")
	}
	for cache, want := range dirs {
		cfg := validConfig(t.TempDir())
		cfg.Cache = cache
		err := cfg.Check([]string{"status"})
		if err == nil || !strings.Contains(err.Error(), "-cache "+cache+want) || !strings.Contains(err.Error(), "choose another directory for the artifact store") {
			t.Errorf("-cache %s: %v; want refused with %q and the fix", cache, err, want)
		}
	}
}

// Every problem is named at once, in one message.
func TestCheckNamesEveryProblem(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	os.WriteFile(file, nil, 0o644)
	cfg := validConfig(dir)
	cfg.Jobs, cfg.Out, cfg.Cache, cfg.Budget, cfg.Key, cfg.Lock = 0, file, file+"/c", "1h", "xyz", "nfs"
	err := cfg.Check([]string{"all"})
	var u *UsageError
	if !errors.As(err, &u) || len(u.Problems) != 6 {
		t.Fatalf("Check = %v; want 6 problems", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "6 problems with the command line (nothing was run):\n  -j 0: ") || strings.Count(msg, "\n  -") != 6 {
		t.Errorf("message:\n%s", msg)
	}
}

// Check knows the tasks Define registers: every stage task and the others.
func TestTaskNames(t *testing.T) {
	names := TaskNames()
	for _, n := range append(stageTasks(), "all", "decide", "status", "plan", "dag", "gc", "node", "bench") {
		if !slices.Contains(names, n) {
			t.Errorf("TaskNames() = %v lacks %s", names, n)
		}
	}
	if slices.Contains(names, "dataset") {
		t.Errorf("TaskNames() = %v: the dataset stage's task is data", names)
	}
}
