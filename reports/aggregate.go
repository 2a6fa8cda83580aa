package reports

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"

	"github.com/compdiff/compdiff/data/cell"
)

// CellKey is one cell of a table: a result with the run aggregated away.
type CellKey struct {
	Setting string
	cell.Column
	Method cell.Method
	K      int
	Metric string
}

// Key is the result's cell.
func (r Result) Key() CellKey {
	return CellKey{Setting: r.Setting, Column: r.Column, Method: r.Method, K: r.K, Metric: r.Metric}
}

// CellStat is one cell over runs. Non-finite values (a diverged sampler) are counted in
// NonFinite and kept out of Mean and SD, so one blow-up does not turn a whole cell into NaN
// while still being visible. Runs keeps each finite value by run index, for the paired
// comparisons of the claims; NFE is the sampler's network evaluations per sample.
type CellStat struct {
	Mean, SD  float64 // SD uses n−1; NaN when N < 2
	N         int     // finite runs
	NonFinite int
	Runs      map[int]float64
	NFE       float64
}

// Aggregate is every cell of a report over runs, computed once by Summarize.
type Aggregate struct {
	cells map[CellKey]*CellStat
	keys  []CellKey // first-appearance order
}

// Summarize aggregates results over runs.
func Summarize(rs []Result) *Aggregate {
	a := &Aggregate{cells: map[CellKey]*CellStat{}}
	vals := map[CellKey][]float64{}
	for _, r := range rs {
		k := r.Key()
		c, ok := a.cells[k]
		if !ok {
			c = &CellStat{Runs: map[int]float64{}, NFE: r.NFE}
			a.cells[k] = c
			a.keys = append(a.keys, k)
		}
		if math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
			c.NonFinite++
			continue
		}
		vals[k] = append(vals[k], r.Value)
		c.Runs[r.Run] = r.Value
	}
	for k, c := range a.cells {
		v := vals[k]
		c.N, c.Mean, c.SD = len(v), math.NaN(), math.NaN()
		switch {
		case len(v) > 1:
			c.Mean, c.SD = stat.MeanStdDev(v, nil) // SD with n−1
		case len(v) == 1:
			c.Mean = v[0]
		}
	}
	return a
}

// Cell returns a cell's statistics; ok is false when it has no finite run.
func (a *Aggregate) Cell(k CellKey) (CellStat, bool) {
	c, ok := a.cells[k]
	if !ok {
		return CellStat{}, false
	}
	return *c, c.N > 0
}

// Stat returns a cell's statistics, present or not (a cell of diverged runs only has N = 0
// and NonFinite > 0).
func (a *Aggregate) Stat(k CellKey) (CellStat, bool) {
	c, ok := a.cells[k]
	if !ok {
		return CellStat{}, false
	}
	return *c, true
}

// Keys lists every cell in the order results first named it.
func (a *Aggregate) Keys() []CellKey { return a.keys }

// Ks lists the Ks a setting has for a sampler, ascending.
func (a *Aggregate) Ks(setting string, m cell.Method) []int {
	var ks []int
	for _, k := range a.keys {
		if k.Setting == setting && k.Method == m && !slices.Contains(ks, k.K) {
			ks = append(ks, k.K)
		}
	}
	slices.Sort(ks)
	return ks
}

// Grid lists the learned pool sizes of a setting's paper grid (ascending) and whether exact
// scores were computed.
func (a *Aggregate) Grid(setting string) (ns []int, exact bool) {
	for _, k := range a.keys {
		if k.Setting != setting || !(cell.Cell{Column: k.Column, Method: k.Method}).OnPaperGrid() {
			continue
		}
		if k.IsExact() {
			exact = true
		} else if !slices.Contains(ns, k.N) {
			ns = append(ns, k.N)
		}
	}
	slices.Sort(ns)
	return ns, exact
}

// Models lists the learned kinds of a setting's paper grid among want, in want's order.
func (a *Aggregate) Models(setting string, want ...cell.Model) []cell.Model {
	var out []cell.Model
	for _, m := range want {
		for _, k := range a.keys {
			if k.Setting == setting && k.Model == m && k.Method == cell.FKC {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// Sorted lists keys by setting, column, method and K (for deterministic output).
func Sorted(keys []CellKey) []CellKey {
	out := slices.Clone(keys)
	slices.SortStableFunc(out, func(x, y CellKey) int {
		return cmp.Or(cmp.Compare(x.Setting, y.Setting), compareColumns(x.Column, y.Column),
			cmp.Compare(x.Method, y.Method), cmp.Compare(x.K, y.K), cmp.Compare(x.Metric, y.Metric))
	})
	return out
}

func compareColumns(x, y cell.Column) int {
	switch {
	case x == y:
		return 0
	case x.Less(y):
		return -1
	}
	return 1
}

// PointScale is the RMS per-coordinate standard deviation of a sample set; 0 if empty.
func PointScale(p Points) float64 {
	n := p.Len()
	if n < 2 {
		return 0
	}
	v := 0.0
	for j := 0; j < p.D; j++ {
		m := 0.0
		for i := 0; i < n; i++ {
			m += p.X[i*p.D+j]
		}
		m /= float64(n)
		for i := 0; i < n; i++ {
			d := p.X[i*p.D+j] - m
			v += d * d
		}
	}
	return math.Sqrt(v / float64(p.D*(n-1)))
}
