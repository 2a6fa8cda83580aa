// Package stages holds one file per stage kind. A stage is a pure function of its params
// (JSON, as recorded in the node's manifest) and its input artifacts; it returns output
// tables. The registry lets any process run a node from its manifest alone.
package stages

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/compdiff/compdiff/data"
)

// Env is what a running stage may touch besides its params.
type Env struct {
	Store  *data.Store
	Key    data.Key
	Inputs map[string]data.Key
	OutDir string   // rendered results (report stage only)
	Run    *RunInfo // facts of the running process for the report (nil when unknown)
	// Progress reports fractional progress of a long node (may be nil).
	Progress func(frac float64)
	// Logf prints a line to the run's log (may be nil).
	Logf func(format string, args ...any)
}

// Input reads part "main" of the named input artifact.
func (e *Env) Input(name string) (*data.Table, error) { return e.InputPart(name, "main") }

// InputPart reads a named part of the named input artifact.
func (e *Env) InputPart(name, part string) (*data.Table, error) {
	k, ok := e.Inputs[name]
	if !ok {
		return nil, fmt.Errorf("node %s has no input %q", e.Key, name)
	}
	t, err := e.Store.Get(k, part)
	if err != nil {
		return nil, fmt.Errorf("input %q: %w", name, err)
	}
	return t, nil
}

func (e *Env) progress(f float64) {
	if e.Progress != nil {
		e.Progress(f)
	}
}

// Output is what a stage produces: named tables (part "main" required) and diagnostics.
type Output struct {
	Parts map[string]*data.Table
	Info  map[string]string
}

// Def describes a stage kind. Bump Version whenever the output for the same inputs changes.
type Def struct {
	Name    string
	Version int
	Run     func(ctx context.Context, env *Env, params json.RawMessage) (*Output, error)
}

var registry = map[string]Def{}

func register(d Def) { registry[d.Name] = d }

// Lookup returns the stage kind called name.
func Lookup(name string) (Def, bool) {
	d, ok := registry[name]
	return d, ok
}

// Names lists the registered stage kinds.
func Names() []string {
	var s []string
	for n := range registry {
		s = append(s, n)
	}
	sort.Strings(s)
	return s
}

// decode reads params strictly: an unknown field means the manifest and code disagree.
func decode(raw json.RawMessage, p any) error {
	dec := json.NewDecoder(bytesReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		return fmt.Errorf("decoding params: %w", err)
	}
	return nil
}

func one(t *data.Table) *Output { return &Output{Parts: map[string]*data.Table{"main": t}} }
