package stages

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/compdiff/compdiff/core/dsm"
	"github.com/compdiff/compdiff/core/local"
	"github.com/compdiff/compdiff/core/nn"
	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/scene"
	"github.com/compdiff/compdiff/core/score"
	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// The local-score study (seed 001, core/local): its networks as train kinds, score models
// and result models, its measurement (counts and locality) and its theorem checks, each
// registered through its seam.
const LocalFamily = "local" // the setting family: measurement and checks

func init() {
	for _, name := range local.Networks {
		cell.RegisterModel(cell.Model(name))
		RegisterTrainer(name, trainLocal)
		RegisterScores(name, localField)
	}
	RegisterInputMeasure(LocalFamily, measureLocal)
	RegisterChecks(LocalFamily, localChecks)
}

// LocalTrain is a local-study train node's own params (TrainParams.Params): the training
// scenes (1…M objects), their labelling and the network's patch radius (local.Global for
// the global ε-MLP). It holds nothing of the request, so every setting of a task shares
// the four networks of a run.
type LocalTrain struct {
	Scene  scene.Spec   `json:"scene"`
	M      int          `json:"m"`
	Labels local.Labels `json:"labels"`
	Patch  int          `json:"patch"`
}

// NewLocalTrain is the train params of network name for the task (tp carries the profile's
// hyper-parameters and the run's seed).
func NewLocalTrain(t local.Task, name string, tp TrainParams) (TrainParams, error) {
	labels, a, err := t.Network(name)
	if err != nil {
		return tp, err
	}
	raw, err := json.Marshal(LocalTrain{Scene: t.Scene, M: t.M, Labels: labels, Patch: a.Patch})
	if err != nil {
		return tp, err
	}
	tp.Kind, tp.Dim, tp.Sources, tp.Params = name, t.Scene.Dim(), 0, raw
	return tp, nil
}

// trainLocal trains a local-study network. The scenes, their times and noises come from a
// stream of the run's seed alone and the single labels from another, so the four networks
// of a run see the same scenes in the same order; the weights (and the local network's
// training cells) come from the node's own stream.
func trainLocal(env *Env, p *TrainParams, progress func(int)) (*nn.MLP, []dsm.LossPoint, map[string]string, error) {
	var lt LocalTrain
	if err := strictJSON(p.Params, &lt); err != nil {
		return nil, nil, nil, fmt.Errorf("local train params: %w", err)
	}
	data, err := local.NewData(lt.Scene, lt.M)
	if err != nil {
		return nil, nil, nil, err
	}
	a := local.Arch{Slots: lt.Scene.Slots, Cell: lt.Scene.Cell, Patch: lt.Patch}
	st := local.Streams{Data: rng.New(p.Seed, "local/data"), Label: rng.New(p.Seed, "local/labels"), Init: rng.New(p.Seed, "train/"+string(env.Key))}
	nt, loss, err := local.Train(data, lt.Labels, a, p.config(), st, progress)
	if err != nil {
		return nil, nil, nil, err
	}
	arch, _ := json.Marshal(a)
	return nt.MLP, loss, map[string]string{"arch": string(arch)}, nil
}

// loadLocalNet reads a local-study network from its train artifact.
func loadLocalNet(t *data.Table) (*local.Net, error) {
	m, err := loadModel(t)
	if err != nil {
		return nil, err
	}
	var a local.Arch
	if err := json.Unmarshal([]byte(t.Meta["arch"]), &a); err != nil {
		return nil, fmt.Errorf("local network artifact has no readable arch (%v); recompute it with -force train", err)
	}
	return local.FromMLP(a, m)
}

// LocalCond is a local-study sample node's conditioning (SampleParams.Cond): the requested
// cells.
type LocalCond struct {
	Requested []int `json:"requested"`
}

// localField is the score field of the network in input "model" under the requested cells.
func localField(env *Env, p *SampleParams) (score.Field, error) {
	var c LocalCond
	if err := strictJSON(p.Cond, &c); err != nil {
		return nil, fmt.Errorf("local sample conditioning: %w", err)
	}
	t, err := env.Input("model")
	if err != nil {
		return nil, err
	}
	nt, err := loadLocalNet(t)
	if err != nil {
		return nil, err
	}
	for _, i := range c.Requested {
		if i < 0 || i >= nt.Arch.Slots {
			return nil, fmt.Errorf("local sample: requested cell %d of a network over %d cells", i, nt.Arch.Slots)
		}
	}
	if len(p.Weights) != 1 || p.Weights[0] != 1 {
		return nil, fmt.Errorf("local sample: weights %v; a location-conditioned network is one source of weight 1", p.Weights)
	}
	return local.NewField(nt, local.MaskOf(nt.Arch.Slots, c.Requested))
}

// LocalMeasure is a local-study metrics node's measurement params: the task, the network
// the samples came from (Network, or "analytic" for the exact scores) and the locality
// probes: the first Probes ground-truth scenes, noised from a stream of Seed.
type LocalMeasure struct {
	Task    local.Task `json:"task"`
	Network string     `json:"network"`
	Probes  int        `json:"probes"`
	Seed    uint64     `json:"seed"`
}

// LocalTaskOf reads a local setting's task from its measurement params.
func LocalTaskOf(m *cell.Measure) (local.Task, error) {
	var t local.Task
	if m == nil || m.Family != LocalFamily {
		return t, fmt.Errorf("the setting has no local measurement")
	}
	if err := strictJSON(m.Params, &t); err != nil {
		return t, fmt.Errorf("local measurement params: %w", err)
	}
	return t, nil
}

// measureLocal reads every sample against the request (local.Read at scene.InvalidLevel):
// "exact", "success", "invalid", "hits", "stray", "strayed", "count.0" … "count.S"; and
// measures the score model's locality at each noise level of the task (local.Measure):
// "radius.s…", "far.s…" — of the network in input "model", or of the exact scores for
// network "analytic". Undefined values (no valid sample, no requested cell) are left out.
func measureLocal(params json.RawMessage, x, truth []float64, d int, input func(string) (*data.Table, error)) ([]Value, error) {
	var p LocalMeasure
	if err := strictJSON(params, &p); err != nil {
		return nil, fmt.Errorf("local measurement params: %w", err)
	}
	t := p.Task
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if d != t.Scene.Dim() {
		return nil, fmt.Errorf("samples of dimension %d for scenes of dimension %d", d, t.Scene.Dim())
	}
	rd, err := scene.NewReader(t.Scene, scene.InvalidLevel)
	if err != nil {
		return nil, err
	}
	rg, err := local.Read(rd, x, t.Requested, t.M, t.Strays(p.Network))
	if err != nil {
		return nil, err
	}
	var out Values
	add := out.Add
	add("exact", rg.Exact)
	add("success", rg.Success)
	add("invalid", rg.Invalid)
	add("hits", rg.Hits)
	add("stray", rg.Stray)
	add("strayed", rg.Strayed)
	for n, c := range rg.Counts {
		add(fmt.Sprintf("count.%d", n), c)
	}
	den := local.ExactDenoiser(t.Scene)
	if p.Network != string(cell.Analytic) {
		tab, err := input("model")
		if err != nil {
			return nil, err
		}
		nt, err := loadLocalNet(tab)
		if err != nil {
			return nil, err
		}
		den = nt.Denoiser()
	}
	if n := len(truth) / d; p.Probes < 1 || p.Probes > n {
		return nil, fmt.Errorf("locality: %d probes from %d ground-truth scenes; use 1…%d", p.Probes, n, n)
	}
	r := rng.New(p.Seed, "local/probes")
	for _, s := range t.Levels {
		loc, err := local.Measure(den, t.Scene, t.Mask(), t.Patch, s, truth[:p.Probes*d], r)
		if err != nil {
			return nil, err
		}
		add(local.LevelMetric("radius", s), loc.Radius)
		add(local.LevelMetric("far", s), loc.Far)
	}
	return out, nil
}

// lemma1Probes is how many exact target scenes the Lemma 1 check noises at every level.
const lemma1Probes = 8

// localChecks is Lemma 1 (seed 001) on a local setting: the exact score of the conditional
// projective composition its request asks for — computed as a mixture over the target's
// configurations — is local at every noise level: x̂0's Jacobian keeps all its energy in
// the own cell (radius 0) and no conditioner moves another cell (far share 0, patch 0).
// Tolerances: the radius is an integer statistic, exactly 0; the far share is a ratio of
// float64 sums whose off-cell terms are rounding, < 1e−12 of the total.
func localChecks(_ *Env, rs *ReportSetting) ([]reports.TheoremCheck, error) {
	t, err := LocalTaskOf(rs.Measure)
	if err != nil {
		return nil, nil // not a local task (a family of the same name from elsewhere)
	}
	law, err := local.Target(t.Scene, t.Mask())
	if err != nil {
		return nil, err
	}
	r := rng.New(0, "lemma1/"+rs.ID)
	x0, _ := t.Scene.Sample(law, lemma1Probes, r)
	den := local.ExactDenoiser(t.Scene)
	radius, far := 0.0, 0.0
	for _, s := range t.Levels {
		loc, err := local.Measure(den, t.Scene, t.Mask(), 0, s, x0, r)
		if err != nil {
			return nil, err
		}
		radius = math.Max(radius, loc.Radius)
		if !math.IsNaN(loc.Far) {
			far = math.Max(far, loc.Far)
		}
	}
	levels := fmt.Sprintf("%d noise levels s = %v", len(t.Levels), t.Levels)
	out := []reports.TheoremCheck{{Theorem: "Lemma 1 (seed 001)", Setting: rs.ID,
		Quantity: "largest mean 90%-energy radius of the exact x̂0's input Jacobian, in cells, over " + levels,
		Expected: 0, Measured: radius, Tolerance: 0, Pass: radius == 0,
		Note: "each cell's denoised value depends on that cell alone (N_i = the cell)"}}
	if t.K() > 0 {
		out = append(out, reports.TheoremCheck{Theorem: "Lemma 1 (seed 001)", Setting: rs.ID,
			Quantity: "largest share of a conditioner's influence on other cells, over " + levels,
			Expected: 0, Measured: far, Tolerance: 1e-12, Pass: far <= 1e-12,
			Note: "each requested cell's conditioner moves only its own cell (L_i = {i})"})
	}
	return out, nil
}
