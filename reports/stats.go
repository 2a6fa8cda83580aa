package reports

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat"

	"github.com/compdiff/compdiff/data/cell"
)

// cellStat is the summary of one (setting, column, K, metric) over runs. Non-finite values (a
// diverged sampler) are counted in NonFinite and kept out of Mean and SD, so one blow-up does not
// turn a whole cell into NaN while still being visible. Runs keeps each finite value by run
// index, for the paired comparisons of the claims.
type cellStat struct {
	Mean, SD  float64 // SD uses n−1; NaN when N < 2
	N         int     // finite runs
	NonFinite int
	Runs      map[int]float64
}

// cellKey is a table cell: the run is aggregated away.
type cellKey struct {
	Setting string
	Col     cell.Column
	K       int
	Metric  string
}

type agg map[cellKey]cellStat

func keyOf(r Result) cellKey { return cellKey{r.Setting, r.Column, r.K, r.Metric} }

func aggregate(rs []Result) agg {
	vals := map[cellKey][]float64{}
	runs := map[cellKey]map[int]float64{}
	bad := map[cellKey]int{}
	for _, r := range rs {
		k := keyOf(r)
		if runs[k] == nil {
			runs[k] = map[int]float64{}
		}
		if math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
			bad[k]++
			continue
		}
		vals[k] = append(vals[k], r.Value)
		runs[k][r.Run] = r.Value
	}
	a := agg{}
	for k, byRun := range runs {
		v := vals[k]
		c := cellStat{N: len(v), NonFinite: bad[k], Mean: math.NaN(), SD: math.NaN(), Runs: byRun}
		switch {
		case len(v) > 1:
			c.Mean, c.SD = stat.MeanStdDev(v, nil) // SD with n−1
		case len(v) == 1:
			c.Mean = v[0]
		}
		a[k] = c
	}
	return a
}

// lookup returns the cell of a table column, if it has a finite run.
func (a agg) lookup(setting string, col cell.Column, k int, metric string) (cellStat, bool) {
	c, ok := a[cellKey{setting, col, k, metric}]
	return c, ok && c.N > 0
}

// ksOf lists the Ks present for a setting, ascending.
func ksOf(rs []Result, setting string) []int {
	seen := map[int]bool{}
	for _, r := range rs {
		if r.Setting == setting {
			seen[r.K] = true
		}
	}
	ks := make([]int, 0, len(seen))
	for k := range seen {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	return ks
}

// gridOf lists the learned pool sizes present for a setting (ascending) and whether exact
// scores were computed.
func gridOf(rs []Result, setting string) (ns []int, exact bool) {
	seen := map[int]bool{}
	for _, r := range rs {
		if r.Setting != setting {
			continue
		}
		if r.IsExact() {
			exact = true
		} else if !seen[r.N] {
			seen[r.N] = true
			ns = append(ns, r.N)
		}
	}
	sort.Ints(ns)
	return ns, exact
}

// pointScale is the RMS per-coordinate standard deviation of a sample set; 0 if empty.
func pointScale(p Points) float64 {
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
