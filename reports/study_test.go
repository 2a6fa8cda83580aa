package reports

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports/internal/htmlcheck"
)

// A study registered in a few lines gets its section, its verdicts and its share of the
// report's key, through the seams alone.
func init() {
	Register(Study{
		Name: "toy", Title: "A toy study", Order: 99, Families: []string{"toy-family"}, Claims: []string{"t"},
		Intro: "Registered by the tests.", RuleDefinitions: "One paired comparison.",
		Verdicts: func(r *Report, settings []*SettingResults) []Verdict {
			var out []Verdict
			for _, s := range settings {
				j := NewJudge(r, "t/"+s.ID)
				at := func(k int) CellKey {
					return CellKey{Setting: s.ID, Column: cell.Exact(), Method: cell.FKC, K: k, Metric: "sw2"}
				}
				j.Part("a", j.Effect("K=1 worse than K=4", at(1), at(4), func(x, y float64) float64 { return x - y }, true))
				out = append(out, j.Verdict("toy", "t", s.ID, "K=4 beats K=1", "paired t-test", "SW2"))
			}
			return out
		},
		Section: func(r *Report, settings []*SettingResults, out *Output) (Section, error) {
			var sec Section
			for _, s := range settings {
				t, err := out.Table(Grid(r.Agg, r.Profile, s.ID, s.Title, cell.Analytic, "sw2", cell.FKC, []cell.Column{cell.Exact()}, []int{1, 4}, true))
				if err != nil {
					return sec, err
				}
				sec.Settings = append(sec.Settings, SettingView{ID: s.ID, Title: s.Title, Facts: []Fact{{Name: "Kind", Value: "toy"}}, Tables: []GridTable{t}})
			}
			sec.Blocks = []Block{{ID: "toy-block", Title: "Toy block", Header: []string{"a"}, Rows: [][]string{{"1"}}}}
			return sec, nil
		},
		Source: fstest.MapFS{"toy.go": {Data: []byte("package toy")}},
	})
}

func toyReport() *Report {
	r := &Report{Profile: "toyprof", Protocol: Protocol{Profile: "toyprof", Runs: 4, Ks: []int{1, 4}}}
	r.Settings = []SettingResults{{Setting: cell.Setting{ID: "toy-1", Title: "Toy", Family: "toy-family", Claim: "t"}}}
	for run := range 4 {
		for _, k := range []int{1, 4} {
			c := cell.Cell{Setting: "toy-1", Column: cell.Exact(), Method: cell.FKC, K: k, Run: run}
			r.Results = append(r.Results, Result{Cell: c, NFE: float64(40 * k), Metric: "sw2", Value: 1/float64(k) + 0.01*float64(run%2)})
		}
		// A CoInD cell (λ applies) with an unknown NFE (null), listed after the paper's grid.
		c := cell.Cell{Setting: "toy-1", Column: cell.CoInDModel(100, 0.5), Method: cell.FKC, K: 1, Run: run}
		r.Results = append([]Result{{Cell: c, NFE: math.NaN(), Metric: "sw2", Value: 0.3}}, r.Results...)
	}
	return r
}

func TestStudySeam(t *testing.T) {
	r := toyReport()
	dir := t.TempDir()
	if err := Render(r, dir); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	for _, want := range []string{"# Study: A toy study", "## toy-1: Toy", "## Toy block", "### Claim t on toy-1: SUPPORTED", "| toy | t | toy-1 |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	html, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	if err := htmlcheck.SelfContained(html); err != nil {
		t.Errorf("index.html: %v", err)
	}
	if err := CheckClaimName("toy-family", "x"); err == nil || !strings.Contains(err.Error(), "use one of t") {
		t.Errorf("an unknown claim of the toy study: %v", err)
	}
	if err := CheckClaimName("nobody's", "t"); err == nil {
		t.Error("a claim on a family no study covers was accepted")
	}
	r.Settings[0].Family = "nobody's"
	if err := Render(r, t.TempDir()); err == nil || !strings.Contains(err.Error(), "no registered study") {
		t.Errorf("a setting no study covers: %v", err)
	}
}

// lambda and nfe are nulls where they do not apply (empty in the CSV), in Arrow and Parquet
// alike; the paper's grid comes first.
func TestResultsNulls(t *testing.T) {
	r := toyReport()
	dir := t.TempDir()
	if err := Render(r, dir); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[1][2] != "analytic" || rows[1][3] != "" || rows[1][8] != "40" {
		t.Errorf("first row %v: want the paper's grid first, lambda empty, nfe 40", rows[1])
	}
	last := rows[len(rows)-1]
	if last[2] != "coind" || last[3] != "0.5" || last[8] != "" {
		t.Errorf("last row %v: want coind with lambda 0.5 and an empty nfe", last)
	}
	tab, err := data.ReadFile(filepath.Join(dir, "results.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	lambda, _ := tab.Col("lambda")
	nfe, _ := tab.Col("nfe")
	n := tab.Len()
	if !lambda.IsNull(0) || lambda.IsNull(n-1) || lambda.F64[n-1] != 0.5 || nfe.IsNull(0) || !nfe.IsNull(n-1) {
		t.Errorf("arrow nulls: lambda %v, nfe %v", lambda.Null, nfe.Null)
	}
}
