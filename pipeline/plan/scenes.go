package plan

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/compdiff/compdiff/core/scene"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/stages"
)

func init() { RegisterPlanner(stages.ScenesFamily, Scenes) }

// Scenes plans a scenes setting (seed 002). Length generalisation needs one learned model
// for every k, trained on scenes with at most m objects and composed for each k, so the
// conditional network is not trained per setting: for a setting written as "an object at
// each of these slots" over a background, it is one network per (scene, background, N,
// run) over every slot conditional "an object at slot i" (i = 0…S−1) and the background,
// and a setting's sample nodes weigh its classes +1 (the requested slots), −(k−1) (the
// background) and 0 (the rest), so the node is shared by every k. Other scenes settings
// (conditionals written out) train their conditional network on their own sources, as
// Compose does. Separate experts are Compose's: one per source, shared wherever a source
// recurs. Everything else — ground truth, exact scores, figures — is Compose's.
func Scenes(b *Builder, s *cell.Setting) stages.ReportSetting {
	prof := b.ProfileOf(s)
	exact := prof.Clone() // Compose plans all but the conditional networks
	if slices.Contains(prof.ModelKinds, stages.ScoresConditional) {
		exact.ModelKinds = slices.DeleteFunc(exact.ModelKinds, func(k string) bool { return k == stages.ScoresConditional })
		if len(exact.ModelKinds) == 0 {
			exact.Ns = nil
		}
	}
	inner := *b // the same plan, seen with the profile without the conditional networks
	inner.Profile = exact
	rs := Compose(&inner, s)
	if prof != b.Profile {
		pr := protocol(prof)
		rs.Protocol = &pr
	}
	if len(prof.Ns) == 0 || !slices.Contains(prof.ModelKinds, stages.ScoresConditional) {
		return rs
	}
	rs.Ns = prof.Ns
	rs.ModelKinds = nil
	for _, k := range prof.ModelKinds {
		rs.ModelKinds = append(rs.ModelKinds, cell.Model(k))
	}
	classes, weights := sceneClasses(s)
	clip := prof.GClip.Ptr()
	for run := 0; run < b.RunsOf(s.ID); run++ {
		seed := prof.Seed + uint64(run)
		tag := fmt.Sprintf("%s run %d", s.ID, run)
		truth := b.reportIn[rs.Truths[run]] // the run's ground truth, as Compose planned it
		for _, n := range prof.Ns {
			pools := map[string]*Node{}
			for a, c := range classes {
				pools["pool"+strconv.Itoa(a)] = b.Add("dataset", stages.DatasetParams{Source: c.Spec, N: n, Seed: seed},
					nil, s.ID, fmt.Sprintf("%s pool %s N=%d", tag, c.Name, n))
			}
			tp := trainParams(prof, stages.ScoresConditional, s.Dim, seed)
			tp.Sources = len(classes)
			model := b.Add("train", tp, pools, s.ID, fmt.Sprintf("%s scene classes conditional N=%d", tag, n))
			models := map[string]*Node{"model": model}
			col := cell.Learned(cell.Conditional, n)
			add := func(m cell.Method, k int) {
				c := cell.Cell{Setting: s.ID, Column: col, Method: m, K: k, Run: run}
				var gclip *float64
				if m == cell.FKC {
					gclip = clip
				}
				smp := b.Add("sample", stages.SampleParams{
					Scores: stages.ScoresConditional, Dim: s.Dim, Weights: weights, Method: string(m),
					N: prof.Samples, K: k, Steps: prof.Steps, GClip: gclip, Seed: seed, Cell: &c,
				}, models, s.ID, fmt.Sprintf("%s %s %s K=%d", tag, col, m, k))
				met := b.Add("metrics", stages.MetricsParams{Projections: prof.Proj, Seed: seed, Measure: s.Measure},
					map[string]*Node{"samples": smp, "truth": truth}, s.ID, smp.Label+" metrics")
				rc := stages.ReportCell{Metrics: b.Use(met)}
				if run == 0 && c.OnPaperGrid() {
					rc.Samples = b.Use(smp)
				}
				rs.Cells = append(rs.Cells, rc)
			}
			for _, k := range prof.Ks {
				add(cell.FKC, k)
			}
			if len(prof.MethodsNs) == 0 || slices.Contains(prof.MethodsNs, n) {
				for _, m := range prof.MethodsFor(s) {
					add(cell.Method(m), 1)
				}
			}
			if run == 0 {
				rs.Loss = append(rs.Loss, stages.ReportLoss{Column: col, Train: b.Use(model)})
			}
		}
	}
	return rs
}

// sceneClasses are the sources of a setting's conditional network and the setting's
// weights over them: for "an object at slot i" conditionals over a background, every slot
// conditional and the background; otherwise the setting's own sources and weights.
func sceneClasses(s *cell.Setting) ([]cell.Source, []float64) {
	t, err := stages.TaskOf(s.Measure)
	if err != nil || !slotShorthand(t) {
		return s.Sources, s.Weights()
	}
	pb, err := t.Background.Law(t.Scene)
	if err != nil {
		return s.Sources, s.Weights()
	}
	k := t.K()
	var out []cell.Source
	w := make([]float64, t.Scene.Slots+1)
	for i := 0; i < t.Scene.Slots; i++ {
		l, err := scene.At(i, pb)
		if err != nil {
			return s.Sources, s.Weights()
		}
		spec, err := stages.NewSceneSource(t.Scene, l)
		if err != nil {
			return s.Sources, s.Weights()
		}
		out = append(out, cell.Source{Name: "at" + strconv.Itoa(i), Spec: spec})
	}
	for _, c := range t.Conditionals {
		w[c.At[len(c.At)-1].Slot] = 1
	}
	w[t.Scene.Slots] = -float64(k - 1)
	return append(out, cell.Source{Name: "bg", Spec: s.Sources[len(s.Sources)-1].Spec}), w
}

// slotShorthand tells whether every conditional is the background's law with one more
// want, any object at a slot the others do not ask for: the setting's sources are then
// among the network's classes.
func slotShorthand(t scene.Task) bool {
	seen := map[int]bool{}
	for _, c := range t.Conditionals {
		n := len(c.At)
		if n != len(t.Background.At)+1 || c.Kind != t.Background.Kind || c.Q != t.Background.Q || c.M != t.Background.M ||
			!slices.Equal(c.At[:n-1], t.Background.At) || c.At[n-1].Object != 0 || seen[c.At[n-1].Slot] {
			return false
		}
		seen[c.At[n-1].Slot] = true
	}
	return t.K() > 0
}
