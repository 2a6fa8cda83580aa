package local

import (
	"cmp"
	"encoding/json"
	"slices"

	"github.com/compdiff/compdiff/core/local"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// setting is a local setting with its task.
type setting struct {
	*reports.SettingResults
	Task local.Task
}

// sweep is the settings of one task — equal scene, m, patch and levels, so one set of
// networks per run — in increasing K.
type sweep struct {
	name     string // the first setting's id
	settings []*setting
	task     local.Task // the first setting's; its request is not the sweep's
	n        int        // the networks' column N (training scenes drawn)
}

func sweepsOf(settings []*reports.SettingResults) []*sweep {
	byTask := map[string]*sweep{}
	var out []*sweep
	for _, s := range settings {
		t, ok := reports.MeasureOf[local.Task](s, family)
		if !ok {
			continue
		}
		key := t
		key.Requested = nil
		js, _ := json.Marshal(key)
		sw, ok := byTask[string(js)]
		if !ok {
			sw = &sweep{name: s.ID, task: t}
			if len(s.Ns) > 0 {
				sw.n = s.Ns[0]
			}
			byTask[string(js)] = sw
			out = append(out, sw)
		}
		sw.settings = append(sw.settings, &setting{SettingResults: s, Task: t})
	}
	for _, sw := range out {
		slices.SortStableFunc(sw.settings, func(a, b *setting) int { return cmp.Compare(a.Task.K(), b.Task.K()) })
		sw.name = sw.settings[0].ID
	}
	return out
}

// at is the sweep's setting with K requested cells, or nil.
func (sw *sweep) at(k int) *setting {
	for _, s := range sw.settings {
		if s.Task.K() == k {
			return s
		}
	}
	return nil
}

// m is the most objects a training scene holds.
func (sw *sweep) m() int { return sw.task.M }

// column is a network's result column (cell.Exact() for "analytic").
func (sw *sweep) column(network string) cell.Column {
	if network == string(cell.Analytic) {
		return cell.Exact()
	}
	return cell.Learned(cell.Model(network), sw.n)
}

// key is a cell of the study: the naive SDE (FKC, K = 1) of a column in a setting.
func key(s string, col cell.Column, metric string) reports.CellKey {
	return reports.CellKey{Setting: s, Column: col, Method: cell.FKC, K: 1, Metric: metric}
}

// kmaxRuns lists a network's K_max per run (kmax) in run order.
func (sw *sweep) kmaxRuns(a *reports.Aggregate, network string) (runs, vals []int) {
	km := sw.kmax(a, network)
	for r := range km {
		runs = append(runs, r)
	}
	slices.Sort(runs)
	for _, r := range runs {
		vals = append(vals, km[r])
	}
	return runs, vals
}

// kmax is the seed's K_max per run of a network (local.KMax over the sweep's success
// shares), for the runs that have K = 1.
func (sw *sweep) kmax(a *reports.Aggregate, network string) map[int]int {
	col := sw.column(network)
	byRun := map[int]map[int]float64{}
	for _, s := range sw.settings {
		c, ok := a.Cell(key(s.ID, col, "success"))
		if !ok {
			continue
		}
		for run, v := range c.Runs {
			if byRun[run] == nil {
				byRun[run] = map[int]float64{}
			}
			byRun[run][s.Task.K()] = v
		}
	}
	out := map[int]int{}
	for run, succ := range byRun {
		if _, ok := succ[1]; ok {
			out[run] = local.KMax(succ, sw.m())
		}
	}
	return out
}
