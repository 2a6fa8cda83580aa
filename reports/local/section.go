package local

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/compdiff/compdiff/core/local"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/reports/figure"
)

// netInfo is what the report says of each network beside its name: the seed's experiment
// and what the seed found for it (Table 1 at M = 3).
var netInfo = map[string]struct{ label, seed string }{
	local.NetAll:    {"global ε-MLP, all labels (Exp. 1)", "K_max = 9: generalises"},
	local.NetSingle: {"global ε-MLP, single label (Exp. 2)", "K_max = 1 + (0–2) strays: fails"},
	local.NetLocal:  {"local network, single label (Exp. 3)", "K_max = 9 + (0–2): generalises"},
	local.NetWhole:  {"local network, whole-strip patch (Exp. 3's control)", "fails like Exp. 2"},
}

// generalises is what the seed found of a network: length generalisation or its failure.
var generalises = map[string]bool{local.NetAll: true, local.NetLocal: true}

// section draws the study: per sweep a view with its figures, and the tables.
func section(r *reports.Report, settings []*reports.SettingResults, out *reports.Output) (reports.Section, error) {
	var sec reports.Section
	sws := sweepsOf(settings)
	for _, sw := range sws {
		v, err := sweepView(r, sw, out)
		if err != nil {
			return sec, err
		}
		if len(sws) > 1 {
			v.ID += "-" + sw.name
		}
		sec.Settings = append(sec.Settings, v)
		sec.Blocks = append(sec.Blocks, kmaxBlock(r, sw), shareBlock(r, sw), readingBlock(r, sw), localityBlock(r, sw), checksBlock(r, sw))
	}
	return sec, nil
}

func sweepView(r *reports.Report, sw *sweep, out *reports.Output) (reports.SettingView, error) {
	t := sw.task
	sc := t.Scene
	var ids []string
	for _, s := range sw.settings {
		ids = append(ids, fmt.Sprintf("%s (%v)", s.ID, s.Task.Requested))
	}
	p := sw.settings[0].Protocol
	prot := "the report's"
	if p != nil {
		prot = fmt.Sprintf("%d runs, %d samples per cell (naive SDE, %d steps), %d ground-truth samples; MLPs %d×%d trained %d iterations of %d scenes",
			p.Runs, p.Samples, p.Steps, p.TruthSamples, p.Depth, p.Width, p.Iters, sw.n/max(1, p.Iters))
	}
	v := reports.SettingView{ID: "local-strip", Title: fmt.Sprintf("Length generalisation and locality, M = %d (seed 001)", t.M),
		Facts: []reports.Fact{
			{Name: "Scene", Value: fmt.Sprintf("a strip of %d cells of %d pixels, %d object templates, empty level %g, pixel noise σ0 = %g", sc.Slots, sc.Cell, len(sc.Objects), sc.Empty, sc.Noise)},
			{Name: "Training data", Value: fmt.Sprintf("scenes with 1…M = %d objects at uniform cells, drawn afresh for every batch (%d per network and run); the four networks of a run see the same scenes", t.M, sw.n)},
			{Name: "Networks", Value: networksFact(t)},
			{Name: "Requests (settings)", Value: strings.Join(ids, ", ")},
			{Name: "Protocol", Value: prot},
			{Name: "Locality", Value: fmt.Sprintf("at s = %v on %s: the 90%%-energy radius of x̂0's input Jacobian (central differences) and the share of the conditioners' influence beyond %d cell(s) of their own", t.Levels, "the exact target's scenes, noised", t.Patch)},
		},
		Notes: behaviourNotes(r, sw)}
	jobs := []reports.FigureJob{
		{Base: "local-share", Caption: "Success and exact-K shares against the number K of requested cells, per network: mean ± std over runs; the dotted line is the success threshold (½ up to M, ¼ beyond)",
			Draw: func() (figure.Grid, error) { return shareFigure(r, sw) }},
		{Base: "local-scenes", Caption: "Sample scenes (run 0): the exact target, each network and the exact scores (rows) per K (columns); a black bar marks each requested cell",
			Draw: func() (figure.Grid, error) { return scenesFigure(sw) }},
		{Base: "local-locality", Caption: "Locality against the noise level (s = 0: noise, s = 1: data): far share of the conditioners' influence and the Jacobian's 90%-energy radius, mean over the settings with K > M, ± std over runs",
			Draw: func() (figure.Grid, error) { return localityFigure(r, sw) }},
	}
	figs, err := out.Figures(jobs)
	v.Figures = figs
	return v, err
}

func networksFact(t local.Task) string {
	var parts []string
	for _, n := range local.Networks {
		_, a, _ := t.Network(n)
		shape := "the whole scene in, all pixels out"
		if !a.IsGlobal() {
			shape = fmt.Sprintf("patches of %d cells", 2*a.Patch+1)
		}
		parts = append(parts, fmt.Sprintf("%s: %s (%s)", n, netInfo[n].label, shape))
	}
	return strings.Join(parts, "; ") + "; and the exact scores of the conditional projective composition (analytic)"
}

// behaviourNotes says, per network, whether it behaves as the seed's U-Net did.
func behaviourNotes(r *reports.Report, sw *sweep) []string {
	var out []string
	for _, n := range local.Networks {
		_, km := sw.kmaxRuns(r.Agg, n)
		if len(km) == 0 {
			continue
		}
		var vals []float64
		for _, v := range km {
			vals = append(vals, float64(v))
		}
		mean := stat.Mean(vals, nil)
		gen := mean >= float64(sw.m()+1)
		like := "as the seed's U-Net did"
		if gen != generalises[n] {
			like = "unlike the seed's U-Net"
		}
		what := "does not generalise beyond M"
		if gen {
			what = "generalises beyond M"
		}
		out = append(out, fmt.Sprintf("%s: mean K_max %.2g over %d runs (M = %d) — %s, %s (the seed: %s).", n, mean, len(vals), sw.m(), what, like, netInfo[n].seed))
	}
	return append(out, localityNote(r, sw)...)
}

// localityNote says each network's far share at high noise and whether, within each pair
// of the seed's experiments, the generalising network is the more local one.
func localityNote(r *reports.Report, sw *sweep) []string {
	far, radius := map[string]float64{}, map[string]float64{}
	var parts, radii []string
	for _, n := range local.Networks {
		var ok bool
		if far[n], ok = sw.highNoiseMean(r.Agg, n, "far"); !ok {
			return nil
		}
		radius[n], _ = sw.highNoiseMean(r.Agg, n, "radius")
		parts = append(parts, fmt.Sprintf("%s %.2f", n, far[n]))
		radii = append(radii, fmt.Sprintf("%s %.2g", n, radius[n]))
	}
	pair := func(gen, fail string) string {
		if far[gen] < far[fail] {
			return fmt.Sprintf("%s is more local than %s, as in the seed", gen, fail)
		}
		return fmt.Sprintf("%s is not more local than %s, unlike the seed", gen, fail)
	}
	return []string{fmt.Sprintf("Far share of the conditioners' influence at high noise (s ≤ %.2g, K > M, mean over runs): %s. The seed found its generalising models conditionally local at high noise and the failing ones not; here %s, and %s.",
		highNoise, strings.Join(parts, ", "), pair(local.NetAll, local.NetSingle), pair(local.NetLocal, local.NetWhole)),
		fmt.Sprintf("Jacobian radius at high noise (cells, same means): %s. The seed found every model pixel-local at high and at low noise; %s.",
			strings.Join(radii, ", "), pixelLocal(radius, sw.task.Patch))}
}

// pixelLocal says which networks' high-noise radius exceeds the patch radius.
func pixelLocal(radius map[string]float64, patch int) string {
	var wide []string
	for _, n := range local.Networks {
		if radius[n] > float64(patch) {
			wide = append(wide, n)
		}
	}
	if len(wide) == 0 {
		return fmt.Sprintf("here every network's radius is within the patch radius %d, as in the seed", patch)
	}
	return fmt.Sprintf("here %s reach beyond the patch radius %d, unlike the seed", strings.Join(wide, " and "), patch)
}

// highNoiseMean is a network's metric ("far", "radius") averaged over the high-noise
// levels of overOOD's means; ok is false when a level has no cells.
func (sw *sweep) highNoiseMean(a *reports.Aggregate, network, metric string) (float64, bool) {
	sum, k := 0.0, 0
	for _, lv := range sw.task.Levels {
		if lv > highNoise {
			continue
		}
		m, _, ok := sw.overOOD(a, sw.column(network), local.LevelMetric(metric, lv))
		if !ok {
			return 0, false
		}
		sum, k = sum+m, k+1
	}
	return sum / float64(max(k, 1)), k > 0
}

// cellText is a cell's mean ± std over runs, or "–".
func cellText(a *reports.Aggregate, k reports.CellKey, digits int) string {
	c, ok := a.Cell(k)
	if !ok {
		return "–"
	}
	t := strconv.FormatFloat(c.Mean, 'f', digits, 64)
	if c.N > 1 && !math.IsNaN(c.SD) {
		t += " ± " + strconv.FormatFloat(c.SD, 'f', digits, 64)
	}
	return t
}

// columns are the report's rows per sweep: every network, then the exact scores.
func columns() []string {
	return append(append([]string(nil), local.Networks...), string(cell.Analytic))
}

func kmaxBlock(r *reports.Report, sw *sweep) reports.Block {
	b := reports.Block{ID: "local-kmax-" + sw.name, Title: "K_max per network (the seed's Table 1)",
		Text:   fmt.Sprintf("The largest K such that every K' = 1…K succeeds (see the rule definitions), per run and mean ± std over runs; M = %d. The seed's column is its Table 1 at M = 3.", sw.m()),
		Header: []string{"Network", "K_max per run", "Mean ± std", "The seed (M = 3)"}, Empty: "No runs."}
	for _, n := range columns() {
		_, km := sw.kmaxRuns(r.Agg, n)
		if len(km) == 0 {
			continue
		}
		var runs []string
		var vals []float64
		for _, v := range km {
			runs = append(runs, strconv.Itoa(v))
			vals = append(vals, float64(v))
		}
		m, sd := stat.MeanStdDev(vals, nil)
		txt := strconv.FormatFloat(m, 'f', 2, 64)
		if len(vals) > 1 {
			txt += " ± " + strconv.FormatFloat(sd, 'f', 2, 64)
		}
		seed := "—"
		if info, ok := netInfo[n]; ok {
			seed = info.seed
		}
		b.Rows = append(b.Rows, []string{n, strings.Join(runs, ", "), txt, seed})
	}
	return b
}

func shareBlock(r *reports.Report, sw *sweep) reports.Block {
	b := reports.Block{ID: "local-share-" + sw.name, Title: "Success and exact-K share against K",
		Text: "Success: the seed's rule (strays up to M−1 for the single-label networks); exact: valid, an object at every requested cell and nothing elsewhere. Mean ± std over runs.", Empty: "No settings."}
	b.Header = []string{"Network", "Share"}
	for _, s := range sw.settings {
		b.Header = append(b.Header, "K = "+strconv.Itoa(s.Task.K()))
	}
	for _, n := range columns() {
		for _, metric := range []string{"success", "exact"} {
			line := []string{n, metric}
			for _, s := range sw.settings {
				line = append(line, cellText(r.Agg, key(s.ID, sw.column(n), metric), 2))
			}
			b.Rows = append(b.Rows, line)
		}
	}
	return b
}

func readingBlock(r *reports.Report, sw *sweep) reports.Block {
	b := reports.Block{ID: "local-reading-" + sw.name, Title: "What the reader sees",
		Text:   "Invalid: some cell near no template; hits: share of the requested cells holding an object; strays: objects outside them per valid sample, and the share of valid samples with any; counts: object counts 0…S of the valid samples (run means).",
		Header: []string{"K", "Network", "Invalid", "Hits", "Strays", "With strays", "Counts 0…S"}, Empty: "No settings."}
	for _, s := range sw.settings {
		for _, n := range columns() {
			col := sw.column(n)
			m := func(metric string) string { return cellText(r.Agg, key(s.ID, col, metric), 2) }
			var counts []string
			for c := 0; c <= s.Task.Scene.Slots; c++ {
				if st, ok := r.Agg.Cell(key(s.ID, col, "count."+strconv.Itoa(c))); ok {
					counts = append(counts, strconv.FormatFloat(st.Mean, 'f', 2, 64))
				}
			}
			b.Rows = append(b.Rows, []string{strconv.Itoa(s.Task.K()), n, m("invalid"), m("hits"), m("stray"), m("strayed"), strings.Join(counts, " ")})
		}
	}
	return b
}

func localityBlock(r *reports.Report, sw *sweep) reports.Block {
	b := reports.Block{ID: "local-locality-" + sw.name, Title: "Locality against the noise level",
		Text:  fmt.Sprintf("Far share of the conditioners' influence (beyond %d cell(s)) and the mean 90%%-energy radius of x̂0's Jacobian in cells, mean over the settings with K > M = %d, mean ± std over runs. s ≤ %.2g is high noise.", sw.task.Patch, sw.m(), highNoise),
		Empty: "No setting with K > M."}
	b.Header = []string{"Network", "Quantity"}
	for _, lv := range sw.task.Levels {
		b.Header = append(b.Header, fmt.Sprintf("s = %.2g", lv))
	}
	for _, n := range columns() {
		for _, q := range []string{"far", "radius"} {
			line := []string{n, q}
			for _, lv := range sw.task.Levels {
				mean, sd, ok := sw.overOOD(r.Agg, sw.column(n), local.LevelMetric(q, lv))
				txt := "–"
				if ok {
					txt = fmt.Sprintf("%.2f ± %.2f", mean, sd)
				}
				line = append(line, txt)
			}
			b.Rows = append(b.Rows, line)
		}
	}
	return b
}

// overOOD is the mean and std over runs of a metric's mean over the settings with K > M
// (runs that have every one of those cells).
func (sw *sweep) overOOD(a *reports.Aggregate, col cell.Column, metric string) (mean, sd float64, ok bool) {
	sum, count := map[int]float64{}, map[int]int{}
	cells := 0
	for _, s := range sw.settings {
		if s.Task.K() <= sw.m() {
			continue
		}
		cells++
		c, ok := a.Cell(key(s.ID, col, metric))
		if !ok {
			continue
		}
		for run, v := range c.Runs {
			sum[run] += v
			count[run]++
		}
	}
	var vals []float64
	for run, n := range count {
		if n == cells {
			vals = append(vals, sum[run]/float64(n))
		}
	}
	if len(vals) == 0 {
		return 0, 0, false
	}
	mean, sd = stat.MeanStdDev(vals, nil)
	if len(vals) < 2 {
		sd = 0
	}
	return mean, sd, true
}

func checksBlock(r *reports.Report, sw *sweep) reports.Block {
	mine := map[string]bool{}
	for _, s := range sw.settings {
		mine[s.ID] = true
	}
	return reports.ChecksBlock(r, "local-checks-"+sw.name, "Theorem checks (seed 001)", mine)
}
