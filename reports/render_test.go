package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/data/cell"
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

func gauss(g *lcg, n, d int, sd float64) Points {
	p := Points{D: d, X: make([]float64, n*d)}
	for i := range p.X {
		p.X[i] = sd * g.norm()
	}
	return p
}

func testStudy() *Study {
	g := lcg(7)
	st := &Study{Protocol: Protocol{Profile: "testprof", Runs: 3, Ks: []int{1, 4}}, Paper: &Protocol{Runs: 30, Ks: []int{1, 256}}, Profile: "testprof", Commit: "abc1234", Date: "2026-01-02", Command: "go run ./build -profile testprof report",
		Params: []Param{{"n_steps", "50"}, {"g_clip", "15"}}, Seeds: "base 1, runs 1..3",
		Stages: []StageStat{{"train", 6, 2, 4, 12.5}, {"report", 1, 1, 0, 0.3}},
		Notes:  []string{"synthetic test study"},
	}
	for _, d := range []int{2, 1} {
		id := fmt.Sprintf("toy-d%d", d)
		s := SettingResults{Setting: cell.Setting{ID: id, Title: fmt.Sprintf("Toy %d-D <Gaussians>", d), Kind: "test", Dim: d, Truth: "closed form",
			Sources: []cell.Source{{Name: "a1", Weight: 1}, {Name: "a2", Weight: 1}, {Name: "0", Weight: -1}}, Notes: []string{"a note & more"}, Claim: map[int]string{2: "6"}[d]},
			Ns: []int{100, 1000}, Exact: true, Ks: []int{1, 4},
			ModelKinds: []cell.Model{cell.Conditional, cell.Separate}, TruthInfo: "exact",
			TruthSample: gauss(&g, 300, d, 1)}
		for _, src := range s.Sources {
			sp := SourcePanel{Source: src.Name, True: gauss(&g, 200, d, 2)}
			if d == 2 {
				sp.Learned = map[cell.Column]Points{cell.Learned(cell.Conditional, 1000): gauss(&g, 150, d, 2.2), cell.Learned(cell.Separate, 100): gauss(&g, 150, d, 3)}
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
						s.Composed = append(s.Composed, ComposedPanel{col, k, gauss(&g, 250, d, 1.2)})
					}
					for run := 0; run < 3; run++ {
						c := cell.Cell{Setting: id, Column: col, Method: cell.FKC, K: k, Run: run}
						st.Results = append(st.Results,
							Result{Cell: c, Metric: "sw2", Value: 0.1 + 0.01*float64(k) + 0.01*g.norm()},
							Result{Cell: c, Metric: "mmd2", Value: 1e-3 * (1 + 0.1*g.norm())})
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
				s.Loss = append(s.Loss, LossCurve{cell.Learned(cell.Conditional, n), "", it, loss}, LossCurve{cell.Learned(cell.Separate, n), "a1", it, loss})
			}
		}
		st.Settings = append(st.Settings, s)
	}
	st.Theorems = []TheoremCheck{{Theorem: "Theorem 1", Setting: "toy-d2", Quantity: "Σw[0,0]", Expected: 1, Measured: 1.001, Tolerance: 0.01, Pass: true}}
	return st
}

func expectedFiles(st *Study) []string {
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
	st := testStudy()
	dir := t.TempDir()
	if err := Render(st, dir); err != nil {
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
	if err := checkSelfContained(html); err != nil {
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
	if len(rows) != len(st.AllResults())+1 {
		t.Errorf("results.csv: %d rows, want %d results + header", len(rows), len(st.AllResults()))
	}
	if strings.Join(rows[0], ",") != "profile,setting,model,lambda,N,method,K,run,nfe,metric,value" {
		t.Errorf("results.csv header %v", rows[0])
	}

	tab, err := data.ReadFile(filepath.Join(dir, "results.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != len(st.AllResults()) || tab.Meta["profile"] != "testprof" {
		t.Errorf("results.arrow: %d rows, profile %q", tab.Len(), tab.Meta["profile"])
	}

	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	for _, want := range []string{"profile `testprof`", "## toy-d1", "Theorem checks", "### Claim 6 on toy-d2", "### Claim 7 on toy-d2", "reduced: runs 3 (paper 30)", "go run ./build -profile testprof report", "| train | 6 | 2 | 4 | 12.5 |"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	// The caller's study is not modified by rendering.
	if st.Settings[0].Ns[0] != 100 || len(st.Settings[0].Ns) != 2 {
		t.Errorf("Render changed the study: %v", st.Settings[0].Ns)
	}
}

// checkSelfContained parses HTML with encoding/xml in non-strict mode, checks that every
// element is closed in order (void elements aside), and that src/href point only at data: URIs
// or anchors that exist in the page.
func checkSelfContained(b []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	void := map[string]bool{}
	for _, v := range xml.HTMLAutoClose {
		void[v] = true
	}
	var stack []string
	ids := map[string]bool{}
	var anchors []string
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("offset %d: %w", dec.InputOffset(), err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			for _, a := range t.Attr {
				switch strings.ToLower(a.Name.Local) {
				case "id":
					ids[a.Value] = true
				case "src", "href", "srcset", "poster", "data", "action":
					switch {
					case strings.HasPrefix(a.Value, "data:"):
					case strings.HasPrefix(a.Value, "#"):
						anchors = append(anchors, a.Value[1:])
					default:
						return fmt.Errorf("<%s %s=%q> references something outside the file", name, a.Name.Local, a.Value)
					}
				}
			}
			if name == "link" || name == "script" {
				return fmt.Errorf("<%s> element: the report must not load anything", name)
			}
			if !void[name] {
				stack = append(stack, name)
			}
		case xml.EndElement:
			name := strings.ToLower(t.Name.Local)
			if void[name] {
				continue
			}
			if len(stack) == 0 || stack[len(stack)-1] != name {
				return fmt.Errorf("offset %d: </%s> closes %v", dec.InputOffset(), name, stack)
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if bytes.Contains(t, []byte("url(")) || bytes.Contains(t, []byte("@import")) {
				return errors.New("CSS loads an external resource")
			}
		}
	}
	if len(stack) != 0 {
		return fmt.Errorf("unclosed elements %v", stack)
	}
	for _, a := range anchors {
		if !ids[a] {
			return fmt.Errorf("link to #%s, which no element has as id", a)
		}
	}
	return nil
}

func TestCheckSelfContainedRejects(t *testing.T) {
	for _, bad := range []string{
		`<html><body><p>x</body></html>`,
		`<html><body><img src="fig.png" /></body></html>`,
		`<html><body><a href="https://example.com">x</a></body></html>`,
		`<html><body><a href="#nowhere">x</a></body></html>`,
	} {
		if checkSelfContained([]byte(bad)) == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	ok := `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><br><a href="#x">x</a><p id="x">&nbsp;</p><img src="data:image/png;base64,AA=="></body></html>`
	if err := checkSelfContained([]byte(ok)); err != nil {
		t.Errorf("rejected a good page: %v", err)
	}
}

func TestTableValuesAndBest(t *testing.T) {
	c100 := func(k, run int) cell.Cell {
		return cell.Cell{Setting: "s", Column: cell.Learned(cell.Conditional, 100), K: k, Run: run}
	}
	rs := []Result{
		{Cell: c100(1, 0), Metric: "sw2", Value: 1.0}, {Cell: c100(1, 1), Metric: "sw2", Value: 1.2},
		{Cell: c100(4, 0), Metric: "sw2", Value: 0.5}, {Cell: c100(4, 1), Metric: "sw2", Value: 0.7},
		{Cell: cell.Cell{Setting: "s", Column: cell.Exact(), K: 1}, Metric: "sw2", Value: 0.2},
		{Cell: c100(1, 0), Metric: "mmd2", Value: 0.0012345}, {Cell: c100(1, 1), Metric: "mmd2", Value: 0.0012345},
	}
	s := &SettingResults{Setting: cell.Setting{ID: "s", Title: "toy"}, Ns: []int{100, 1000}, Exact: true, Ks: []int{1, 4}}
	tm, err := loadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	tab := buildTable("p", s, rs, aggregate(rs), cell.Conditional, "sw2")
	if !tab.ShowN {
		t.Error("runs differ (2 vs 1) but n is not shown")
	}
	got := [][]string{}
	for _, r := range tab.Rows {
		var row []string
		for _, c := range r.Cells {
			row = append(row, tab.CellMD(c))
		}
		got = append(got, row)
	}
	want := [][]string{
		{"1.100 ± 0.141 (n=2)", "—", "**0.200 (n=1)**"},
		{"**0.600 ± 0.141 (n=2)**", "—", "—"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("cells\n got %q\nwant %q", got, want)
	}
	var md, tex, html bytes.Buffer
	if err := tm.text.ExecuteTemplate(&md, "table.md", tab); err != nil {
		t.Fatal(err)
	}
	if err := tm.text.ExecuteTemplate(&tex, "table.tex", tab); err != nil {
		t.Fatal(err)
	}
	if err := tm.html.ExecuteTemplate(&html, "table.html", tab); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ out, want string }{
		{md.String(), "| 4 | **0.600 ± 0.141 (n=2)** | — | — |"},
		{md.String(), "| K | N=100 | N=1000 | analytical |"},
		{tex.String(), `4 & \textbf{\boldmath 0.600 $\pm$ 0.141} (n=2) & --- & --- \\`},
		{tex.String(), `\begin{tabular}{rccc}`},
		{tex.String(), `\caption{s (toy): conditional model, SW2`},
		{html.String(), `<td class="best"><strong>0.600 ± 0.141 (n=2)</strong></td>`},
		{html.String(), `<td class="missing">—</td>`},
	} {
		if !strings.Contains(c.out, c.want) {
			t.Errorf("output lacks %q:\n%s", c.want, c.out)
		}
	}
	if err := checkSelfContained(html.Bytes()); err != nil {
		t.Errorf("table fragment: %v", err)
	}
	mt := buildTable("p", s, rs, aggregate(rs), "conditional", "mmd2")
	if c := mt.Rows[0].Cells[0]; c.Mean != "1.234e-03" && c.Mean != "1.235e-03" || !c.Best {
		t.Errorf("MMD² cell %+v, want 4 significant digits, best", c)
	}
}

func TestTemplateFingerprint(t *testing.T) {
	a, b := TemplateFingerprint(), TemplateFingerprint()
	if a != b || len(a) != 64 {
		t.Fatalf("fingerprint unstable or malformed: %q %q", a, b)
	}
	base := fstest.MapFS{"a.tmpl": {Data: []byte("hello")}, "b.css": {Data: []byte("x")}}
	fp := func(m fstest.MapFS) string {
		s, err := fingerprintFS(m)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ref := fp(base)
	if fp(fstest.MapFS{"b.css": {Data: []byte("x")}, "a.tmpl": {Data: []byte("hello")}}) != ref {
		t.Error("fingerprint depends on map order")
	}
	for name, m := range map[string]fstest.MapFS{
		"byte changed": {"a.tmpl": {Data: []byte("hellp")}, "b.css": {Data: []byte("x")}},
		"file renamed": {"c.tmpl": {Data: []byte("hello")}, "b.css": {Data: []byte("x")}},
		"boundary":     {"a.tmpl": {Data: []byte("hell")}, "b.css": {Data: []byte("ox")}},
		"file added":   {"a.tmpl": {Data: []byte("hello")}, "b.css": {Data: []byte("x")}, "z": {Data: nil}},
	} {
		if fp(m) == ref {
			t.Errorf("%s: fingerprint unchanged", name)
		}
	}
}
