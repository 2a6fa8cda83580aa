package projective

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/reports/figure"
)

// row is one line of the exact-k tables and figure: a column, a sampler, a metric.
type row struct {
	label  string
	col    cell.Column
	method cell.Method
	k      int
	metric string
}

// rowsOf lists what the study shows per scene setting: the target, then each score model
// with the naive SDE, the naive ODE and FKC at its largest K.
func rowsOf(s *sceneSetting) []row {
	out := []row{{"exact target", cell.Exact(), cell.FKC, 1, "exact.truth"}}
	cols := []cell.Column{cell.Exact()}
	if c := learnedColumn(s.SettingResults); c != nil {
		cols = append(cols, *c)
	}
	kmax := slices.Max(append([]int{1}, s.Ks...))
	for _, c := range cols {
		name := "exact scores"
		if !c.IsExact() {
			name = fmt.Sprintf("learned (%s)", c)
		}
		out = append(out, row{name + ", naive SDE", c, cell.FKC, 1, "exact"}, row{name + ", naive ODE", c, cell.ODE, 1, "exact"})
		if kmax > 1 {
			out = append(out, row{fmt.Sprintf("%s, FKC K=%d", name, kmax), c, cell.FKC, kmax, "exact"})
		}
	}
	return out
}

// section draws the study: an overview per part (scenes, linear maps) with its figures,
// and blocks with the tables and the theorem checks.
func section(r *reports.Report, settings []*reports.SettingResults, out *reports.Output) (reports.Section, error) {
	var sec reports.Section
	ss := scenesOf(settings)
	ms := mapsOf(r, settings)
	if len(ss) > 0 {
		v, err := scenesView(r, ss, out)
		if err != nil {
			return sec, err
		}
		sec.Settings = append(sec.Settings, v)
		sec.Blocks = append(sec.Blocks, shareBlock(r, ss), readingBlock(r, ss), cosineBlock(ss))
	}
	if len(ms) > 0 {
		v, err := mapsView(r, ms, out)
		if err != nil {
			return sec, err
		}
		sec.Settings = append(sec.Settings, v)
		sec.Blocks = append(sec.Blocks, gapBlock(r, ms))
	}
	sec.Blocks = append(sec.Blocks, checksBlock(r, settings))
	return sec, nil
}

func scenesView(r *reports.Report, ss []*sceneSetting, out *reports.Output) (reports.SettingView, error) {
	s0 := ss[0]
	p := protocolOf(r, s0.SettingResults)
	var ids []string
	for _, s := range ss {
		ids = append(ids, s.ID)
	}
	sc := s0.Task.Scene
	v := reports.SettingView{ID: "projective-scenes", Title: "Object scenes: composing k objects over a background",
		Facts: []reports.Fact{
			{Name: "Scene", Value: fmt.Sprintf("%d slots of %d pixels, %d object templates, empty level %g, pixel noise σ0 = %g (dimension %d)", sc.Slots, sc.Cell, len(sc.Objects), sc.Empty, sc.Noise, sc.Dim())},
			{Name: "Settings", Value: strings.Join(ids, ", ")},
			{Name: "Composition", Value: "conditionals 'an object at slot i' (weight +1 each) over the background (weight −(k−1)); the ground truth is exact (Theorem 5.3's projective law when factorized, importance sampling otherwise)"},
			{Name: "Learned model", Value: learnedFact(s0)},
			{Name: "Protocol", Value: fmt.Sprintf("%d runs, %d samples per cell, %d ground-truth samples, %d steps, K %v", p.Runs, p.Samples, p.TruthSamples, p.Steps, p.Ks)},
		}}
	jobs := []reports.FigureJob{
		{Base: "projective-exact-k", Caption: "Exact-k share against k, per background: the exact target, exact scores and the learned model (naive SDE, naive ODE, FKC), mean ± std over runs",
			Draw: func() (figure.Grid, error) { return shareFigure(r, ss) }},
		{Base: "projective-scenes", Caption: "Sample scenes (run 0) per background (rows) and k (columns): the exact target, the naive SDE with exact scores and with the learned model; each strip is one scene, slot by slot",
			Draw: func() (figure.Grid, error) { return scenesFigure(ss) }},
	}
	figs, err := out.Figures(jobs)
	v.Figures = figs
	return v, err
}

func learnedFact(s *sceneSetting) string {
	c := learnedColumn(s.SettingResults)
	if c == nil {
		return "none (exact scores only)"
	}
	p := s.Protocol
	size := ""
	if p != nil {
		size = fmt.Sprintf(", MLP %d×%d trained %d iterations", p.Depth, p.Width, p.Iters)
	}
	return fmt.Sprintf("%s: one network per background and run over every slot conditional and the background, trained on scenes with at most m = %d objects and composed for every k%s", c, trainedObjects(s), size)
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
	if c.NonFinite > 0 {
		t += fmt.Sprintf(" (%d non-finite)", c.NonFinite)
	}
	return t
}

// shareBlock is the exact-k share against k: one line per background and row.
func shareBlock(r *reports.Report, ss []*sceneSetting) reports.Block {
	ks := kRange(ss)
	b := reports.Block{ID: "projective-share", Title: "Exact-k share against k",
		Text:  "Share of samples holding exactly the requested objects in the requested slots (and, for the empty and data backgrounds, nothing else), mean ± std over runs.",
		Empty: "No scenes settings."}
	b.Header = []string{"Background", "Scores, sampler"}
	for _, k := range ks {
		b.Header = append(b.Header, "k = "+strconv.Itoa(k))
	}
	for _, sc := range scenesIn(ss) {
		for _, bg := range []string{bgEmpty, bgBayes, bgClutter} {
			sw := sweep(ss, sc, bg)
			if len(sw) == 0 {
				continue
			}
			for _, rw := range rowsOf(sw[0]) {
				line := []string{bgLabel(bg), rw.label}
				for _, k := range ks {
					txt := "–"
					for _, s := range sw {
						if s.K == k {
							txt = cellText(r.Agg, key(s.ID, rw.col, rw.method, rw.k, rw.metric), 3)
						}
					}
					line = append(line, txt)
				}
				b.Rows = append(b.Rows, line)
			}
		}
	}
	return b
}

func kRange(ss []*sceneSetting) []int {
	var ks []int
	for _, s := range ss {
		if !slices.Contains(ks, s.K) {
			ks = append(ks, s.K)
		}
	}
	slices.Sort(ks)
	return ks
}

// readingBlock details every scenes setting's reading of the naive SDE's samples.
func readingBlock(r *reports.Report, ss []*sceneSetting) reports.Block {
	b := reports.Block{ID: "projective-reading", Title: "What the reader sees (naive SDE)",
		Text: "Exact: valid and exactly as requested; content: the nearest templates are as requested, valid or not (an exact share far below the content share means the right objects drawn too noisily); " +
			"invalid: some slot near no template; noise: residual power of the valid scenes over σ0² (1 for true scenes); other: occupancy of the unrequested slots; counts: object counts 0…S of the valid scenes.",
		Header: []string{"Setting", "Scores", "Exact", "Content", "Invalid", "Noise", "Other", "Counts 0…S"}, Empty: "No scenes settings."}
	for _, s := range ss {
		cols := []cell.Column{cell.Exact()}
		if c := learnedColumn(s.SettingResults); c != nil {
			cols = append(cols, *c)
		}
		for _, c := range cols {
			m := func(metric string, digits int) string {
				return cellText(r.Agg, key(s.ID, c, cell.FKC, 1, metric), digits)
			}
			var counts []string
			for n := 0; n <= s.Task.Scene.Slots; n++ {
				if st, ok := r.Agg.Cell(key(s.ID, c, cell.FKC, 1, "count."+strconv.Itoa(n))); ok {
					counts = append(counts, strconv.FormatFloat(st.Mean, 'f', 2, 64))
				}
			}
			b.Rows = append(b.Rows, []string{s.ID, c.String(), m("exact", 3), m("content", 3), m("invalid", 3), m("noise", 2), m("other", 3), strings.Join(counts, " ")})
		}
	}
	return b
}

// cosineBlock is Lemma 8.1's cosine matrix of every scenes setting with k ≥ 2.
func cosineBlock(ss []*sceneSetting) reports.Block {
	b := reports.Block{ID: "projective-cosines", Title: "Lemma 8.1: cosines of the mean differences μ_i − μ_b",
		Text:   "cos∠(μ_i − μ_b, μ_j − μ_b) of the conditionals' and the background's mean scenes (exact). Factorized conditionals have orthogonal mean differences; the counterexample too, yet it does not compose projectively.",
		Header: []string{"Setting", "Factorized", "Largest |cos| off the diagonal", "Matrix"}, Empty: "No scenes setting with k ≥ 2."}
	for _, s := range ss {
		if s.K < 2 {
			continue
		}
		cm, err := s.Task.Composition()
		if err != nil {
			continue
		}
		cos, err := cm.Cosines()
		if err != nil {
			b.Rows = append(b.Rows, []string{s.ID, "", "undefined: " + err.Error(), ""})
			continue
		}
		_, ferr := cm.Blocks()
		worst := 0.0
		var rows []string
		for i := range cos {
			var vals []string
			for j := range cos[i] {
				if i != j {
					worst = math.Max(worst, math.Abs(cos[i][j]))
				}
				vals = append(vals, strconv.FormatFloat(cos[i][j]+0, 'f', 3, 64))
			}
			rows = append(rows, "["+strings.Join(vals, " ")+"]")
		}
		b.Rows = append(b.Rows, []string{s.ID, yesNo(ferr == nil), strconv.FormatFloat(worst, 'g', 3, 64), strings.Join(rows, " ")})
	}
	return b
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// checksBlock lists the study's theorem checks.
func checksBlock(r *reports.Report, settings []*reports.SettingResults) reports.Block {
	b := reports.Block{ID: "projective-checks", Title: "Theorem checks (seed 002)", Empty: "No theorem checks in this study.",
		Header: []string{"Theorem", "Setting", "Quantity", "Expected", "Measured", "Tolerance", "Result", "Note"}}
	mine := map[string]bool{}
	for _, s := range settings {
		mine[s.ID] = true
	}
	for _, t := range r.Theorems {
		if !mine[t.Setting] {
			continue
		}
		res := "pass"
		if !t.Pass {
			res = "FAIL"
		}
		g := func(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
		b.Rows = append(b.Rows, []string{t.Theorem, t.Setting, t.Quantity, g(t.Expected), g(t.Measured), g(t.Tolerance), res, t.Note})
	}
	return b
}
