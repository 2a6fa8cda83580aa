package reports

import (
	"math"
	"sort"
	"strconv"

	"gonum.org/v1/gonum/stat"
)

// cellStat is the summary of one (setting, model, N, K, metric) over runs. Non-finite values (a
// diverged sampler) are counted in NonFinite and kept out of Mean and SD, so one blow-up does not
// turn a whole cell into NaN while still being visible.
type cellStat struct {
	Mean, SD  float64 // SD uses n−1; NaN when N < 2
	N         int     // finite runs
	NonFinite int
}

// SE is the standard error of the mean.
func (c cellStat) SE() float64 {
	if c.N < 2 {
		return math.NaN()
	}
	return c.SD / math.Sqrt(float64(c.N))
}

type cellKey struct {
	Setting, Model, N string
	K                 int
	Metric            string
}

type agg map[cellKey]cellStat

func aggregate(rs []Result) agg {
	vals := map[cellKey][]float64{}
	bad := map[cellKey]int{}
	for _, r := range rs {
		k := cellKey{r.Setting, r.Model, r.N, r.K, r.Metric}
		if math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
			bad[k]++
			if _, ok := vals[k]; !ok {
				vals[k] = nil
			}
			continue
		}
		vals[k] = append(vals[k], r.Value)
	}
	a := agg{}
	for k, v := range vals {
		c := cellStat{N: len(v), NonFinite: bad[k], Mean: math.NaN(), SD: math.NaN()}
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

// lookup maps a table column to its cell: the "analytical" column comes from Model "analytic".
func (a agg) lookup(setting, model, n string, k int, metric string) (cellStat, bool) {
	if n == "analytical" {
		model = "analytic"
	}
	c, ok := a[cellKey{setting, model, n, k, metric}]
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

// learnedNs lists the learned pool sizes present for a setting, numerically ascending.
func learnedNs(rs []Result, setting string) []string {
	seen := map[string]bool{}
	for _, r := range rs {
		if r.Setting == setting && r.N != "analytical" && r.Model != "analytic" {
			seen[r.N] = true
		}
	}
	ns := make([]string, 0, len(seen))
	for n := range seen {
		ns = append(ns, n)
	}
	sortNs(ns)
	return ns
}

// sortNs orders pool sizes numerically, "analytical" last.
func sortNs(ns []string) {
	val := func(s string) float64 {
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			return v
		}
		return math.Inf(1)
	}
	sort.SliceStable(ns, func(i, j int) bool { return val(ns[i]) < val(ns[j]) })
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
