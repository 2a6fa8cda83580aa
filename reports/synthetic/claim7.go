package synthetic

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

const claim7Rule = "Separate experts against the conditional model, paired by run (both use the run's pools and ground truth). " +
	"(a) On the settings of claims 1–5: per run, the median over every learned N and K of (separate − conditional)/scale; " +
	"its mean over runs is above 0 (separate worse). " +
	"(b) On this claim-6 setting: per run, the median over learned Ns of [separate(Kmax) − separate(K=4)] − [conditional(Kmax) − conditional(K=4)]; " +
	"its mean is below 0 (separate degrades less beyond K=4). " +
	"The claim is about typical behaviour, so each run is summarised by its typical cell (the median), which one runaway network cannot carry; a mean over cells would let one escaped sample decide the run."

// claim7 judges claim 7 with part (b) on the claim-6 setting gmm.
func claim7(j *judge, gmm *reports.SettingResults) {
	j.Part("a", j.separateWorse())
	km := j.kmax(gmm)
	if km == 0 || km <= smallK {
		j.Part("b", missingK(gmm.ID, "degradation beyond K=4"))
		return
	}
	per := map[int][]float64{}
	var miss []string
	for _, n := range j.learnedNs(gmm) {
		var v [4]map[int]float64
		for i, mk := range []struct {
			m cell.Model
			k int
		}{{cell.Separate, km}, {cell.Separate, smallK}, {cell.Conditional, km}, {cell.Conditional, smallK}} {
			var m string
			if v[i], m = j.Runs(key(gmm.ID, cell.Learned(mk.m, n), mk.k)); m != "" {
				miss = append(miss, m)
			}
		}
		if len(miss) > 0 {
			continue
		}
		for r := range v[0] {
			a, ok1 := v[1][r]
			b, ok2 := v[2][r]
			c, ok3 := v[3][r]
			if ok1 && ok2 && ok3 {
				per[r] = append(per[r], (v[0][r]-a)-(b-c))
			}
		}
	}
	d := mediansOver(per, len(j.learnedNs(gmm)))
	c := &reports.Comparison{Desc: fmt.Sprintf("%s: separate degrades less than conditional beyond K=4 (K=4→%d)", gmm.ID, km), D: d, Above: false}
	if len(miss) > 0 {
		c.Missing = strings.Join(miss, "; ")
	} else if len(d) < 2 {
		c.Missing = fmt.Sprintf("%d complete runs; a test needs 2", len(d))
	}
	j.Part("b", c)
}

// separateWorse is part (a): one comparison on per-run means over the settings of claims 1–5.
func (j *judge) separateWorse() *reports.Comparison {
	per := map[int][]float64{}
	cells := 0
	for _, s := range j.settings {
		if !strings.Contains("1 2 3 4 5", s.Claim) || s.Claim == "" {
			continue
		}
		sc := j.scale(s.ID)
		for _, n := range j.learnedNs(s) {
			for _, k := range tableKs(s, j.A) {
				sep, m1 := j.Runs(key(s.ID, cell.Learned(cell.Separate, n), k))
				con, m2 := j.Runs(key(s.ID, cell.Learned(cell.Conditional, n), k))
				if m1 != "" || m2 != "" {
					continue
				}
				cells++
				for r, x := range sep {
					if y, ok := con[r]; ok {
						per[r] = append(per[r], (x-y)/sc)
					}
				}
			}
		}
	}
	c := &reports.Comparison{Desc: fmt.Sprintf("settings of claims 1–5: separate worse than conditional (median of (separate − conditional)/scale over %d cells per run)", cells), Above: true}
	c.D = mediansOver(per, cells)
	if cells == 0 {
		c.Missing = "no cell has both model kinds"
	} else if len(c.D) < 2 {
		c.Missing = fmt.Sprintf("%d complete runs; a test needs 2", len(c.D))
	}
	return c
}

// mediansOver takes each run's median, keeping only runs that have all want of them.
func mediansOver(per map[int][]float64, want int) []float64 {
	var out []float64
	for _, r := range sortedKeys(per) {
		v := per[r]
		if len(v) != want || want == 0 {
			continue
		}
		out = append(out, median(v))
	}
	return out
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func sortedKeys(m map[int][]float64) []int {
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	return ks
}
