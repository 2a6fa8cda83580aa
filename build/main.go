// Command build runs the compdiff pipeline: `go run ./build [flags] [tasks]`.
// Tasks are goyek tasks (data, truth, train, sample, metrics, report, all, decide, status,
// plan, dag, gc, node, bench); flags may come before or after them. The exit status is 0
// when the tasks succeeded, 1 when one failed, 2 on a usage error (nothing ran), and
// 128+n when signal n stopped the run (130 Ctrl-C, 143 SIGTERM).
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"sync/atomic"
	"syscall"

	"github.com/goyek/goyek/v2"
	"github.com/goyek/goyek/v2/middleware"

	"github.com/compdiff/compdiff/pipeline"
	"github.com/compdiff/compdiff/pipeline/slurm"
)

func main() { os.Exit(run(os.Args[1:])) }

// Exit statuses besides 0 (success); a run stopped by signal n exits with 128+n, as shells
// report it: 130 after Ctrl-C (SIGINT), 143 after kill or a scheduler's SIGTERM.
const (
	exitFailed = 1 // a task failed
	exitUsage  = 2 // the command line is wrong; nothing ran
)

// run executes the tasks named in args and returns the exit status. Every flag and task
// is checked (pipeline.Config.Check) before anything runs.
func run(args []string) int {
	var cfg pipeline.Config
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.StringVar(&cfg.Profile, "profile", "default", "profile: smoke, default or paper (or one defined in -spec)")
	fs.StringVar(&cfg.Spec, "spec", "", "YAML `file` adding or replacing settings and overriding profile fields")
	fs.StringVar(&cfg.Only, "only", "", "comma-separated setting `ids` to run (default: all)")
	fs.IntVar(&cfg.Jobs, "j", 2, "number of nodes computed at once (a positive `number`)")
	fs.StringVar(&cfg.Force, "force", "", "comma-separated stage `kinds` to recompute even if cached (or all)")
	fs.StringVar(&cfg.Cache, "cache", ".cache", "artifact store `dir` (created if missing; must be writable)")
	fs.StringVar(&cfg.Out, "out", "out", "output `dir` for the report (created if missing; must be writable)")
	fs.StringVar(&cfg.Key, "key", "", "the node task's `key`s: KEY, KEY1,KEY2,... or @FILE with one key per line")
	fs.StringVar(&cfg.Format, "format", "text", "dag output: text or dot")
	fs.BoolVar(&cfg.AllowLarge, "allow-large", false, "run a plan beyond the size limits (nodes, memory, disk) instead of refusing it")
	fs.StringVar(&cfg.Kernels, "kernels", cmp.Or(os.Getenv(pipeline.KernelsEnv), "auto"), "kernel `path`: auto, avx512, avx2, neon or generic; all = bench every path (default $"+pipeline.KernelsEnv+" or auto)")
	fs.StringVar(&cfg.Executor, "executor", "local", "where nodes run: local, or slurm (jobs over a shared -cache)")
	fs.StringVar(&cfg.Lock, "lock", "flock", "per-node lock: flock, or link on shared file systems whose flock does not reach other machines")
	fs.BoolVar(&cfg.DryRun, "dry-run", false, "print the pending nodes and their estimated core-hours instead of running them")
	slurm.Flags(fs, &cfg.Slurm)
	decide := fs.Bool("decide", false, "add runs where claims are still open until decided or -budget is spent (the decide task)")
	fs.StringVar(&cfg.Budget, "budget", "", "-decide's budget: wall `time` (30m) or a node count (2000nodes)")
	verbose := fs.Bool("v", false, "report every task as it starts and ends")
	fs.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write a CPU profile of the whole run to `file` (inspect with go tool pprof)")
	// The tasks are defined first, so that -h lists them; the session gets its Config once
	// the command line is read and checked.
	flow := &goyek.Flow{}
	s := pipeline.NewSession(pipeline.Config{})
	pipeline.Define(flow, s)
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "Usage: go run ./build [flags] [tasks]")
		flow.Print()
		fmt.Fprintln(os.Stderr, "Flags:")
		fs.PrintDefaults()
		fmt.Fprintln(os.Stderr, "Exit status: 0 done, 1 a task failed, 2 usage error (nothing ran), 130 stopped by Ctrl-C, 143 by SIGTERM.")
	}
	tasks, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return exitUsage
	}
	cfg.Given = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { cfg.Given[f.Name] = true })
	if *decide && !slices.Contains(tasks, "decide") {
		tasks = append(tasks, "decide")
	}
	if err := cfg.Check(tasks); err != nil {
		fmt.Fprintf(os.Stderr, "%v\n(go run ./build -h lists every flag and task)\n", err)
		return exitUsage
	}
	if err := pipeline.UseKernels(cfg.Kernels); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitUsage
	}
	cfg.Until = pipeline.LastStage(tasks)
	s.Cfg = cfg
	flow.SetOutput(os.Stdout)
	flow.SetLogger(goyek.FmtLogger{})
	flow.Use(middleware.ReportStatus)
	if *verbose {
		flow.UseExecutor(middleware.ReportFlow)
	}
	// Ctrl-C or kill (SIGTERM) cancels the run; finished nodes stay in the cache and a
	// second signal exits at once. Atomic writes mean no half artifact is ever visible.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stopped atomic.Int32 // the number of the signal that stopped the run
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	go func() {
		stopped.Store(signum(<-sig))
		fmt.Fprintln(os.Stderr, "interrupted: stopping; run the same command again to continue")
		cancel()
		os.Exit(128 + int(signum(<-sig)))
	}()
	if cfg.CPUProfile != "" {
		stop, err := startCPUProfile(cfg.CPUProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return exitUsage
		}
		defer stop()
	}
	err = flow.Execute(ctx, tasks)
	code := exitCode(err, int(stopped.Load()))
	if code == exitUsage {
		fmt.Fprintln(os.Stderr, err)
	}
	return code
}

// exitCode is the status of a run that ended with err, stopped by signal number sig (0:
// none): 0, 128+sig, 1 when a task failed, 2 when goyek refused the command line.
func exitCode(err error, sig int) int {
	var ferr *goyek.FailError
	switch {
	case err == nil:
		return 0
	case sig != 0:
		return 128 + sig
	case errors.As(err, &ferr) || errors.Is(err, context.Canceled):
		return exitFailed
	}
	return exitUsage
}

// signum is a signal's number (SIGINT 2, SIGTERM 15).
func signum(s os.Signal) int32 {
	if n, ok := s.(syscall.Signal); ok {
		return int32(n)
	}
	return int32(syscall.SIGINT)
}

// startCPUProfile profiles the process into path until the returned stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// parse accepts flags before, between and after task names.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var tasks []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return tasks, nil
		}
		if args[0] == "--" {
			return append(tasks, args[1:]...), nil
		}
		tasks = append(tasks, args[0])
		args = args[1:]
	}
}
