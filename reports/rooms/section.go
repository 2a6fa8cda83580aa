package rooms

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/compdiff/compdiff/core/room"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/reports/figure"
)

// nearlyAll is what "nearly all of its mass on couch+X" (the paper, of both its ID and its
// OOD target) means here: at least 0.9 of the target's class weight.
const nearlyAll = 0.9

// tableMetrics are the tables of every setting, per model kind: rows K, columns N/exact.
var tableMetrics = []struct{ metric, label string }{
	{room.MetricAll, "share of the all-objects class"},
	{room.MetricPartial, "share with some objects only"},
	{room.MetricInvalid, "invalid share"},
	{room.MetricTV, "TV to the target's class weights"},
	{"sw2", "SW2 (pixel space)"},
	{"mmd2", "MMD² (pixel space)"},
}

// section draws every room setting, then the target class weights of all of them beside
// the paper's description, and their theorem checks.
func section(r *reports.Report, settings []*reports.SettingResults, out *reports.Output) (reports.Section, error) {
	var sec reports.Section
	targets := reports.Block{ID: "rooms-targets", Title: "The exact targets' class weights and the paper's description",
		Text:   "The paper says the composed target puts nearly all of its mass on couch+X, of both its ID and its OOD configuration. Here 'nearly all' = at least 0.9.",
		Header: []string{"Setting", "Sources' class weights", "Target's class weights (exact)", "Paper", "Agrees?"}}
	for _, s := range settings {
		rs, err := readRoom(&s.Setting)
		if err != nil {
			return sec, err
		}
		v, err := settingView(r, s, rs, out)
		if err != nil {
			return sec, fmt.Errorf("setting %s: %w", s.ID, err)
		}
		sec.Settings = append(sec.Settings, v)
		targets.Rows = append(targets.Rows, []string{s.ID, sourceList(s, rs), classList(rs.spec, rs.target),
			"nearly all of its mass on " + allName(rs.spec), agreement(rs)})
	}
	sec.Blocks = append(sec.Blocks, targets, theoremBlock(r, settings))
	return sec, nil
}

// allName is the all-objects class ("couch+painting").
func allName(sp room.Spec) string { return room.ClassName(sp, room.NumClasses(sp)-1) }

// agreement says plainly whether the exact target puts nearly all its mass on couch+X.
func agreement(rs *roomSetting) string {
	all := rs.target[len(rs.target)-1]
	if all >= nearlyAll {
		return fmt.Sprintf("yes: %.4g on %s", all, allName(rs.spec))
	}
	var alone []string
	for c := 1; c < len(rs.target)-1; c++ {
		alone = append(alone, fmt.Sprintf("%.4g on %s", rs.target[c], room.ClassName(rs.spec, c)))
	}
	return fmt.Sprintf("NO: the exact target puts only %.4g on %s (and %s) — not nearly all of its mass", all, allName(rs.spec), strings.Join(alone, ", "))
}

func sourceList(s *reports.SettingResults, rs *roomSetting) string {
	var parts []string
	for i, src := range s.Sources {
		parts = append(parts, fmt.Sprintf("%s (%+g): %s", src.Name, src.Weight, classList(rs.spec, rs.sources[i])))
	}
	return strings.Join(parts, "; ")
}

// modelKinds are the learned kinds the setting's tables show.
func modelKinds(s *reports.SettingResults, a *reports.Aggregate) []cell.Model {
	if len(s.ModelKinds) > 0 {
		return s.ModelKinds
	}
	if kinds := a.Models(s.ID, cell.Conditional, cell.Separate); len(kinds) > 0 {
		return kinds
	}
	return []cell.Model{cell.Conditional}
}

func settingView(r *reports.Report, orig *reports.SettingResults, rs *roomSetting, out *reports.Output) (reports.SettingView, error) {
	sc := *orig // filled-in defaults must not leak into the caller's report
	s := &sc
	a := r.Agg
	if len(s.Ns) == 0 && !s.Exact {
		s.Ns, s.Exact = a.Grid(s.ID)
	}
	ks := s.Ks
	if len(ks) == 0 {
		ks = a.Ks(s.ID, cell.FKC)
	}
	kinds := modelKinds(s, a)
	v := reports.SettingView{ID: s.ID, Title: s.Title, Notes: s.Notes}
	fact := "yes: Theorem 3 applies (g ≡ 0 with exact scores)"
	if rs.factorized != nil {
		fact = "no — " + strings.TrimPrefix(rs.factorized.Error(), "factorized: ")
	}
	truth := s.Truth
	if s.TruthInfo != "" {
		truth += " (" + s.TruthInfo + ")"
	}
	var objs []string
	for _, o := range rs.spec.Objects {
		objs = append(objs, fmt.Sprintf("%s (%d placements)", o.Name, len(o.Placements)))
	}
	tmpl, _ := room.Templates(rs.spec)
	v.Facts = []reports.Fact{
		{Name: "Kind", Value: s.Kind},
		{Name: "Room", Value: fmt.Sprintf("%d×%d pixels, %s; %d templates; pixel noise σ0 = %g", rs.spec.Height, rs.spec.Width, strings.Join(objs, ", "), len(tmpl), rs.spec.Noise)},
		{Name: "Sources' class weights", Value: sourceList(s, rs)},
		{Name: "Target's class weights (exact)", Value: classList(rs.spec, rs.target)},
		{Name: "The paper's description", Value: "nearly all of its mass on " + allName(rs.spec) + " — " + agreement(rs)},
		{Name: "Factorized", Value: fact},
		{Name: "Ground truth", Value: fmt.Sprintf("%s; %d samples", truth, s.TruthSample.Len())},
		{Name: "Grid", Value: fmt.Sprintf("model kinds %s; columns N = %s; rows K = %s", kindNames(kinds), strings.Join(s.Headers(), ", "), ints(ks))},
	}
	for _, kind := range kinds {
		for _, m := range tableMetrics {
			t := reports.Grid(a, r.Profile, s.ID, s.Title, kind, m.metric, cell.FKC, s.ColumnsFor(kind), ks, true)
			if m.metric != "sw2" && m.metric != "mmd2" && m.metric != room.MetricTV {
				for i := range t.Rows { // a share is not better for being larger or smaller
					for j := range t.Rows[i].Cells {
						t.Rows[i].Cells[j].Best = false
					}
				}
			}
			t.MetricLabel = m.label
			t.Caption = strings.Replace(t.DefaultCaption(), "; best per column in bold", bestNote(m.metric), 1)
			t, err := out.Table(t)
			if err != nil {
				return v, err
			}
			v.Tables = append(v.Tables, t)
		}
	}
	jobs := []reports.FigureJob{
		{Base: s.ID + "-samples", Caption: "Samples as images (run 0, the first 16 of each cell): naive (K = 1) and FKC at the largest K, exact and learned scores, the true target last. Grey levels: −1 black, +1 white.",
			Draw: func() (figure.Grid, error) { return samplesFigure(s, rs, ks, kinds) }},
		{Base: s.ID + "-shares", Caption: "Class shares against K (mean over runs), one panel per score model, the exact target's class weights as the last bar; invalid on top.",
			Draw: func() (figure.Grid, error) { return sharesFigure(s, rs, a, ks, kinds) }},
	}
	figs, err := out.Figures(jobs)
	v.Figures = figs
	return v, err
}

func bestNote(metric string) string {
	if metric == "sw2" || metric == "mmd2" || metric == room.MetricTV {
		return "; best (lowest) per column in bold"
	}
	return ""
}

func kindNames(kinds []cell.Model) string {
	var out []string
	for _, k := range kinds {
		out = append(out, string(k))
	}
	return strings.Join(out, ", ")
}

func ints(v []int) string {
	var out []string
	for _, x := range v {
		out = append(out, strconv.Itoa(x))
	}
	return strings.Join(out, ", ")
}

// theoremBlock lists the theorem checks of the room settings.
func theoremBlock(r *reports.Report, settings []*reports.SettingResults) reports.Block {
	b := reports.Block{ID: "rooms-theorems", Title: "Theorem 3 on the room settings", Empty: "No theorem checks (no ground truth of a base composition).",
		Header: []string{"Setting", "Quantity", "Expected", "Measured", "Tolerance", "Result", "Note"}}
	ids := make([]string, len(settings))
	for i, s := range settings {
		ids[i] = s.ID
	}
	for _, t := range r.Theorems {
		if !slices.Contains(ids, t.Setting) {
			continue
		}
		res := "pass"
		if !t.Pass {
			res = "FAIL"
		}
		b.Rows = append(b.Rows, []string{t.Setting, t.Quantity, num(t.Expected), num(t.Measured), num(t.Tolerance), res, t.Note})
	}
	return b
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
