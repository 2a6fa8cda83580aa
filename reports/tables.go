package reports

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/compdiff/compdiff/data/cell"
)

// tableCell is one formatted cell; the renderers only add markup.
type tableCell struct {
	Mean, SD  string // formatted; SD "" when fewer than 2 runs
	N         int
	NonFinite int
	Best      bool
	Missing   bool
}

type tableRow struct {
	K     int
	Cells []tableCell
}

// resultTable is one paper-layout table: rows K, columns N (learned, then "analytical").
type resultTable struct {
	Base                string // file base name: <setting>-<model>-<metric>
	Setting, Title      string
	Model               cell.Model
	Metric, MetricLabel string
	Profile             string
	Cols                []string
	Rows                []tableRow
	ShowN               bool
	Runs                int // common run count when ShowN is false
	MD, TeX             string
	HTML                template.HTML // fragment rendered by html/template
}

var metricLabels = map[string]string{"sw2": "SW2", "mmd2": "MMD²"}
var metricTeX = map[string]string{"sw2": `$\mathrm{SW}_2$`, "mmd2": `$\mathrm{MMD}^2$`}

// fmtMetric formats a value: SW2 with 3 decimals, MMD² with 4 significant digits.
func fmtMetric(metric string, v float64) string {
	if metric == "mmd2" {
		return strconv.FormatFloat(v, 'e', 3, 64)
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

// tableCols is the column order of one model kind's table: the setting's grid, or what the
// results hold.
func tableCols(s *SettingResults, rs []Result, model cell.Model) []cell.Column {
	if len(s.Ns) > 0 || s.Exact {
		return s.ColumnsFor(model)
	}
	ns, exact := gridOf(rs, s.ID)
	g := SettingResults{Ns: ns, Exact: exact}
	return g.ColumnsFor(model)
}

func tableKs(s *SettingResults, rs []Result) []int {
	if len(s.Ks) > 0 {
		return s.Ks
	}
	return ksOf(rs, s.ID)
}

func buildTable(profile string, s *SettingResults, rs []Result, a agg, model cell.Model, metric string) resultTable {
	t := resultTable{
		Base: fmt.Sprintf("%s-%s-%s", s.ID, model, metric), Setting: s.ID, Title: s.Title,
		Model: model, Metric: metric, MetricLabel: metricLabels[metric], Profile: profile,
	}
	cols := tableCols(s, rs, model)
	for _, c := range cols {
		t.Cols = append(t.Cols, c.Header())
	}
	runs := map[int]bool{}
	best := make([]float64, len(cols))
	for j := range best {
		best[j] = math.Inf(1)
	}
	for _, k := range tableKs(s, rs) {
		row := tableRow{K: k}
		for j, col := range cols {
			c, ok := a[cellKey{s.ID, col, k, metric}]
			tc := tableCell{Missing: !ok || c.N == 0, N: c.N, NonFinite: c.NonFinite}
			if !tc.Missing {
				tc.Mean = fmtMetric(metric, c.Mean)
				if c.N > 1 {
					tc.SD = fmtMetric(metric, c.SD)
				}
				runs[c.N+c.NonFinite] = true
				best[j] = math.Min(best[j], c.Mean)
			}
			row.Cells = append(row.Cells, tc)
		}
		t.Rows = append(t.Rows, row)
	}
	// Best is compared on the printed value so ties that look equal are all marked.
	for j := range cols {
		if math.IsInf(best[j], 1) {
			continue
		}
		for i := range t.Rows {
			c := &t.Rows[i].Cells[j]
			c.Best = !c.Missing && c.Mean == fmtMetric(metric, best[j])
		}
	}
	t.ShowN = len(runs) > 1
	for r := range runs {
		t.Runs = r
	}
	return t
}

// Caption names setting, model kind, metric and profile.
func (t resultTable) Caption() string {
	over := "over runs; n per cell"
	if !t.ShowN {
		over = fmt.Sprintf("over %d runs", t.Runs)
	}
	return fmt.Sprintf("%s (%s): %s model, %s, mean ± std %s; best per column in bold; rows K (FKC particles), columns N (training pool). Profile %s.",
		t.Setting, t.Title, kindName(t.Model), t.MetricLabel, over, t.Profile)
}

func kindName(model cell.Model) string {
	if model == cell.Separate {
		return "separate-experts"
	}
	return string(model)
}

// CellText is the plain text of a cell: "m ± s", "—" if missing, with n when runs differ.
func (t resultTable) CellText(c tableCell) string {
	if c.Missing {
		if c.NonFinite > 0 {
			return fmt.Sprintf("diverged (%d)", c.NonFinite)
		}
		return "—"
	}
	s := c.Mean
	if c.SD != "" {
		s += " ± " + c.SD
	}
	if t.ShowN {
		s += fmt.Sprintf(" (n=%d)", c.N)
	}
	if c.NonFinite > 0 {
		s += fmt.Sprintf(" +%d diverged", c.NonFinite)
	}
	return s
}

var texEscaper = strings.NewReplacer(`\`, `\textbackslash{}`, `{`, `\{`, `}`, `\}`, `_`, `\_`, `%`, `\%`,
	`&`, `\&`, `#`, `\#`, `$`, `\$`, `^`, `\^{}`, `~`, `\~{}`, `<`, `\textless{}`, `>`, `\textgreater{}`, "±", `$\pm$`, "²", `$^2$`, "—", `---`)

func texEscape(s string) string { return texEscaper.Replace(s) }

// texNum writes 1.234e-03 as $1.234\times10^{-3}$.
func texNum(s string) string {
	if i := strings.IndexByte(s, 'e'); i > 0 {
		exp, err := strconv.Atoi(s[i+1:])
		if err == nil {
			return fmt.Sprintf(`$%s\times10^{%d}$`, s[:i], exp)
		}
	}
	return s
}

func (t resultTable) CellTeX(c tableCell) string {
	if c.Missing {
		return texEscape(t.CellText(c))
	}
	s := texNum(c.Mean)
	if c.SD != "" {
		s += ` $\pm$ ` + texNum(c.SD)
	}
	if c.Best { // \boldmath so the math-mode parts are bold too
		s = `\textbf{\boldmath ` + s + `}`
	}
	if t.ShowN {
		s += fmt.Sprintf(" (n=%d)", c.N)
	}
	if c.NonFinite > 0 {
		s += fmt.Sprintf(" +%d diverged", c.NonFinite)
	}
	return s
}

func (t resultTable) CellMD(c tableCell) string {
	s := t.CellText(c)
	if c.Best {
		s = "**" + s + "**"
	}
	return s
}

var mdEscaper = strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;")

// mdEscape keeps text from breaking a table row or being read as an HTML tag.
func mdEscape(s string) string { return mdEscaper.Replace(s) }
