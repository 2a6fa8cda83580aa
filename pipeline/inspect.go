package pipeline

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/pipeline/plan"
	"github.com/compdiff/compdiff/pipeline/run"
	"github.com/compdiff/compdiff/pipeline/slurm"
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
	fmt.Fprintln(w, s.Size)
	var staleNodes []*plan.Node
	for _, stage := range plan.StageOrder {
		nodes := p.Stage(stage)
		reasons := map[string][]*plan.Node{}
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
				staleNodes = append(staleNodes, n)
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
	if len(staleNodes) > 0 {
		slurm.PrintLogs(w, s.Store.Dir, staleNodes)
		s.PrintCost(staleNodes)
	}
	return nil
}

// staleInputs explains a node whose own artifact may be fine to compute but whose inputs
// are not ready yet.
func staleInputs(r *run.Runner, n *plan.Node) string {
	for _, in := range n.Inputs {
		if !r.Store.Done(in.Key) {
			return "waiting for stale inputs (" + in.Stage + ")"
		}
	}
	return ""
}

func examples(ns []*plan.Node, k int) string {
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

func printShared(w io.Writer, p *plan.Plan) {
	var shared []*plan.Node
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
		for _, stage := range plan.StageOrder {
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

func sortedKeys(m map[string]*plan.Node) []string {
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
	for _, name := range s.Spec.ProfileNames() {
		p := plan.New(s.Spec.Profiles[name], s.Spec.Settings, "", s.Spec.Profiles)
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

// dotEscape makes s safe inside a quoted Graphviz string (whose \n is a line break).
func dotEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}
