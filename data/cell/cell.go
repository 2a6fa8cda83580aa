// Package cell names the coordinates of a result once: the setting, the score model (a
// learned kind trained on a pool of N samples per source, with CoInD's penalty weight λ for
// CoInD models, or the exact scores), the sampler, the particle count K and the run. Sample and metrics artifacts carry their cell in their
// metadata, and the report reads it back instead of re-deriving it from strings.
//
// It sits in data/ because it describes what an artifact holds (like the Arrow schemas), has
// no numerics of its own, and must sit below both stages/ and reports/, which share it.
package cell

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Model is the kind of score model a result came from.
type Model string

// Score models.
const (
	Conditional Model = "conditional" // one network conditioned on the source
	Separate    Model = "separate"    // one expert network per source
	Analytic    Model = "analytic"    // exact scores, no training
	// CoInD is a conditional network trained on joint and marginal conditions with CoInD's
	// conditional-independence penalty of weight Column.Lambda (seed 003).
	CoInD Model = "coind"
)

// ParseModel accepts the model kinds by name: the built-in ones and those a study
// registered (RegisterModel).
func ParseModel(s string) (Model, error) {
	switch m := Model(s); m {
	case Conditional, Separate, Analytic, CoInD:
		return m, nil
	}
	modelMu.RLock()
	defer modelMu.RUnlock()
	if slices.Contains(models, Model(s)) {
		return Model(s), nil
	}
	names := []string{"conditional", "separate", "coind", "analytic"}
	for _, m := range models {
		names = append(names, string(m))
	}
	return "", fmt.Errorf("unknown score model %q (want %s)", s, strings.Join(names, ", "))
}

var (
	modelMu sync.RWMutex
	models  []Model // registered by studies, in registration order
)

// RegisterModel adds a study's own kind of score model (e.g. seed 001's location-conditioned
// networks), so that its results carry it as their model: the seam through which a study
// brings networks of its own. Registering a built-in or an already registered name panics.
func RegisterModel(m Model) {
	modelMu.Lock()
	defer modelMu.Unlock()
	switch m {
	case Conditional, Separate, Analytic, CoInD:
		panic("cell: model " + string(m) + " is built in")
	}
	if slices.Contains(models, m) {
		panic("cell: model " + string(m) + " registered twice")
	}
	models = append(models, m)
}

// Method is a sampler.
type Method string

// Samplers.
const (
	FKC Method = "fkc" // Feynman–Kac corrector; K = 1 is the naive reverse SDE
	SDE Method = "sde" // naive reverse SDE
	ODE Method = "ode" // naive probability-flow ODE (Theorem 2)
	// SuperDiff (seed 004) over the sources of positive weight: equal estimated densities
	// (AND) or their mixture (OR).
	SuperAnd Method = "superdiff-and"
	SuperOr  Method = "superdiff-or"
)

// ParseMethod accepts the samplers by name.
func ParseMethod(s string) (Method, error) {
	switch m := Method(s); m {
	case FKC, SDE, ODE, SuperAnd, SuperOr:
		return m, nil
	}
	return "", fmt.Errorf("unknown sampler %q (want fkc, sde, ode, superdiff-and or superdiff-or)", s)
}

// Column is a score model as the tables' columns show it: a learned kind with its pool size
// N (and penalty weight λ for CoInD), or the exact scores (Model Analytic, N = 0).
type Column struct {
	Model  Model   `json:"model"`
	N      int     `json:"n,omitempty"`      // training-pool size per source; 0 for exact scores
	Lambda float64 `json:"lambda,omitempty"` // CoInD's penalty weight; 0 for every other model
}

// Exact is the column of the exact scores.
func Exact() Column { return Column{Model: Analytic} }

// Learned is the column of a model of kind m trained on n samples per source.
func Learned(m Model, n int) Column { return Column{Model: m, N: n} }

// CoInDModel is the column of a CoInD network with penalty weight lambda trained on n
// samples per source.
func CoInDModel(n int, lambda float64) Column { return Column{Model: CoInD, N: n, Lambda: lambda} }

// IsExact tells whether the column uses exact scores.
func (c Column) IsExact() bool { return c.Model == Analytic }

// Header is the column's table header: "N=100" or "analytical" (the paper's label).
func (c Column) Header() string {
	if c.IsExact() {
		return "analytical"
	}
	return "N=" + strconv.Itoa(c.N)
}

// String names the column in evidence and legends: "conditional N=100", "analytic",
// "coind λ=1 N=1000".
func (c Column) String() string {
	if c.IsExact() {
		return string(Analytic)
	}
	if c.Model == CoInD {
		return string(c.Model) + " λ=" + strconv.FormatFloat(c.Lambda, 'g', -1, 64) + " N=" + strconv.Itoa(c.N)
	}
	return string(c.Model) + " N=" + strconv.Itoa(c.N)
}

// Less orders columns as the tables do: learned pool sizes ascending, exact scores last.
func (c Column) Less(o Column) bool {
	if c.IsExact() != o.IsExact() {
		return o.IsExact()
	}
	if c.N != o.N {
		return c.N < o.N
	}
	if c.Model != o.Model {
		return c.Model < o.Model
	}
	return c.Lambda < o.Lambda
}

// WithModel is the same pool (or the exact scores) under another learned kind.
func (c Column) WithModel(m Model) Column {
	if c.IsExact() {
		return c
	}
	return Column{Model: m, N: c.N}
}

// OnPaperGrid tells whether the cell belongs to the paper's study (FKC over K on the
// conditional, separate and exact scores), which the tables and claims read; the other
// samplers and CoInD models are compared in methods.md.
func (c Cell) OnPaperGrid() bool { return c.Method == FKC && c.Model != CoInD }

// Cell is one (setting, score model, sampler, K, run) result.
type Cell struct {
	Setting string `json:"setting"`
	Column
	Method Method `json:"method"`
	K      int    `json:"k"`
	Run    int    `json:"run"`
}

func (c Cell) String() string {
	return fmt.Sprintf("%s %s %s K=%d run %d", c.Setting, c.Column, c.Method, c.K, c.Run)
}

// Meta is the cell as artifact metadata (string key/value pairs of the Arrow schema).
func (c Cell) Meta() map[string]string {
	m := map[string]string{
		"cell.setting": c.Setting, "cell.model": string(c.Model), "cell.n": strconv.Itoa(c.N),
		"cell.method": string(c.Method), "cell.k": strconv.Itoa(c.K), "cell.run": strconv.Itoa(c.Run),
	}
	if c.Model == CoInD {
		m["cell.lambda"] = strconv.FormatFloat(c.Lambda, 'g', -1, 64)
	}
	return m
}

// FromMeta reads back what Meta wrote; an artifact without a cell is an error naming the fix.
func FromMeta(m map[string]string) (Cell, error) {
	var c Cell
	if m["cell.setting"] == "" {
		return c, fmt.Errorf("artifact carries no cell (written by an older sample or metrics stage); recompute it with -force sample,metrics")
	}
	model, err := ParseModel(m["cell.model"])
	if err != nil {
		return c, fmt.Errorf("artifact cell: %w", err)
	}
	method, err := ParseMethod(m["cell.method"])
	if err != nil {
		return c, fmt.Errorf("artifact cell: %w", err)
	}
	c.Setting, c.Model, c.Method = m["cell.setting"], model, method
	if model == CoInD {
		if c.Lambda, err = strconv.ParseFloat(m["cell.lambda"], 64); err != nil {
			return c, fmt.Errorf("artifact cell: cell.lambda = %q is not a number", m["cell.lambda"])
		}
	}
	for _, f := range []struct {
		key string
		dst *int
	}{{"cell.n", &c.N}, {"cell.k", &c.K}, {"cell.run", &c.Run}} {
		v, err := strconv.Atoi(m[f.key])
		if err != nil {
			return c, fmt.Errorf("artifact cell: %s = %q is not an integer", f.key, m[f.key])
		}
		*f.dst = v
	}
	return c, nil
}
