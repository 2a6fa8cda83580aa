package reports

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports/internal/htmlcheck"
)

func TestTableValuesAndBest(t *testing.T) {
	c100 := func(k, run int) cell.Cell {
		return cell.Cell{Setting: "s", Column: cell.Learned(cell.Conditional, 100), Method: cell.FKC, K: k, Run: run}
	}
	rs := []Result{
		{Cell: c100(1, 0), Metric: "sw2", Value: 1.0}, {Cell: c100(1, 1), Metric: "sw2", Value: 1.2},
		{Cell: c100(4, 0), Metric: "sw2", Value: 0.5}, {Cell: c100(4, 1), Metric: "sw2", Value: 0.7},
		{Cell: cell.Cell{Setting: "s", Column: cell.Exact(), Method: cell.FKC, K: 1}, Metric: "sw2", Value: 0.2},
		{Cell: c100(1, 0), Metric: "mmd2", Value: 0.0012345}, {Cell: c100(1, 1), Metric: "mmd2", Value: 0.0012345},
	}
	s := &SettingResults{Setting: cell.Setting{ID: "s", Title: "toy"}, Ns: []int{100, 1000}, Exact: true, Ks: []int{1, 4}}
	tm, err := loadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	tab := Grid(Summarize(rs), "p", "s", "toy", cell.Conditional, "sw2", cell.FKC, s.ColumnsFor(cell.Conditional), s.Ks, true)
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
	if err := htmlcheck.SelfContained(html.Bytes()); err != nil {
		t.Errorf("table fragment: %v", err)
	}
	mt := Grid(Summarize(rs), "p", "s", "toy", cell.Conditional, "mmd2", cell.FKC, s.ColumnsFor(cell.Conditional), s.Ks, true)
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
