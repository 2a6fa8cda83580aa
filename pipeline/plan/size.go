package plan

import (
	"bufio"
	"fmt"
	"github.com/compdiff/compdiff/pipeline/spec"
	"math"
	"math/bits"
	"os"
	"strconv"
	"strings"

	"github.com/compdiff/compdiff/stages"
)

// PlanSize is what a plan would cost before it is built, computed from the profile and the
// settings alone. Nodes is an upper bound (settings sharing a model share its node);
// the byte figures are estimates from the array sizes each stage allocates. Every product
// saturates at math.MaxUint64 instead of wrapping, so a hostile profile reads as huge.
type PlanSize struct {
	Nodes     uint64 // nodes in the DAG (at most)
	PlanBytes uint64 // memory of the plan itself (nodes and their params)
	NodeBytes uint64 // memory of the largest single node while it runs
	NodeLabel string // which node that is
	DiskBytes uint64 // artifacts written to the cache
}

// SizeLimits are the limits above which a plan is refused unless the user confirms (-allow-large).
type SizeLimits struct {
	Nodes     uint64
	PlanBytes uint64
	RunBytes  uint64 // jobs × the largest node
	DiskBytes uint64
}

// DefaultSizeLimits scale with the machine: the plan may take an eighth of its memory, the
// running nodes half. The node bound is 20× the paper profile over every built-in setting.
func DefaultSizeLimits() SizeLimits {
	mem := memTotal()
	return SizeLimits{Nodes: 500_000, PlanBytes: mem / 8, RunBytes: mem / 2, DiskBytes: 1 << 40}
}

// sat is saturating uint64 arithmetic: once a product overflows, it stays at MaxUint64.
type sat uint64

func (a sat) mul(b ...uint64) sat {
	for _, x := range b {
		hi, lo := bits.Mul64(uint64(a), x)
		if hi != 0 {
			return math.MaxUint64
		}
		a = sat(lo)
	}
	return a
}

func (a sat) add(b sat) sat {
	s, carry := bits.Add64(uint64(a), uint64(b), 0)
	if carry != 0 {
		return math.MaxUint64
	}
	return sat(s)
}

func u(v int) uint64 {
	if v < 0 {
		return 0
	}
	return uint64(v)
}

// EstimateSize counts the nodes plan.New would create for prof over settings and estimates
// their memory and disk, without allocating any of it. It mirrors the default planner
// (plan.Compose); a family with a planner of its own is estimated as if it used that one.
func EstimateSize(whole *spec.Profile, settings []*spec.Setting) PlanSize {
	var nodes, planB, disk sat
	var peak sat
	label := ""
	consider := func(b sat, what string) {
		if b > peak {
			peak, label = b, what
		}
	}
	for _, s := range settings {
		prof := whole.For(s.Family)
		nk, kinds := u(len(prof.Ks)), u(len(prof.ModelKinds))
		maxK := uint64(0)
		for _, k := range prof.Ks {
			maxK = max(maxK, u(k))
		}
		t := prof.Train
		S, d := u(len(s.Sources)), u(s.Dim)
		// Per run: the truth node, the analytic cells (sample + metrics per K), and per
		// training-pool size the pools, the models, the learned cells.
		perRun := sat(1)
		if prof.Analytic {
			perRun = perRun.add(sat(2).mul(nk))
		}
		trains := sat(0)
		for _, k := range prof.ModelKinds {
			if k == "separate" {
				trains = trains.add(sat(S))
			} else {
				trains = trains.add(1)
			}
		}
		perN := sat(S).add(trains).add(sat(2).mul(nk, kinds))
		perRun = perRun.add(perN.mul(u(len(prof.Ns))))
		// The samplers besides FKC (sample + metrics each) on the exact scores and the first
		// model kind, and the CoInD models (a train per λ and N, sample + metrics per K).
		m := u(len(prof.MethodsFor(s)))
		if prof.Analytic {
			perRun = perRun.add(sat(2).mul(m))
		}
		if kinds > 0 {
			mn := u(len(prof.Ns))
			if len(prof.MethodsNs) > 0 {
				mn = u(len(prof.MethodsNs))
			}
			perRun = perRun.add(sat(2).mul(m, mn))
		}
		if _, err := stages.CoInDLabels(s.Weights()); err == nil {
			perRun = perRun.add(sat(1).add(sat(2).mul(nk)).mul(u(len(prof.CoInDLambdas)), u(len(prof.CoInDNs))))
		}
		n := perRun.mul(u(prof.Runs))
		// Run 0's learned-source figures, the true-source figures and the ODE check.
		n = n.add(sat(S).mul(kinds, u(len(prof.Ns)))).add(sat(S))
		if s.Family == "gaussian" {
			n = n.add(1)
		}
		nodes = nodes.add(n)
		// A node holds its params as JSON: the source specs dominate (about 24 bytes a number).
		planB = planB.add(n.mul(nodeOverhead + 24*(S*d*2+S)))

		// Running memory (float64 unless noted): FKC keeps N·K particles, their copy for
		// resampling and one score per source; importance sampling draws oversample
		// candidates per ground-truth sample; training keeps its pools, float32 parameters
		// with gradient and Adam moments, and a batch's activations.
		P := sat(u(prof.Samples)).mul(maxK)
		consider(P.mul(8, d+1).mul(3+S), fmt.Sprintf("%s sample N=%d K=%d", s.ID, prof.Samples, maxK))
		consider(sat(u(prof.TruthN)).mul(max(1, u(prof.OversampleFor(s))), 8, 2*d+2), s.ID+" truth")
		if len(prof.Ns) > 0 {
			maxN := uint64(0)
			for _, x := range prof.Ns {
				maxN = max(maxN, u(x))
			}
			w, dep := u(t.Width), u(t.Depth)
			params := sat(w).mul(w, dep).add(sat(w).mul(2*d + 2 + S))
			act := sat(u(t.Batch)).mul(w, dep+1, 3)
			consider(sat(maxN).mul(8, d, S).add(params.mul(4, 4)).add(act.mul(4)), s.ID+" train")
			// Artifacts: pools, models (float32 parameters).
			disk = disk.add(sat(maxN).mul(8, d, S, u(len(prof.Ns)), u(prof.Runs)))
			disk = disk.add(params.mul(4, trains.mulU(u(len(prof.Ns)), u(prof.Runs))))
		}
		// Artifacts: each cell's samples, each run's ground truth.
		cells := sat(nk).mul(kinds*u(len(prof.Ns))+b2u(prof.Analytic), u(prof.Runs))
		disk = disk.add(cells.mul(u(prof.Samples), 8, d)).add(sat(u(prof.TruthN)).mul(8, d, u(prof.Runs)))
	}
	nodes = nodes.add(1) // the report
	return PlanSize{Nodes: uint64(nodes), PlanBytes: uint64(planB), NodeBytes: uint64(peak), NodeLabel: label, DiskBytes: uint64(disk)}
}

// nodeOverhead is a planned node's size apart from its params: the Node, its key, label,
// inputs map and the report's reference to it (measured by TestEstimateSizeBoundsPlan).
const nodeOverhead = 1024

func (a sat) mulU(b ...uint64) uint64 { return uint64(a.mul(b...)) }

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// Check returns an error naming every limit the plan exceeds, with the fix, or nil.
func (ps PlanSize) Check(lim SizeLimits, jobs int) error {
	var over []string
	if ps.Nodes > lim.Nodes {
		over = append(over, fmt.Sprintf("%s nodes (limit %s)", count(ps.Nodes), count(lim.Nodes)))
	}
	if ps.PlanBytes > lim.PlanBytes {
		over = append(over, fmt.Sprintf("%s of memory for the plan alone (limit %s)", size(ps.PlanBytes), size(lim.PlanBytes)))
	}
	if run := uint64(sat(ps.NodeBytes).mul(u(max(jobs, 1)))); run > lim.RunBytes {
		over = append(over, fmt.Sprintf("%s of memory for %d running nodes (largest: %s, %s; limit %s)",
			size(run), max(jobs, 1), ps.NodeLabel, size(ps.NodeBytes), size(lim.RunBytes)))
	}
	if ps.DiskBytes > lim.DiskBytes {
		over = append(over, fmt.Sprintf("%s of artifacts in the cache (limit %s)", size(ps.DiskBytes), size(lim.DiskBytes)))
	}
	if len(over) == 0 {
		return nil
	}
	return fmt.Errorf("this plan is too large: %s; nothing was allocated. Reduce runs, samples, ks or ns in the profile (or choose fewer settings with -only), or pass -allow-large if this machine can take it", strings.Join(over, "; "))
}

// String summarises the estimate on one line.
func (ps PlanSize) String() string {
	return fmt.Sprintf("plan: at most %s nodes, %s for the plan, largest node %s (%s), about %s of artifacts",
		count(ps.Nodes), size(ps.PlanBytes), size(ps.NodeBytes), ps.NodeLabel, size(ps.DiskBytes))
}

func count(n uint64) string {
	if n == math.MaxUint64 {
		return "more than 1.8e19"
	}
	if n < 1_000_000 {
		return strconv.FormatUint(n, 10)
	}
	return strconv.FormatFloat(float64(n), 'e', 2, 64)
}

func size(b uint64) string {
	if b == math.MaxUint64 {
		return "more than 16 EiB"
	}
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	v, i := float64(b), 0
	for v >= 1024 && i < len(units)-1 {
		v, i = v/1024, i+1
	}
	return strconv.FormatFloat(v, 'f', 2, 64) + " " + units[i]
}

// memTotal is the machine's memory from /proc/meminfo, or 8 GiB where that is unknown.
func memTotal() uint64 {
	f, err := os.Open("/proc/meminfo")
	if err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
				if err == nil && kb > 0 {
					return kb * 1024
				}
			}
		}
	}
	return 8 << 30
}
