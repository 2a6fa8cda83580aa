package reports

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/compdiff/compdiff/data/cell"
)

// TableCell is one formatted cell; the renderers only add markup.
type TableCell struct {
	Mean, SD  string // formatted; SD "" when fewer than 2 runs
	N         int
	NonFinite int
	Best      bool
	Missing   bool
}

// TableRow is one row of a grid table: K (or another row coordinate) and its cells.
type TableRow struct {
	K     int
	Cells []TableCell
}

// GridTable is one paper-layout table: rows K, columns the score models (learned N, then
// "analytical"), each cell mean ± std over runs of one metric.
type GridTable struct {
	Base                string // file base name, e.g. <setting>-<model>-<metric>
	Setting, Title      string
	Model               cell.Model
	Metric, MetricLabel string
	Profile             string
	Cols                []string
	Rows                []TableRow
	ShowN               bool
	Runs                int    // common run count when ShowN is false
	LowerIsBetter       bool   // mark the column minimum as best (else the maximum)
	Caption             string // the whole caption; a default one is written when empty
	MD, TeX             string
	HTML                template.HTML // fragment rendered by html/template
}

var metricLabels = map[string]string{"sw2": "SW2", "mmd2": "MMD²", "escaped": "escaped share"}

// MetricLabel is a metric as tables print it ("SW2", "MMD²", else the name).
func MetricLabel(m string) string {
	if l, ok := metricLabels[m]; ok {
		return l
	}
	return m
}

// FormatMetric formats a value: MMD² with 4 significant digits, others with 3 decimals.
func FormatMetric(metric string, v float64) string {
	if metric == "mmd2" {
		return strconv.FormatFloat(v, 'e', 3, 64)
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

// Grid builds the table of one metric over (K, column) cells of sampler m for a setting; the
// best cell per column (lowest when lower is better) is marked on the printed value.
func Grid(a *Aggregate, profile, setting, title string, model cell.Model, metric string, method cell.Method,
	cols []cell.Column, ks []int, lowerIsBetter bool) GridTable {
	t := GridTable{
		Base: fmt.Sprintf("%s-%s-%s", setting, model, metric), Setting: setting, Title: title,
		Model: model, Metric: metric, MetricLabel: MetricLabel(metric), Profile: profile, LowerIsBetter: lowerIsBetter,
	}
	for _, c := range cols {
		t.Cols = append(t.Cols, c.Header())
	}
	runs := map[int]bool{}
	best := make([]float64, len(cols))
	sign := 1.0
	if !lowerIsBetter {
		sign = -1
	}
	for j := range best {
		best[j] = math.Inf(1)
	}
	for _, k := range ks {
		row := TableRow{K: k}
		for j, col := range cols {
			c, ok := a.Stat(CellKey{Setting: setting, Column: col, Method: method, K: k, Metric: metric})
			tc := TableCell{Missing: !ok || c.N == 0, N: c.N, NonFinite: c.NonFinite}
			if !tc.Missing {
				tc.Mean = FormatMetric(metric, c.Mean)
				if c.N > 1 {
					tc.SD = FormatMetric(metric, c.SD)
				}
				runs[c.N+c.NonFinite] = true
				best[j] = math.Min(best[j], sign*c.Mean)
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
			c.Best = !c.Missing && c.Mean == FormatMetric(metric, sign*best[j])
		}
	}
	t.ShowN = len(runs) > 1
	for r := range runs {
		t.Runs = r
	}
	t.Caption = t.DefaultCaption()
	return t
}

// DefaultCaption names setting, model kind, metric and profile.
func (t GridTable) DefaultCaption() string {
	over := "over runs; n per cell"
	if !t.ShowN {
		over = fmt.Sprintf("over %d runs", t.Runs)
	}
	return fmt.Sprintf("%s (%s): %s model, %s, mean ± std %s; best per column in bold; rows K (FKC particles), columns N (training pool). Profile %s.",
		t.Setting, t.Title, KindName(t.Model), t.MetricLabel, over, t.Profile)
}

// KindName is a model kind as captions say it ("separate-experts" for separate).
func KindName(model cell.Model) string {
	if model == cell.Separate {
		return "separate-experts"
	}
	return string(model)
}

// CellText is the plain text of a cell: "m ± s", "—" if missing, with n when runs differ.
func (t GridTable) CellText(c TableCell) string {
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

func (t GridTable) CellTeX(c TableCell) string {
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

func (t GridTable) CellMD(c TableCell) string {
	s := t.CellText(c)
	if c.Best {
		s = "**" + s + "**"
	}
	return s
}

var mdEscaper = strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;")

// mdEscape keeps text from breaking a table row or being read as an HTML tag.
func mdEscape(s string) string { return mdEscaper.Replace(s) }
