package reports

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/data/cell"
)

var metrics = []string{"sw2", "mmd2"}

type figView struct {
	Base, Caption string
	PNG           htmltemplate.URL // data: URI, so index.html needs no other file
}

type settingView struct {
	S         *SettingResults
	Anchor    string
	Sources   string
	Dim       int
	TruthN    int
	Kinds     []cell.Model
	KindNames []string
	KsText    string
	Tables    []resultTable
	Figures   []figView
	Absent    []string
}

type page struct {
	St          *Study
	Verdicts    []Verdict
	Counts      string
	Settings    []settingView
	CSS         htmltemplate.CSS
	Fingerprint string
	Total       StageStat
}

// Render writes the whole report for st into outDir (created if needed); see the package
// comment for the file list. Existing files of the same names are overwritten.
func Render(st *Study, outDir string) error {
	if st == nil {
		return errors.New("reports: Render called with a nil study")
	}
	if st.Profile == "" {
		return errors.New("reports: study has no profile name; every output must name its profile")
	}
	for _, d := range []string{outDir, filepath.Join(outDir, "tables"), filepath.Join(outDir, "figures")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("reports: %w", err)
		}
	}
	tm, err := loadTemplates()
	if err != nil {
		return err
	}
	if err := writeCSV(filepath.Join(outDir, "results.csv"), st); err != nil {
		return err
	}
	if err := writeArrow(filepath.Join(outDir, "results.arrow"), st); err != nil {
		return err
	}
	if err := writeParquet(filepath.Join(outDir, "results.parquet"), st); err != nil {
		return err
	}
	if err := renderMethods(st, outDir); err != nil {
		return fmt.Errorf("reports: methods: %w", err)
	}
	a := aggregate(st.Results)
	pg := page{St: st, Verdicts: CheckClaims(st), CSS: htmltemplate.CSS(tm.css), Fingerprint: TemplateFingerprint()}
	counts := map[string]int{}
	for _, v := range pg.Verdicts {
		counts[v.Outcome]++
	}
	pg.Counts = fmt.Sprintf("%d supported, %d contradicted, %d inconclusive",
		counts[Supported], counts[Contradicted], counts[Inconclusive])
	for _, s := range st.Stages {
		pg.Total.Nodes += s.Nodes
		pg.Total.Ran += s.Ran
		pg.Total.Cached += s.Cached
		pg.Total.Seconds += s.Seconds
	}
	seen := map[string]bool{}
	for i := range st.Settings {
		s := &st.Settings[i]
		if s.ID == "" || seen[s.ID] {
			return fmt.Errorf("reports: setting %d has an empty or duplicate ID %q", i, s.ID)
		}
		seen[s.ID] = true
		v, err := renderSetting(tm, st, s, a, outDir)
		if err != nil {
			return fmt.Errorf("reports: setting %s: %w", s.ID, err)
		}
		pg.Settings = append(pg.Settings, v)
	}
	var md bytes.Buffer
	if err := tm.text.ExecuteTemplate(&md, "report.md.tmpl", pg); err != nil {
		return fmt.Errorf("reports: report.md: %w", err)
	}
	if err := os.WriteFile(filepath.Join(outDir, "report.md"), md.Bytes(), 0o644); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	var html bytes.Buffer
	if err := tm.html.ExecuteTemplate(&html, "index.html.tmpl", pg); err != nil {
		return fmt.Errorf("reports: index.html: %w", err)
	}
	if err := os.WriteFile(filepath.Join(outDir, "index.html"), html.Bytes(), 0o644); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	return nil
}

func modelKinds(s *SettingResults, rs []Result) []cell.Model {
	if len(s.ModelKinds) > 0 {
		return s.ModelKinds
	}
	var kinds []cell.Model
	for _, k := range []cell.Model{cell.Conditional, cell.Separate} {
		for _, r := range rs {
			if r.Setting == s.ID && r.Model == k {
				kinds = append(kinds, k)
				break
			}
		}
	}
	if len(kinds) == 0 {
		kinds = []cell.Model{cell.Conditional}
	}
	return kinds
}

func renderSetting(tm *templates, st *Study, orig *SettingResults, a agg, outDir string) (settingView, error) {
	sc := *orig // filled-in defaults must not leak into the caller's study
	s := &sc
	v := settingView{S: s, Anchor: "setting-" + s.ID, Dim: dimOf(s), TruthN: s.TruthSample.Len(), Kinds: modelKinds(s, st.Results)}
	for _, k := range v.Kinds {
		v.KindNames = append(v.KindNames, string(k))
	}
	var src []string
	for i, x := range s.Sources {
		src = append(src, x.Name+weightOf(s, i))
	}
	v.Sources = strings.Join(src, ", ")
	var ks []string
	for _, k := range tableKs(s, st.Results) {
		ks = append(ks, strconv.Itoa(k))
	}
	v.KsText = strings.Join(ks, ", ")
	if len(s.Ns) == 0 && !s.Exact { // keep the header line and the tables in agreement
		s.Ns, s.Exact = gridOf(st.Results, s.ID)
	}

	for _, kind := range v.Kinds {
		for _, m := range metrics {
			t := buildTable(st.Profile, s, st.Results, a, kind, m)
			var md, tex bytes.Buffer
			var html strings.Builder
			if err := tm.text.ExecuteTemplate(&md, "table.md", t); err != nil {
				return v, err
			}
			if err := tm.text.ExecuteTemplate(&tex, "table.tex", t); err != nil {
				return v, err
			}
			if err := tm.html.ExecuteTemplate(&html, "table.html", t); err != nil {
				return v, err
			}
			t.MD, t.TeX, t.HTML = md.String(), tex.String(), htmltemplate.HTML(html.String())
			base := filepath.Join(outDir, "tables", t.Base)
			for ext, b := range map[string]string{".md": t.MD, ".tex": t.TeX, ".html": html.String()} {
				if err := os.WriteFile(base+ext, []byte(b), 0o644); err != nil {
					return v, err
				}
			}
			v.Tables = append(v.Tables, t)
		}
	}

	type fig struct {
		base, caption string
		make          func() (grid, error)
	}
	figs := []fig{{s.ID + "-sources", "Sources: true samples (grey) and samples of the learned models", func() (grid, error) { return sourcesFigure(s, st.Profile) }}}
	for _, kind := range v.Kinds {
		figs = append(figs, fig{s.ID + "-" + string(kind) + "-grid",
			fmt.Sprintf("Composed samples of the %s model, rows N, columns K, ground truth in grey", kindName(kind)),
			func() (grid, error) { return gridFigure(s, kind, st.Profile, st.Results) }})
	}
	figs = append(figs, fig{s.ID + "-sw2", "Mean SW2 against K with ± std error bars, one line per model and N",
		func() (grid, error) { return sw2Figure(s, st.Profile, st.Results, a, v.Kinds) }})
	if len(s.Loss) > 0 {
		figs = append(figs, fig{s.ID + "-loss", "Training loss curves", func() (grid, error) { return lossFigure(s, st.Profile) }})
	} else {
		v.Absent = append(v.Absent, "No training-loss curves in this study (nothing trained for this setting, or curves not recorded).")
	}
	if len(s.SourcePanels) == 0 {
		v.Absent = append(v.Absent, "No source samples in this study; the sources figure is empty.")
	}
	// Figures are independent and drawing them dominates the report's time: draw them on
	// every core, then write and embed them in their fixed order.
	type drawn struct{ png, svg []byte }
	out := make([]drawn, len(figs))
	var eg errgroup.Group
	eg.SetLimit(runtime.NumCPU())
	for i, f := range figs {
		eg.Go(func() error {
			g, err := f.make()
			if err == nil {
				out[i].png, out[i].svg, err = g.render()
			}
			if err != nil {
				return fmt.Errorf("figure %s: %w", f.base, err)
			}
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return v, err
	}
	for i, f := range figs {
		base := filepath.Join(outDir, "figures", f.base)
		if err := os.WriteFile(base+".png", out[i].png, 0o644); err != nil {
			return v, err
		}
		if err := os.WriteFile(base+".svg", out[i].svg, 0o644); err != nil {
			return v, err
		}
		v.Figures = append(v.Figures, figView{Base: f.base, Caption: f.caption,
			PNG: htmltemplate.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(out[i].png))})
	}
	return v, nil
}

func writeCSV(path string, st *Study) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"profile", "setting", "model", "lambda", "N", "method", "K", "run", "nfe", "metric", "value"})
	for _, r := range st.AllResults() {
		lambda := ""
		if r.Model == cell.CoInD {
			lambda = strconv.FormatFloat(r.Lambda, 'g', -1, 64)
		}
		_ = w.Write([]string{st.Profile, r.Setting, string(r.Model), lambda, nText(r.Column), string(r.Method),
			strconv.Itoa(r.K), strconv.Itoa(r.Run), strconv.FormatFloat(r.NFE, 'g', -1, 64), r.Metric,
			strconv.FormatFloat(r.Value, 'g', -1, 64)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("reports: results.csv: %w", err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	return nil
}

// canonicalNaN marks "no λ": the quiet NaN with an empty payload, which readers that go
// through a JavaScript number (arrow-js) reproduce bit for bit, unlike math.NaN()'s.
var canonicalNaN = math.Float64frombits(0x7ff8000000000000)

// resultsTable is the long-format table of every cell (the paper's grid and the other
// methods); the profile and provenance travel as metadata. lambda is CoInD's penalty weight
// and NaN for every other model; nfe is the network evaluations per output sample.
func resultsTable(st *Study) *data.Table {
	all := st.AllResults()
	n := len(all)
	setting, model, ns, method, metric := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	k, run := make([]int64, n), make([]int64, n)
	lambda, nfe, val := make([]float64, n), make([]float64, n), make([]float64, n)
	for i, r := range all {
		setting[i], model[i], ns[i], method[i], metric[i] = r.Setting, string(r.Model), nText(r.Column), string(r.Method), r.Metric
		k[i], run[i], nfe[i], val[i] = int64(r.K), int64(r.Run), r.NFE, r.Value
		lambda[i] = canonicalNaN
		if r.Model == cell.CoInD {
			lambda[i] = r.Lambda
		}
	}
	return &data.Table{
		Cols: []data.Column{
			{Name: "setting", Str: setting}, {Name: "model", Str: model}, {Name: "lambda", F64: lambda}, {Name: "N", Str: ns},
			{Name: "method", Str: method}, {Name: "K", I64: k}, {Name: "run", I64: run}, {Name: "nfe", F64: nfe},
			{Name: "metric", Str: metric}, {Name: "value", F64: val},
		},
		Meta: map[string]string{"profile": st.Profile, "commit": st.Commit, "date": st.Date,
			"command": st.Command, "seeds": st.Seeds},
	}
}

// nText is a column's pool size as the long-format files write it: the number, or
// "analytical" for exact scores (the paper's column label).
func nText(c cell.Column) string {
	if c.IsExact() {
		return "analytical"
	}
	return strconv.Itoa(c.N)
}

func writeArrow(path string, st *Study) error {
	if err := data.WriteFile(path, resultsTable(st)); err != nil {
		return fmt.Errorf("reports: results.arrow: %w", err)
	}
	// The store writes private temp files; a report is for sharing like its siblings.
	return os.Chmod(path, 0o644)
}

// writeParquet writes the same table as results.arrow for Parquet tools (DuckDB, polars,
// Spark read it without an Arrow IPC reader).
func writeParquet(path string, st *Study) error {
	if err := data.WriteParquetFile(path, resultsTable(st)); err != nil {
		return fmt.Errorf("reports: results.parquet: %w", err)
	}
	return os.Chmod(path, 0o644)
}
