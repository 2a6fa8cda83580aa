package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/compdiff/compdiff/core/gemm"

	"github.com/compdiff/compdiff/data"
)

// Status prints, per stage, how many nodes are cached and which are stale and why; it also
// shows nodes shared between settings (e.g. separate experts trained once for several).
func (s *Session) Status() error {
	if err := s.Setup(); err != nil {
		return err
	}
	w := s.out()
	p := s.Plan
	fmt.Fprintf(w, "profile %s, %d settings, %d nodes, cache %s\n", p.Profile.Name, len(p.Settings), len(p.Nodes), s.Cfg.Cache)
	var stale []*Node
	for _, stage := range StageOrder {
		nodes := p.Stage(stage)
		reasons := map[string][]*Node{}
		cached, shared := 0, 0
		for _, n := range nodes {
			if len(n.Settings) > 1 {
				shared++
			}
			if ok, why := s.Runner.Done(n); ok {
				cached++
			} else {
				if stale := staleInputs(s.Runner, n); stale != "" {
					why = stale
				}
				reasons[why] = append(reasons[why], n)
				stale = append(stale, n)
			}
		}
		fmt.Fprintf(w, "%-8s %4d nodes: %4d cached, %4d stale", stage, len(nodes), cached, len(nodes)-cached)
		if shared > 0 {
			fmt.Fprintf(w, ", %d shared by several settings", shared)
		}
		fmt.Fprintln(w)
		whys := make([]string, 0, len(reasons))
		for why := range reasons {
			whys = append(whys, why)
		}
		sort.Strings(whys)
		for _, why := range whys {
			ns := reasons[why]
			fmt.Fprintf(w, "    %d × %s, e.g. %s\n", len(ns), why, examples(ns, 3))
		}
	}
	printShared(w, p)
	if len(stale) > 0 {
		printSlurmLogs(w, s.Store.Dir, stale)
		s.PrintCost(stale)
	}
	return nil
}

// staleInputs explains a node whose own artifact may be fine to compute but whose inputs
// are not ready yet.
func staleInputs(r *Runner, n *Node) string {
	for _, in := range n.Inputs {
		if !r.Store.Done(in.Key) {
			return "waiting for stale inputs (" + in.Stage + ")"
		}
	}
	return ""
}

func examples(ns []*Node, k int) string {
	var s []string
	for i, n := range ns {
		if i == k {
			s = append(s, fmt.Sprintf("… %d more", len(ns)-k))
			break
		}
		s = append(s, fmt.Sprintf("%q", n.Label))
	}
	return strings.Join(s, ", ")
}

func printShared(w io.Writer, p *Plan) {
	var shared []*Node
	for _, n := range p.Nodes {
		if n.Stage == "train" && len(n.Settings) > 1 {
			shared = append(shared, n)
		}
	}
	if len(shared) == 0 {
		return
	}
	fmt.Fprintf(w, "reuse: %d trained models serve several settings (same source, pool and hyper-parameters):\n", len(shared))
	for i, n := range shared {
		if i == 6 {
			fmt.Fprintf(w, "    … %d more\n", len(shared)-i)
			break
		}
		fmt.Fprintf(w, "    %s %s used by %s\n", n.Key[:12], n.Label, strings.Join(n.Settings, ", "))
	}
}

// DAG prints the graph as text (stage by stage, with inputs) or Graphviz DOT.
func (s *Session) DAG() error {
	if err := s.Setup(); err != nil {
		return err
	}
	w := s.out()
	p := s.Plan
	switch s.Cfg.Format {
	case "", "text":
		for _, stage := range StageOrder {
			nodes := p.Stage(stage)
			fmt.Fprintf(w, "%s (%d nodes)\n", stage, len(nodes))
			for _, n := range nodes {
				fmt.Fprintf(w, "  %s  %s\n", n.Key, n.Label)
				if n.Stage == "report" {
					fmt.Fprintf(w, "      ← %d inputs\n", len(n.Inputs))
					continue
				}
				for _, name := range sortedKeys(n.Inputs) {
					fmt.Fprintf(w, "      ← %s %s (%s)\n", name, n.Inputs[name].Key, n.Inputs[name].Label)
				}
			}
		}
	case "dot":
		fmt.Fprintln(w, "digraph compdiff {\n  rankdir=LR; node [shape=box, fontsize=9];")
		for _, n := range p.Nodes {
			fmt.Fprintf(w, "  %q [label=\"%s\\n%s\"];\n", n.Key, dotEscape(n.Stage), dotEscape(n.Label))
		}
		for _, n := range p.Nodes {
			for _, name := range sortedKeys(n.Inputs) {
				fmt.Fprintf(w, "  %q -> %q;\n", n.Inputs[name].Key, n.Key)
			}
		}
		fmt.Fprintln(w, "}")
	default:
		return fmt.Errorf("-format %q: use text or dot", s.Cfg.Format)
	}
	return nil
}

func sortedKeys(m map[string]*Node) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// GC removes every artifact that no profile of the current spec reaches (over all its
// settings), so switching profiles never throws away another profile's work.
func (s *Session) GC(logf func(string, ...any)) error {
	if err := s.Setup(); err != nil {
		return err
	}
	live := map[data.Key]bool{}
	for _, name := range profileNames(s.Spec.Profiles) {
		p := NewPlan(s.Spec.Profiles[name], s.Spec.Settings, "", s.Spec.Profiles)
		for _, n := range p.Nodes {
			if n.Stage != "report" {
				live[n.Key] = true
			}
		}
	}
	// The report's key also depends on the command line; keep the current one.
	live[s.Plan.Report.Key] = true
	keys, err := s.Store.Keys()
	if err != nil {
		return err
	}
	removed := 0
	for _, k := range keys {
		if live[k] {
			continue
		}
		if m, err := s.Store.Manifest(k); err == nil && m.Stage == "report" {
			continue // reports of other -only selections stay
		}
		if err := s.Store.Remove(k); err != nil {
			return err
		}
		removed++
	}
	logf("gc: removed %d of %d artifacts; %d are reachable from the spec's profiles", removed, len(keys), len(keys)-removed)
	return nil
}

// RunKey runs the nodes of -key from the store alone (their manifests must be there):
// one key, several separated by commas, or @FILE with one key per line (a cluster job's
// batch). A node that fails does not stop the others; the error names every failure.
// Inside a Slurm job the multiplies use exactly the job's CPUs.
func (s *Session) RunKey(ctx context.Context, logf func(string, ...any)) error {
	if s.Cfg.Key == "" {
		return fmt.Errorf("node: give the node's key with -key KEY (see `go run ./build dag` for keys)")
	}
	keys, err := parseKeys(s.Cfg.Key)
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
	if err := Execute(ctx, store, key, s.Cfg.Out, nil, nil, logf); err != nil {
		return err
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

// parseKeys reads -key: KEY, KEY1,KEY2,... or @FILE (one key per line).
func parseKeys(arg string) ([]data.Key, error) {
	list := strings.Split(arg, ",")
	if file, ok := strings.CutPrefix(arg, "@"); ok {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("-key @%s: %w", file, err)
		}
		list = strings.Fields(string(b))
	}
	var keys []data.Key
	for _, s := range list {
		k, err := data.ParseKey(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("-key: %w", err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("-key %q names no node", arg)
	}
	return keys, nil
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

// dotEscape makes s safe inside a quoted Graphviz string (whose \n is a line break).
func dotEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}
