package pipeline

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"gopkg.in/yaml.v3"

	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/pipeline/spec"
	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/stages"
)

// A second study, added in a few lines through the seams alone — a spec family, a source
// family, the family's measurement and a report study with one claim — without touching
// plan, stage or claims-engine code. Its settings are 1-D Gaussians written as center and
// spread.
type lineFamily struct{}

type lineSource struct{ Center, Spread float64 }

func (lineFamily) Build(node *yaml.Node, hdr spec.Header) (*cell.Setting, error) {
	var f struct {
		Sources []lineSource `yaml:"sources"`
	}
	if err := spec.DecodeStrict(node, &f); err != nil {
		return nil, err
	}
	s := &cell.Setting{Truth: stages.ClosedForm, Measure: &cell.Measure{Family: "line"}}
	for _, src := range f.Sources {
		p, _ := json.Marshal(src)
		s.Sources = append(s.Sources, cell.Source{Spec: cell.SourceSpec{Family: "line", Params: p}})
	}
	return s, nil
}

func init() {
	spec.RegisterFamily("line", lineFamily{})
	cell.RegisterSource("line", func(s cell.SourceSpec) (dist.Dist, error) {
		var p lineSource
		if err := json.Unmarshal(s.Params, &p); err != nil {
			return nil, err
		}
		return dist.NewGaussian([]float64{p.Center}, []float64{p.Spread * p.Spread})
	})
	stages.RegisterMeasure("line", func(_ json.RawMessage, x, _ []float64, _ int) ([]stages.Value, error) {
		m := 0.0
		for _, v := range x {
			m += v / float64(len(x))
		}
		return []stages.Value{{Metric: "mean", Value: m}}, nil
	})
	reports.Register(reports.Study{
		Name: "line", Title: "The line study", Order: 50, Families: []string{"line"}, Claims: []string{"m"},
		Verdicts: func(r *reports.Report, settings []*reports.SettingResults) []reports.Verdict {
			var out []reports.Verdict
			for _, s := range settings {
				j := reports.NewJudge(r, "m/"+s.ID)
				at := func(k int) reports.CellKey {
					return reports.CellKey{Setting: s.ID, Column: cell.Exact(), Method: cell.FKC, K: k, Metric: "mean"}
				}
				j.Part("a", j.Absence("mean at K=4 within 1 of K=1", at(4), at(1), func(x, y float64) float64 { return (x - y) * (x - y) }, 1))
				out = append(out, j.Verdict("line", "m", s.ID, "FKC keeps the mean", "equivalence on the squared change", "mean"))
			}
			return out
		},
		Uses: func(settings []*cell.Setting) []reports.Use {
			var out []reports.Use
			for _, s := range settings {
				out = append(out, reports.Use{ID: "m/" + s.ID, Settings: []string{s.ID}})
			}
			return out
		},
		Section: func(r *reports.Report, settings []*reports.SettingResults, out *reports.Output) (reports.Section, error) {
			var sec reports.Section
			for _, s := range settings {
				t, err := out.Table(reports.Grid(r.Agg, r.Profile, s.ID, s.Title, cell.Analytic, "mean", cell.FKC, []cell.Column{cell.Exact()}, s.Ks, true))
				if err != nil {
					return sec, err
				}
				sec.Settings = append(sec.Settings, reports.SettingView{ID: s.ID, Title: s.Title, Tables: []reports.GridTable{t}})
			}
			return sec, nil
		},
		Source: fstest.MapFS{"line.go": {Data: []byte("the line study")}},
	})
}

func TestStudyAddedThroughSeams(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "line.yaml")
	if err := os.WriteFile(file, []byte(`replace_settings: true
profiles:
  line: {base: smoke, ns: [], coind_ns: [], coind_lambdas: [], methods: []}
settings:
  - id: line-1
    family: line
    claim: m
    sources:
      - {name: a1, weight: 1, center: 1, spread: 1}
      - {name: a2, weight: 1, center: -1, spread: 1}
      - {name: "0", weight: -1, center: 0, spread: 2}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := smokeConfig(t, "")
	cfg.Profile, cfg.Spec = "line", file
	if _, err := runTasks(t, context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(cfg.Out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Study: The line study", "## line-1", "### Claim m on line-1", "| line | m | line-1 |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	csv, _ := os.ReadFile(filepath.Join(cfg.Out, "results.csv"))
	if !strings.Contains(string(csv), ",line-1,analytic,,analytical,fkc,4,1,") || !strings.Contains(string(csv), ",mean,") {
		t.Errorf("results.csv lacks the family's measurement rows:\n%.600s", csv)
	}
}
