package plan

import (
	"fmt"
	"strings"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/pipeline/spec"
	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/stages"
)

// trainParams are the params of a train node of the profile.
func trainParams(p *spec.Profile, kind string, dim int, seed uint64) stages.TrainParams {
	t := p.Train
	return stages.TrainParams{Kind: kind, Dim: dim, Width: t.Width, Depth: t.Depth, Act: "silu",
		Batch: t.Batch, Iters: t.Iters, LR: t.LR, Beta1: t.Beta1, Beta2: t.Beta2, Eps: t.Eps,
		LossEvery: t.LossEvery, Seed: seed}
}

// profileParams lists every parameter of the profile for the report's provenance section.
func profileParams(p *spec.Profile) []reports.Param {
	ints := func(v []int) string {
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = fmt.Sprint(x)
		}
		return strings.Join(s, ", ")
	}
	t := p.Train
	return []reports.Param{
		{Name: "profile", Value: p.Name},
		{Name: "runs", Value: fmt.Sprint(p.Runs)},
		{Name: "base seed", Value: fmt.Sprint(p.Seed)},
		{Name: "model samples per cell", Value: fmt.Sprint(p.Samples)},
		{Name: "ground-truth samples per run", Value: fmt.Sprint(p.TruthN)},
		{Name: "sampler steps", Value: fmt.Sprint(p.Steps)},
		{Name: "K (particles per swarm)", Value: ints(p.Ks)},
		{Name: "g_clip", Value: p.GClip.String()},
		{Name: "SW2 projections", Value: fmt.Sprint(p.Proj)},
		{Name: "importance oversampling", Value: fmt.Sprint(p.Oversample)},
		{Name: "rejection safety factor", Value: fmt.Sprint(p.Safety)},
		{Name: "training pool sizes N", Value: ints(p.Ns)},
		{Name: "analytic scores", Value: fmt.Sprint(p.Analytic)},
		{Name: "model kinds", Value: strings.Join(p.ModelKinds, ", ")},
		{Name: "MLP", Value: fmt.Sprintf("%d hidden layers × %d, SiLU, ε-prediction", t.Depth, t.Width)},
		{Name: "training", Value: fmt.Sprintf("Adam lr %g, β=(%g, %g), eps %g, batch %d, %d iterations", t.LR, t.Beta1, t.Beta2, t.Eps, t.Batch, t.Iters)},
		{Name: "figure samples", Value: fmt.Sprint(p.FigSamples)},
		{Name: "ODE samples (Theorem 2)", Value: fmt.Sprint(p.ODESamples)},
	}
}

// deviations says in one sentence where prof departs from the paper's protocol.
func deviations(prof, paper *spec.Profile) string {
	mine, ref := profileParams(prof), profileParams(paper)
	var diff []string
	for i := range mine {
		if mine[i].Name != "profile" && mine[i].Value != ref[i].Value {
			diff = append(diff, fmt.Sprintf("%s %s (paper: %s)", mine[i].Name, mine[i].Value, ref[i].Value))
		}
	}
	if len(diff) == 0 {
		return "Profile " + prof.Name + " follows the paper's protocol (profile paper) in every parameter."
	}
	return "Profile " + prof.Name + " departs from the paper's protocol (profile paper) in: " + strings.Join(diff, "; ") + ". Conclusions that need the paper's sizes are marked in the claims."
}

// protocol is the profile's size as the report labels verdicts with it.
func protocol(p *spec.Profile) reports.Protocol {
	pr := reports.Protocol{Profile: p.Name, Runs: p.Runs, Samples: p.Samples, TruthSamples: p.TruthN, Steps: p.Steps,
		Ks: p.Ks, Ns: p.Ns, Width: p.Train.Width, Depth: p.Train.Depth, Iters: p.Train.Iters, Projections: p.Proj}
	for _, k := range p.ModelKinds {
		pr.Models = append(pr.Models, cell.Model(k))
	}
	return pr
}
