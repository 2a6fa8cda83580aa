package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/compdiff/compdiff/core/nn"
	"github.com/compdiff/compdiff/core/perf"
	"github.com/compdiff/compdiff/stages"
)

// Rates of the cost model, per core. The two network rates are the bench figures of the
// README's Performance table (AMD EPYC with AVX-512, width-512 networks: training 162.5
// and composed-score forward 194.2 GFLOP/s on 2 cores); smaller networks run at a lower
// share of the peak, so their estimates are optimistic (sampling at width 64: 1.7×, see
// README). sortSec is the measured SW2 sort; kernelSec reproduces the default profile's
// measured metrics stage (0.075 core-hours modelled, 0.072 measured); drawSec and
// analyticScoreSec are rough estimates for kinds that are < 0.1% of the paper's cost.
const (
	trainFlopsPerCoreSec   = 162.5e9 / 2
	forwardFlopsPerCoreSec = 194.2e9 / 2
	analyticScoreSec       = 40e-9  // one analytic source score of one point (a few dozen flops)
	drawSec                = 100e-9 // one sample drawn by a dataset or truth node, per proposal
	kernelSec              = 8e-9   // one Gaussian-kernel evaluation of MMD² (exp + distance)
	sortSec                = 6e-9   // one projected value sorted for SW2 (bucket sort, README)
	nodeOverheadSec        = 0.01   // reading inputs, writing and fsyncing the artifact
)

// CoreSeconds estimates the work of node n on one core: flops from its params over the
// bench rates for the network stages, per-value costs for the others.
func CoreSeconds(n *Node) float64 {
	return nodeOverheadSec + work(n)
}

func work(n *Node) float64 {
	switch n.Stage {
	case "dataset":
		var p stages.DatasetParams
		if json.Unmarshal(n.Params, &p) == nil {
			return float64(p.N) * drawSec
		}
	case "truth":
		var p stages.TruthParams
		if json.Unmarshal(n.Params, &p) == nil {
			return float64(p.N*max(1, p.Oversample)) * float64(len(p.Sources)) * drawSec
		}
	case "train":
		var p stages.TrainParams
		if json.Unmarshal(n.Params, &p) == nil {
			return float64(p.Iters) * 3 * perf.ForwardFlops(netConfig(&p), p.Batch) / trainFlopsPerCoreSec
		}
	case "sample":
		var p stages.SampleParams
		if json.Unmarshal(n.Params, &p) == nil {
			rows := sampleRows(&p)
			if tp := modelParams(n); tp != nil {
				return rows * perf.ForwardFlops(netConfig(tp), 1) / forwardFlopsPerCoreSec
			}
			return rows * float64(max(1, len(p.Sources))) / float64(max(1, len(p.Weights))) * analyticScoreSec * float64(p.Dim)
		}
	case "metrics":
		var p stages.MetricsParams
		if json.Unmarshal(n.Params, &p) == nil {
			ns, nt := sizeOf(n.Inputs["samples"]), sizeOf(n.Inputs["truth"])
			mmd := (ns*ns + nt*nt + 2*ns*nt) / 2 * kernelSec
			sw2 := float64(p.Projections) * (ns + nt) * (sortSec + 2e-9*math.Log2(max(2, ns+nt)))
			return mmd + sw2
		}
	}
	return 0
}

// sampleRows is how many score rows a sample node evaluates: every step scores each of
// N·K particles under each source of the composition.
func sampleRows(p *stages.SampleParams) float64 {
	return float64(p.Steps) * float64(p.N) * float64(p.K) * float64(len(p.Weights))
}

// netConfig is the MLP a train node fits: inputs x, t and, for the conditional network, a
// one-hot source label.
func netConfig(p *stages.TrainParams) nn.Config {
	in := p.Dim + 1
	switch p.Kind {
	case stages.ScoresConditional:
		in += p.Sources
	case stages.ScoresCoInD: // two binary attributes, one-hot each
		in += 4
	}
	return nn.Config{In: in, Out: p.Dim, Width: p.Width, Depth: p.Depth}
}

// modelParams returns the train params of a learned sample node's first model input.
func modelParams(n *Node) *stages.TrainParams {
	for _, name := range []string{"model", "model0"} {
		if m := n.Inputs[name]; m != nil {
			var p stages.TrainParams
			if json.Unmarshal(m.Params, &p) == nil {
				return &p
			}
		}
	}
	return nil
}

// sizeOf is the number of samples a sample or truth node produces.
func sizeOf(n *Node) float64 {
	if n == nil {
		return 0
	}
	var p struct {
		N int `json:"n"`
	}
	json.Unmarshal(n.Params, &p)
	return float64(p.N)
}

// CostTable prints the estimated work of nodes per stage kind (count, core-hours, the
// longest node) and the wall time on a few core counts: the larger of the work spread
// over C cores and the critical path (the longest chain of nodes, each on the CPUs its
// kind gets from cpus).
func CostTable(w io.Writer, nodes []*Node, cpus func(stage string) int, cores []int) {
	rows, total, path := Estimate(nodes, cpus)
	fmt.Fprintf(w, "%-8s %8s %12s %14s  %s\n", "stage", "nodes", "core-hours", "longest node", "CPUs per job")
	for _, st := range StageOrder {
		if r := rows[st]; r != nil {
			fmt.Fprintf(w, "%-8s %8d %12s %14s  %d\n", st, r.Nodes, FormatHours(r.Core), FormatDuration(r.Longest), cpus(st))
		}
	}
	fmt.Fprintf(w, "%-8s %8d %12s\n", "total", len(nodes), FormatHours(total))
	var walls []string
	for _, c := range cores {
		walls = append(walls, fmt.Sprintf("%d cores %s", c, FormatDuration(max(total/float64(c), path))))
	}
	fmt.Fprintf(w, "wall time (work over C cores, at least the critical path %s): %s\n", FormatDuration(path), strings.Join(walls, ", "))
}

// StageCost is the estimated work of one stage kind's nodes.
type StageCost struct {
	Nodes   int
	Core    float64 // core-seconds
	Longest float64 // seconds of the longest node on its CPUs
}

// Estimate sums the core-seconds of nodes per stage kind and finds the critical path: the
// longest chain through the nodes (plan order, inputs first), each taking its
// core-seconds over the CPUs its kind gets; inputs outside nodes count as done.
func Estimate(nodes []*Node, cpus func(string) int) (rows map[string]*StageCost, total, path float64) {
	rows = map[string]*StageCost{}
	finish := map[*Node]float64{}
	for _, n := range nodes {
		c := CoreSeconds(n)
		r := rows[n.Stage]
		if r == nil {
			r = &StageCost{}
			rows[n.Stage] = r
		}
		sec := c / float64(cpus(n.Stage))
		r.Nodes++
		r.Core += c
		r.Longest = max(r.Longest, sec)
		total += c
		start := 0.0
		for _, in := range n.Inputs {
			start = max(start, finish[in])
		}
		finish[n] = start + sec
		path = max(path, finish[n])
	}
	return rows, total, path
}

// FormatHours prints seconds as core-hours with a precision that suits their size.
func FormatHours(sec float64) string {
	h := sec / 3600
	switch {
	case h >= 100:
		return fmt.Sprintf("%.0f", h)
	case h >= 1:
		return fmt.Sprintf("%.1f", h)
	}
	return fmt.Sprintf("%.3f", h)
}

// FormatDuration prints seconds as a rounded human duration (s, min, h or days).
func FormatDuration(sec float64) string {
	switch {
	case sec < 120:
		return fmt.Sprintf("%.1f s", sec)
	case sec < 7200:
		return fmt.Sprintf("%.0f min", sec/60)
	case sec < 3*86400:
		return fmt.Sprintf("%.1f h", sec/3600)
	}
	return fmt.Sprintf("%.1f days", sec/86400)
}
