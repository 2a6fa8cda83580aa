// Package methods writes methods.md: the composition methods (FKC over K, the naive ODE,
// SuperDiff AND/OR, CoInD) side by side at their compute on every setting, the coverage
// diagnostic against the errors it should predict, and computed findings on the claims'
// statistics. It reads the report's aggregate; it is registered as a document of the report.
package methods

import (
	"embed"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// row is one (setting, column, sampler) aggregated over runs: SW2's mean and standard error.
type row struct {
	Setting, Column, Label string
	Col                    cell.Column
	NFE, SW2, SE           float64
	Runs                   int
}

// label is a sampler as the tables show it: "fkc K=4", "superdiff-and".
func label(k reports.CellKey) string {
	if k.Method == cell.FKC {
		return fmt.Sprintf("fkc K=%d", k.K)
	}
	return string(k.Method)
}

// rows reads every cell's SW2 from the aggregate, ordered by setting, column and NFE.
func rows(a *reports.Aggregate) []row {
	var out []row
	for _, k := range a.Keys() {
		if k.Metric != "sw2" {
			continue
		}
		c, ok := a.Cell(k)
		if !ok {
			continue
		}
		out = append(out, row{Setting: k.Setting, Column: k.Column.String(), Col: k.Column, Label: label(k), NFE: c.NFE,
			SW2: c.Mean, SE: c.SD / math.Sqrt(float64(c.N)), Runs: c.N})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Setting != b.Setting {
			return a.Setting < b.Setting
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.NFE < b.NFE
	})
	return out
}

//go:embed *.go
var source embed.FS

func init() {
	reports.RegisterDocument(reports.Document{Name: "methods.md", Render: render, Source: source})
}

// render writes methods.md from every cell of the report (per setting a sampler × model
// table of SW2 with each sampler's NFE, the coverage diagnostic against the errors it should
// predict, computed findings, what CoInD's penalty does) and the figures
// figures/<setting>-pareto and figures/coverage under dir; nothing when the report has no
// other methods and no coverage.
func render(r *reports.Report, dir string) error {
	a := r.Summarize()
	others := false
	for _, k := range a.Keys() {
		others = others || !(cell.Cell{Column: k.Column, Method: k.Method}).OnPaperGrid()
	}
	if !others && len(r.Coverage) == 0 {
		return nil
	}
	if err := os.MkdirAll(filepath.Join(dir, "figures"), 0o755); err != nil {
		return err
	}
	rows := rows(a)
	var b strings.Builder
	fmt.Fprintf(&b, "# Composition methods at equal compute (profile %s)\n\n", r.Profile)
	b.WriteString("SW2 to the target (mean ± standard error over runs) for every sampler and score model, with the sampler's network evaluations per output sample (NFE; one per source per point per call). ")
	b.WriteString("Every value is also in results.csv / results.arrow / results.parquet (columns method, model, lambda, N, K, run, nfe). FKC covers the particle counts K; ode is the naive probability-flow ODE; superdiff-and/-or superpose the sources of positive weight (SuperDiff), so they target the equal-density set and the mixture of those sources, not the composition Pw: their SW2 measures how far those operators are from Pw. coind λ=… is a conditional network trained on joint and marginal conditions with CoInD's independence penalty of weight λ, sampled by composing its marginal scores, naively (K = 1) and with FKC at every K.\n\n")
	for _, s := range settingsOf(rows) {
		writeMethodTable(&b, s, rows)
		if err := paretoFigure(s, r.Profile, rows, filepath.Join(dir, "figures", s+"-pareto")); err != nil {
			return err
		}
		fmt.Fprintf(&b, "![SW2 against NFE](figures/%s-pareto.png)\n\n", s)
	}
	if err := writeCoverage(&b, r, dir); err != nil {
		return err
	}
	writeFindings(&b, a)
	writePenalty(&b, a)
	return os.WriteFile(filepath.Join(dir, "methods.md"), []byte(b.String()), 0o644)
}

// settingsOf lists the settings with something to compare: some score model sampled in
// more than one way (several samplers, or FKC at several K). A setting whose every model has
// one cell (a study that asks each network once) has no table or figure here.
func settingsOf(rows []row) []string {
	var out []string
	cells := map[[2]string]int{}
	for _, r := range rows {
		cells[[2]string{r.Setting, r.Column}]++
	}
	for _, r := range rows {
		if cells[[2]string{r.Setting, r.Column}] > 1 && (len(out) == 0 || out[len(out)-1] != r.Setting) {
			out = append(out, r.Setting)
		}
	}
	return out
}

// writeMethodTable: rows are samplers ordered by NFE, columns the score models.
func writeMethodTable(b *strings.Builder, setting string, rows []row) {
	var cols, labels []string
	cell := map[[2]string]row{}
	nfe := map[string]float64{}
	for _, r := range rows {
		if r.Setting != setting {
			continue
		}
		if !contains(cols, r.Column) {
			cols = append(cols, r.Column)
		}
		if !contains(labels, r.Label) {
			labels = append(labels, r.Label)
		}
		cell[[2]string{r.Label, r.Column}] = r
		nfe[r.Label] = r.NFE
	}
	sort.SliceStable(labels, func(i, j int) bool { return nfe[labels[i]] < nfe[labels[j]] })
	fmt.Fprintf(b, "## %s\n\n| sampler | NFE |", setting)
	for _, c := range cols {
		fmt.Fprintf(b, " %s |", c)
	}
	b.WriteString("\n|---|---:|")
	for range cols {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	for _, l := range labels {
		fmt.Fprintf(b, "| %s | %s |", l, fmtNFE(nfe[l]))
		for _, c := range cols {
			if r, ok := cell[[2]string{l, c}]; ok {
				fmt.Fprintf(b, " %.3f ± %.3f |", r.SW2, r.SE)
			} else {
				b.WriteString(" – |")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

func fmtNFE(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

func contains(v []string, s string) bool {
	for _, x := range v {
		if x == s {
			return true
		}
	}
	return false
}
