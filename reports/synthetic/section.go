package synthetic

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/reports/figure"
)

// metrics are the tables of each model kind: SW2, MMD² and the share of escaped samples.
var metrics = []string{"sw2", "mmd2", "escaped"}

// section draws every setting of the study (its tables and figures) and the theorem checks.
func section(r *reports.Report, settings []*reports.SettingResults, out *reports.Output) (reports.Section, error) {
	var sec reports.Section
	for _, orig := range settings {
		v, err := settingView(r, orig, out)
		if err != nil {
			return sec, fmt.Errorf("setting %s: %w", orig.ID, err)
		}
		sec.Settings = append(sec.Settings, v)
	}
	sec.Blocks = append(sec.Blocks, theoremBlock(r, settings))
	return sec, nil
}

// modelKinds are the learned kinds the setting's tables show: the profile's, else what the
// results hold, else the conditional model.
func modelKinds(s *reports.SettingResults, a *reports.Aggregate) []cell.Model {
	if len(s.ModelKinds) > 0 {
		return s.ModelKinds
	}
	if kinds := a.Models(s.ID, cell.Conditional, cell.Separate); len(kinds) > 0 {
		return kinds
	}
	return []cell.Model{cell.Conditional}
}

func settingView(r *reports.Report, orig *reports.SettingResults, out *reports.Output) (reports.SettingView, error) {
	sc := *orig // filled-in defaults must not leak into the caller's report
	s := &sc
	a := r.Agg
	kinds := modelKinds(s, a)
	v := reports.SettingView{ID: s.ID, Title: s.Title, Notes: s.Notes}
	var src, ks, kindNames []string
	for i, x := range s.Sources {
		src = append(src, x.Name+weightOf(s, i))
	}
	for _, k := range tableKs(s, a) {
		ks = append(ks, strconv.Itoa(k))
	}
	for _, k := range kinds {
		kindNames = append(kindNames, string(k))
	}
	if len(s.Ns) == 0 && !s.Exact { // keep the header line and the tables in agreement
		s.Ns, s.Exact = a.Grid(s.ID)
	}
	truth := s.Truth
	if s.TruthInfo != "" {
		truth += " (" + s.TruthInfo + ")"
	}
	v.Facts = []reports.Fact{
		{Name: "Kind", Value: s.Kind},
		{Name: "Sources (weights)", Value: fmt.Sprintf("%s; dimension %d", strings.Join(src, ", "), dimOf(s))},
		{Name: "Ground truth", Value: fmt.Sprintf("%s; %d samples", truth, s.TruthSample.Len())},
		{Name: "Grid", Value: fmt.Sprintf("model kinds %s; columns N = %s; rows K = %s", strings.Join(kindNames, ", "), strings.Join(s.Headers(), ", "), strings.Join(ks, ", "))},
	}
	for _, kind := range kinds {
		for _, m := range metrics {
			t, err := out.Table(reports.Grid(a, r.Profile, s.ID, s.Title, kind, m, cell.FKC, tableCols(s, a, kind), tableKs(s, a), true))
			if err != nil {
				return v, err
			}
			v.Tables = append(v.Tables, t)
		}
	}
	jobs := []reports.FigureJob{{Base: s.ID + "-sources", Caption: "Sources: true samples (grey) and samples of the learned models",
		Draw: func() (figure.Grid, error) { return sourcesFigure(s, r.Profile) }}}
	for _, kind := range kinds {
		jobs = append(jobs, reports.FigureJob{Base: s.ID + "-" + string(kind) + "-grid",
			Caption: fmt.Sprintf("Composed samples of the %s model, rows N, columns K, ground truth in grey", reports.KindName(kind)),
			Draw:    func() (figure.Grid, error) { return gridFigure(s, kind, r.Profile, a) }})
	}
	jobs = append(jobs, reports.FigureJob{Base: s.ID + "-sw2", Caption: "Mean SW2 against K with ± std error bars, one line per model and N",
		Draw: func() (figure.Grid, error) { return sw2Figure(s, r.Profile, a, kinds) }})
	if len(s.Loss) > 0 {
		jobs = append(jobs, reports.FigureJob{Base: s.ID + "-loss", Caption: "Training loss curves",
			Draw: func() (figure.Grid, error) { return lossFigure(s, r.Profile) }})
	} else {
		v.Absent = append(v.Absent, "No training-loss curves in this study (nothing trained for this setting, or curves not recorded).")
	}
	if len(s.SourcePanels) == 0 {
		v.Absent = append(v.Absent, "No source samples in this study; the sources figure is empty.")
	}
	figs, err := out.Figures(jobs)
	v.Figures = figs
	return v, err
}

// num formats a theorem quantity compactly but exactly enough to compare with its tolerance.
func num(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// theoremBlock is the table of the study's theorem checks (claim 8's evidence).
func theoremBlock(r *reports.Report, settings []*reports.SettingResults) reports.Block {
	mine := map[string]bool{}
	for _, s := range settings {
		mine[s.ID] = true
	}
	b := reports.Block{ID: "theorems", Title: "Theorem checks", Empty: "No theorem checks in this study.",
		Header: []string{"Theorem", "Setting", "Quantity", "Expected", "Measured", "Tolerance", "Result", "Note"}}
	for _, t := range r.Theorems {
		if !mine[t.Setting] {
			continue
		}
		res := "pass"
		if !t.Pass {
			res = "FAIL"
		}
		b.Rows = append(b.Rows, []string{t.Theorem, t.Setting, t.Quantity, num(t.Expected), num(t.Measured), num(t.Tolerance), res, t.Note})
	}
	return b
}
