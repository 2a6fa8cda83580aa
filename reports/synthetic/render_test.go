package synthetic

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/reports/internal/htmlcheck"
)

// lcg is a tiny deterministic generator so the test study needs no rng package.
type lcg uint64

func (g *lcg) norm() float64 {
	u := func() float64 {
		*g = *g*6364136223846793005 + 1442695040888963407
		return (float64(*g>>11) + 0.5) / (1 << 53)
	}
	return math.Sqrt(-2*math.Log(u())) * math.Cos(2*math.Pi*u())
}

func gauss(g *lcg, n, d int, sd float64) reports.Points {
	p := reports.Points{D: d, X: make([]float64, n*d)}
	for i := range p.X {
		p.X[i] = sd * g.norm()
	}
	return p
}

func testReport() *reports.Report {
	g := lcg(7)
	st := &reports.Report{Protocol: reports.Protocol{Profile: "testprof", Runs: 3, Ks: []int{1, 4}}, Paper: &reports.Protocol{Runs: 30, Ks: []int{1, 256}}, Profile: "testprof", Commit: "abc1234", Date: "2026-01-02", Command: "go run ./build -profile testprof report",
		Params: []reports.Param{{Name: "n_steps", Value: "50"}, {Name: "g_clip", Value: "15"}}, Seeds: "base 1, runs 1..3",
		Stages: []reports.StageStat{{Stage: "train", Nodes: 6, Ran: 2, Cached: 4, Seconds: 12.5}, {Stage: "report", Nodes: 1, Ran: 1, Seconds: 0.3}},
		Notes:  []string{"synthetic test study"},
	}
	for _, d := range []int{2, 1} {
		id := fmt.Sprintf("toy-d%d", d)
		s := reports.SettingResults{Setting: cell.Setting{ID: id, Title: fmt.Sprintf("Toy %d-D <Gaussians>", d), Kind: "test", Family: "gaussian", Dim: d, Truth: "closed form",
			Sources: []cell.Source{{Name: "a1", Weight: 1}, {Name: "a2", Weight: 1}, {Name: "0", Weight: -1}}, Notes: []string{"a note & more"}, Claim: map[int]string{2: "6"}[d]},
			Ns: []int{100, 1000}, Exact: true, Ks: []int{1, 4},
			ModelKinds: []cell.Model{cell.Conditional, cell.Separate}, TruthInfo: "exact",
			TruthSample: gauss(&g, 300, d, 1)}
		for _, src := range s.Sources {
			sp := reports.SourcePanel{Source: src.Name, True: gauss(&g, 200, d, 2)}
			if d == 2 {
				sp.Learned = map[cell.Column]reports.Points{cell.Learned(cell.Conditional, 1000): gauss(&g, 150, d, 2.2), cell.Learned(cell.Separate, 100): gauss(&g, 150, d, 3)}
			}
			s.SourcePanels = append(s.SourcePanels, sp)
		}
		for _, m := range []cell.Model{cell.Conditional, cell.Separate, cell.Analytic} {
			cols := []cell.Column{cell.Learned(m, 100), cell.Learned(m, 1000)}
			if m == cell.Analytic {
				cols = []cell.Column{cell.Exact()}
			}
			for _, col := range cols {
				for _, k := range s.Ks {
					if !(m == cell.Separate && col.N == 100 && k == 4) { // one grid cell left empty on purpose
						s.Composed = append(s.Composed, reports.ComposedPanel{Column: col, K: k, X: gauss(&g, 250, d, 1.2)})
					}
					for run := 0; run < 3; run++ {
						c := cell.Cell{Setting: id, Column: col, Method: cell.FKC, K: k, Run: run}
						st.Results = append(st.Results,
							reports.Result{Cell: c, Metric: "sw2", Value: 0.1 + 0.01*float64(k) + 0.01*g.norm()},
							reports.Result{Cell: c, Metric: "mmd2", Value: 1e-3 * (1 + 0.1*g.norm())})
					}
				}
			}
		}
		if d == 2 {
			for _, n := range []int{100, 1000} {
				it := make([]int, 300)
				loss := make([]float64, 300)
				for i := range it {
					it[i], loss[i] = i*10, 1/(1+0.01*float64(i))+0.05*math.Abs(g.norm())
				}
				s.Loss = append(s.Loss, reports.LossCurve{Column: cell.Learned(cell.Conditional, n), Iter: it, Loss: loss}, reports.LossCurve{Column: cell.Learned(cell.Separate, n), Source: "a1", Iter: it, Loss: loss})
			}
		}
		st.Settings = append(st.Settings, s)
	}
	st.Theorems = []reports.TheoremCheck{{Theorem: "Theorem 1", Setting: "toy-d2", Quantity: "Σw[0,0]", Expected: 1, Measured: 1.001, Tolerance: 0.01, Pass: true}}
	return st
}

func expectedFiles(st *reports.Report) []string {
	files := []string{"results.csv", "results.arrow", "results.parquet", "report.md", "index.html"}
	for _, s := range st.Settings {
		for _, kind := range s.ModelKinds {
			for _, m := range metrics {
				for _, ext := range []string{"md", "html", "tex"} {
					files = append(files, fmt.Sprintf("tables/%s-%s-%s.%s", s.ID, string(kind), m, ext))
				}
			}
		}
		figs := []string{s.ID + "-sources", s.ID + "-sw2"}
		for _, kind := range s.ModelKinds {
			figs = append(figs, s.ID+"-"+string(kind)+"-grid")
		}
		if len(s.Loss) > 0 {
			figs = append(figs, s.ID+"-loss")
		}
		for _, f := range figs {
			files = append(files, "figures/"+f+".png", "figures/"+f+".svg")
		}
	}
	return files
}

func TestRender(t *testing.T) {
	st := testReport()
	dir := t.TempDir()
	if err := reports.Render(st, dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range expectedFiles(st) {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Errorf("missing output: %v", err)
			continue
		}
		if len(b) == 0 {
			t.Errorf("%s is empty", f)
		}
		// Every output names its profile (PNG pixels aside; their SVG twins carry the title).
		if !strings.HasSuffix(f, ".png") && !strings.HasSuffix(f, ".arrow") && !bytes.Contains(b, []byte("testprof")) {
			t.Errorf("%s does not name the profile", f)
		}
	}

	html, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	if err := htmlcheck.SelfContained(html); err != nil {
		t.Errorf("index.html: %v", err)
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
	if len(rows) != len(st.Results)+1 {
		t.Errorf("results.csv: %d rows, want %d results + header", len(rows), len(st.Results))
	}
	if strings.Join(rows[0], ",") != "profile,setting,model,lambda,N,method,K,run,nfe,metric,value" {
		t.Errorf("results.csv header %v", rows[0])
	}

	tab, err := data.ReadFile(filepath.Join(dir, "results.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != len(st.Results) || tab.Meta["profile"] != "testprof" {
		t.Errorf("results.arrow: %d rows, profile %q", tab.Len(), tab.Meta["profile"])
	}

	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	for _, want := range []string{"profile `testprof`", "## toy-d1", "Theorem checks", "### Claim 6 on toy-d2", "### Claim 7 on toy-d2", "## Theorem checks", "reduced: runs 3 (paper 30)", "go run ./build -profile testprof report", "| train | 6 | 2 | 4 | 12.5 |"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	// The caller's study is not modified by rendering.
	if st.Settings[0].Ns[0] != 100 || len(st.Settings[0].Ns) != 2 {
		t.Errorf("Render changed the study: %v", st.Settings[0].Ns)
	}
}
