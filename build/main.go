// Command build runs the compdiff pipeline: `go run ./build [flags] [tasks]`.
// Tasks are goyek tasks (data, truth, train, sample, metrics, report, all, status, dag,
// gc, node, bench); flags may come before or after them.
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
	"strings"
	"syscall"

	"github.com/goyek/goyek/v2"
	"github.com/goyek/goyek/v2/middleware"

	"github.com/compdiff/compdiff/pipeline"
	"github.com/compdiff/compdiff/pipeline/slurm"
)

func main() { os.Exit(run()) }

// run executes the tasks named on the command line and returns the exit code: 0 on
// success, 1 when a task failed or the run was interrupted, 2 on a usage error.
func run() int {
	var cfg pipeline.Config
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.StringVar(&cfg.Profile, "profile", "default", "profile: smoke, default or paper (or one defined in -spec)")
	fs.StringVar(&cfg.Spec, "spec", "", "YAML `file` adding or replacing settings and overriding profile fields")
	fs.StringVar(&cfg.Only, "only", "", "comma-separated setting `ids` to run (default: all)")
	fs.IntVar(&cfg.Jobs, "j", 2, "number of nodes computed at once")
	fs.StringVar(&cfg.Force, "force", "", "comma-separated stage `kinds` to recompute even if cached (or all)")
	fs.StringVar(&cfg.Cache, "cache", ".cache", "artifact store `dir`")
	fs.StringVar(&cfg.Out, "out", "out", "output `dir` for the report")
	fs.StringVar(&cfg.Key, "key", "", "node `key` for the node task")
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
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to `file` (inspect with go tool pprof)")
	flow := &goyek.Flow{}
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "Usage: go run ./build [flags] [tasks]")
		flow.Print()
		fmt.Fprintln(os.Stderr, "Flags:")
		fs.PrintDefaults()
	}
	tasks, err := parse(fs, os.Args[1:])
	if err != nil {
		return 2
	}
	if err := pipeline.UseKernels(cfg.Kernels); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	cfg.Until = pipeline.LastStage(tasks)
	if *decide && len(tasks) == 0 {
		tasks = []string{"decide"}
	}
	s := pipeline.NewSession(cfg)
	pipeline.Define(flow, s)
	flow.SetOutput(os.Stdout)
	flow.SetLogger(goyek.FmtLogger{})
	flow.Use(middleware.ReportStatus)
	if *verbose {
		flow.UseExecutor(middleware.ReportFlow)
	}
	// Ctrl-C or kill (SIGTERM) cancels the run; finished nodes stay in the cache and a
	// second signal exits at once. Atomic writes mean no half artifact is ever visible.
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		fmt.Fprintln(os.Stderr, "interrupted: stopping; run the same command again to continue")
		cancel()
		<-sig
		os.Exit(1)
	}()
	if *cpuprofile != "" {
		stop, err := startCPUProfile(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		defer stop()
	}
	err = flow.Execute(ctx, tasks)
	var ferr *goyek.FailError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ferr) || errors.Is(err, context.Canceled):
		return 1
	default:
		fmt.Fprintln(os.Stderr, err)
		if strings.Contains(err.Error(), "task provided but not defined") {
			fs.Usage()
		}
		return 2
	}
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
