package slurm

import (
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compdiff/compdiff/pipeline/plan"
)

// Config is how the Slurm executor asks for resources. Per-kind values are written
// "train=4,sample=8,1": entries for stage kinds, and a bare value for every other kind.
type Config struct {
	Partition   string
	Account     string
	CPUs        PerKind // -c of a job, per stage kind
	Time        PerKind // --time, per stage kind (empty: the partition's default)
	Mem         PerKind // --mem, per stage kind (empty: the partition's default)
	Args        string  // extra sbatch arguments, split on spaces
	BatchTime   time.Duration
	BatchNodes  int    // at most this many nodes per job (0: no limit)
	MaxRunning  int    // at most this many tasks of one array at once (0: no limit)
	ArrayTasks  int    // at most this many tasks per array (0: the scheduler's MaxArraySize)
	OnInterrupt string // ask, cancel or leave the submitted jobs on Ctrl-C
	Poll        time.Duration
	Grace       time.Duration
	Binary      string // the build binary jobs run (default: this executable)
}

// DefaultCPUs: the network stages use two cores per job (their multiplies scale), the
// others one.
const DefaultCPUs = "train=2,sample=2,1"

// Flags registers the -slurm-* flags on fs.
func Flags(fs *flag.FlagSet, c *Config) {
	c.CPUs, c.Time, c.Mem = PerKind{}, PerKind{}, PerKind{}
	fs.StringVar(&c.Partition, "slurm-partition", "", "Slurm `partition` for the jobs (default: the cluster's)")
	fs.StringVar(&c.Account, "slurm-account", "", "Slurm `account` to charge")
	fs.Var(&c.CPUs, "slurm-cpus", "CPUs per job by stage `kind`, e.g. train=8,sample=8,1 (default "+DefaultCPUs+")")
	fs.Var(&c.Time, "slurm-time", "time limit by stage `kind`, e.g. train=4:00:00,1:00:00")
	fs.Var(&c.Mem, "slurm-mem", "memory by stage `kind`, e.g. sample=8G,2G")
	fs.StringVar(&c.Args, "slurm-args", "", "extra sbatch `arguments`, e.g. \"--qos=long --gres=none\"")
	fs.DurationVar(&c.BatchTime, "slurm-batch", 30*time.Minute, "group small nodes into jobs of about this estimated `duration`")
	fs.IntVar(&c.BatchNodes, "slurm-batch-nodes", 0, "at most `n` nodes per job (0: no limit)")
	fs.IntVar(&c.MaxRunning, "slurm-max-running", 0, "at most `n` tasks of one job array running at once (0: no limit)")
	fs.IntVar(&c.ArrayTasks, "slurm-array", 100, "at most `n` tasks per job array: smaller arrays start as soon as their own inputs are done")
	fs.StringVar(&c.OnInterrupt, "slurm-on-interrupt", "ask", "on Ctrl-C: ask, cancel or leave the submitted jobs")
	fs.DurationVar(&c.Poll, "slurm-poll", time.Minute, "longest `interval` between two looks at the queue and the store")
}

// PerKind maps stage kinds to a value, with a default for the others ("" key).
type PerKind map[string]string

// String prints the map in the form Set reads.
func (p PerKind) String() string {
	var parts []string
	for _, k := range plan.StageOrder {
		if v, ok := p[k]; ok {
			parts = append(parts, k+"="+v)
		}
	}
	if v, ok := p[""]; ok {
		parts = append(parts, v)
	}
	return strings.Join(parts, ",")
}

// Set reads "kind=value,...,default"; later entries override earlier ones.
func (p PerKind) Set(s string) error {
	for _, e := range strings.Split(s, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		kind, v, ok := strings.Cut(e, "=")
		if !ok {
			kind, v = "", e
		} else if !slices.Contains(plan.StageOrder, kind) {
			return fmt.Errorf("%q: unknown stage kind %q; use one of %s, or a bare value for all kinds", e, kind, strings.Join(plan.StageOrder, ", "))
		}
		p[kind] = v
	}
	return nil
}

// Of returns the value for a stage kind, or the default.
func (p PerKind) Of(kind string) string {
	if v, ok := p[kind]; ok {
		return v
	}
	return p[""]
}

// CPUsOf returns the CPUs a job of this stage kind asks for (at least 1).
func (c *Config) CPUsOf(kind string) (int, error) {
	v := c.CPUs.Of(kind)
	if v == "" {
		def := PerKind{}
		def.Set(DefaultCPUs)
		v = def.Of(kind)
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("-slurm-cpus %s=%q: want a positive whole number of CPUs", kind, v)
	}
	return n, nil
}

// Check refuses CPU counts, interrupt choices and limits that cannot be used.
func (c *Config) Check() error {
	for _, k := range plan.StageOrder {
		if _, err := c.CPUsOf(k); err != nil {
			return err
		}
	}
	switch c.OnInterrupt {
	case "", "ask", "cancel", "leave":
	default:
		return fmt.Errorf("-slurm-on-interrupt %q: use ask, cancel or leave", c.OnInterrupt)
	}
	if c.BatchNodes < 0 || c.MaxRunning < 0 || c.ArrayTasks < 0 {
		return fmt.Errorf("-slurm-batch-nodes, -slurm-max-running and -slurm-array must not be negative")
	}
	return nil
}
