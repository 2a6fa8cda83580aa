package reports

import (
	"fmt"
	"sort"
	"strings"
)

// price fills an open verdict's options to decide it (Needs), each priced with the cost
// model's figures of the settings whose runs the verdict reads, cheapest first, and says the
// cheapest in Next ("To decide it").
func price(r *Report, v *Verdict, settings []string) {
	if v.Outcome != Inconclusive || len(settings) == 0 {
		return
	}
	runs0 := v.Runs
	needs := Needs(*v, runs0, MaxLookRuns)
	samples := r.Protocol.Samples
	if s := r.Setting(settings[0]); s != nil && s.Protocol != nil {
		samples = s.Protocol.Samples
	}
	priced := false
	for i := range needs {
		n := &needs[i]
		for _, id := range settings {
			s := r.Setting(id)
			if s == nil || s.Cost == nil {
				continue
			}
			c := s.Cost
			more := float64(max(0, n.Runs-runs0))
			if n.Factor == 1 {
				n.CoreSeconds += more * c.Run
			} else { // every run sampled again at Factor× the samples; new runs also train
				n.CoreSeconds += float64(n.Runs*n.Factor)*c.Sampling + more*(c.Run-c.Sampling)
			}
			priced = true
		}
	}
	sort.SliceStable(needs, func(i, j int) bool { return needs[i].CoreSeconds < needs[j].CoreSeconds })
	v.Needs = needs
	if v.Missing { // the cells it lacks already say why; more data could only contradict it
		if len(needs) > 0 {
			v.Next += "; more data could only contradict it: go run ./build -decide buys " + needs[0].Describe(runs0, samples, priced)
		}
		return
	}
	if len(needs) == 0 {
		v.Next = fmt.Sprintf("not decidable within %d runs at up to %d× the samples per cell (80%% predictive power is out of reach: the open effects are small against their noise)",
			MaxLookRuns, SampleFactors[len(SampleFactors)-1])
		return
	}
	var opts []string
	for _, n := range needs {
		opts = append(opts, n.Describe(runs0, samples, priced))
	}
	v.Next = "go run ./build -decide buys the cheapest: " + strings.Join(opts, "; or ")
}

// Describe says what the option buys: "≈ 8 more runs at 600 samples per cell, 2.1
// core-hours".
func (n Need) Describe(runs0, samples int, priced bool) string {
	var s string
	if n.Factor == 1 {
		s = fmt.Sprintf("≈ %d more runs at %d samples per cell (%d in all)", n.Runs-runs0, samples, n.Runs)
	} else {
		s = fmt.Sprintf("%d runs at %d samples per cell (every run sampled again, networks reused)", n.Runs, n.Factor*samples)
	}
	if n.Contradict {
		s += ", to establish the opposite of one comparison"
	}
	if priced {
		s += fmt.Sprintf(", %.2g core-hours", n.CoreSeconds/3600)
	}
	return s
}
