// Package pipeline wires the study together: a Session reads the spec (pipeline/spec),
// builds the plan (pipeline/plan) and runs it (pipeline/run, pipeline/slurm,
// pipeline/decide); the goyek tasks of build/ are defined here, with status, dag, gc, bench
// and the node task.
package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/pipeline/plan"
	"github.com/compdiff/compdiff/pipeline/run"
	"github.com/compdiff/compdiff/pipeline/slurm"
	"github.com/compdiff/compdiff/pipeline/spec"
)

// Session is the lazily built state shared by the tasks of one invocation.
type Session struct {
	Cfg    Config
	once   sync.Once
	err    error
	Spec   *spec.Spec
	Plan   *plan.Plan
	Store  *data.Store
	Runner *run.Runner
	Size   plan.PlanSize // the plan's estimated size, checked before it was built

	dryRunDone  bool
	timeChecked bool // checkWorkTime ran before the first stage
}

// NewSession returns a session for cfg; nothing is read until a task needs it.
func NewSession(cfg Config) *Session { return &Session{Cfg: cfg} }

func (s *Session) out() io.Writer {
	if s.Cfg.Stdout != nil {
		return s.Cfg.Stdout
	}
	return os.Stdout
}

// Setup reads the spec, selects the profile and settings, builds the plan and opens the store.
func (s *Session) Setup() error {
	s.once.Do(func() { s.err = s.setup() })
	return s.err
}

func (s *Session) setup() error {
	sp, err := spec.Load(s.Cfg.Spec)
	if err != nil {
		return err
	}
	prof, err := sp.Profile(s.Cfg.Profile)
	if err != nil {
		return err
	}
	settings, err := sp.Select(s.Cfg.Only)
	if err != nil {
		return err
	}
	force, err := forceKinds(s.Cfg.Force)
	if err != nil {
		return err
	}
	// The size is checked from the profile alone, before the plan is allocated.
	s.Size = plan.EstimateSize(prof, settings)
	if !s.Cfg.AllowLarge {
		if err := s.Size.Check(plan.DefaultSizeLimits(), s.Cfg.Jobs); err != nil {
			return fmt.Errorf("profile %s: %w", prof.Name, err)
		}
	}
	store, err := s.openStore()
	if err != nil {
		return err
	}
	s.Spec, s.Store = sp, store
	s.Plan = plan.NewWith(prof, settings, s.command(), sp.Profiles, plan.Options{Calibration: calibrationNode(store, prof, settings)})
	s.Runner = &run.Runner{Store: store, Plan: s.Plan, Jobs: s.Cfg.Jobs, Force: force, OutDir: s.Cfg.Out, Commit: gitCommit()}
	if err := checkExecutor(s.Cfg.Executor); err != nil {
		return err
	}
	if s.Cfg.Executor == "slurm" {
		if err := s.Cfg.Slurm.Check(); err != nil {
			return err
		}
		if !s.Cfg.DryRun {
			if err := slurm.Reachable(); err != nil {
				return err
			}
		}
		s.Runner.Exec = &slurm.Executor{Cfg: s.Cfg.Slurm, Until: s.Cfg.Until, Lock: s.Cfg.Lock}
	}
	return nil
}

// openStore opens -cache with the -lock mode.
func (s *Session) openStore() (*data.Store, error) {
	if err := checkLock(s.Cfg.Lock); err != nil {
		return nil, err
	}
	store, err := data.Open(s.Cfg.Cache)
	if err != nil {
		return nil, err
	}
	if s.Cfg.Lock == "link" {
		store.Locks = data.LockLink
	}
	return store, nil
}

// PlanOnStore writes the manifest of every pending node (the plan task).
func (s *Session) PlanOnStore(logf func(string, ...any)) error {
	if err := s.Setup(); err != nil {
		return err
	}
	n, err := s.Runner.PlanOnStore(plan.StageOrder[len(plan.StageOrder)-1])
	if err != nil {
		return err
	}
	logf("plan: %d pending nodes of %d described in %s; any machine that sees it can run them with -key KEY node", n, len(s.Plan.Nodes), s.Cfg.Cache)
	return nil
}

// command is how to rebuild this report (recorded in it).
func (s *Session) command() string {
	c := "go run ./build -profile " + s.Cfg.Profile
	if s.Cfg.Spec != "" {
		c += " -spec " + s.Cfg.Spec
	}
	if s.Cfg.Only != "" {
		c += " -only " + s.Cfg.Only
	}
	return c
}

// RunStage runs one stage kind of the plan, logging through logf. With -dry-run the
// first stage prints what would run through -until and its estimated cost instead.
func (s *Session) RunStage(ctx context.Context, stage string, logf func(string, ...any)) error {
	if err := s.Setup(); err != nil {
		return err
	}
	if s.Cfg.DryRun {
		if !s.dryRunDone {
			s.dryRunDone = true
			last := s.Cfg.Until
			if slices.Index(plan.StageOrder, last) < slices.Index(plan.StageOrder, stage) {
				last = stage
			}
			s.PrintCost(s.Runner.Pending(stage, last))
		}
		return nil
	}
	if !s.timeChecked {
		s.timeChecked = true
		if err := s.checkWorkTime(stage); err != nil {
			return err
		}
	}
	s.Runner.Logf = logf
	return s.Runner.RunStage(ctx, stage)
}

func gitCommit() string {
	out, err := exec.Command("git", "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return "unknown (not a git checkout)"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
		c += " (with uncommitted changes)"
	}
	return c
}
