package reports

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/compdiff/compdiff/data/cell"
)

// MethodResult is one run of one cell with its cost: NFE is the network evaluations per
// output sample the sampler recorded (NaN when the sample artifact predates the count).
type MethodResult struct {
	cell.Cell
	NFE, SW2, MMD2 float64
}

// Label is the sampler as the tables show it: "fkc K=4", "superdiff-and".
func (r MethodResult) Label() string {
	if r.Method == cell.FKC {
		return fmt.Sprintf("fkc K=%d", r.K)
	}
	return string(r.Method)
}

// MethodResults pairs the SW2 and MMD² values of each cell (every sampler and score model,
// the paper's grid included) into one row per cell, in the order the cells first appear.
func MethodResults(rs []Result) []MethodResult {
	at := map[cell.Cell]int{}
	var out []MethodResult
	for _, r := range rs {
		i, ok := at[r.Cell]
		if !ok {
			i = len(out)
			at[r.Cell] = i
			out = append(out, MethodResult{Cell: r.Cell, NFE: r.NFE, SW2: math.NaN(), MMD2: math.NaN()})
		}
		switch r.Metric {
		case "sw2":
			out[i].SW2 = r.Value
		case "mmd2":
			out[i].MMD2 = r.Value
		}
	}
	return out
}

// CoverageResult is the coverage diagnostic (core/coverage) of one (setting, N, run): the
// effective training points where the target lives, before any model is trained.
type CoverageResult struct {
	Setting       string
	N, Run        int
	EffectivePool float64
}

// Methods is the comparison of samplers and models at their compute.
type Methods struct {
	Profile  string
	Results  []MethodResult
	Coverage []CoverageResult
}

// meanSE is the mean and standard error over runs.
func meanSE(v []float64) (m, se float64) {
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	if len(v) < 2 {
		return m, math.NaN()
	}
	s := 0.0
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return m, math.Sqrt(s / float64(len(v)-1) / float64(len(v)))
}

// methodRow is one (setting, column, sampler) aggregated over runs.
type methodRow struct {
	Setting, Column, Label string
	NFE, SW2, SE           float64
	Runs                   int
}

func aggregateMethods(rs []MethodResult) []methodRow {
	type key struct{ s, c, l string }
	sw := map[key][]float64{}
	nfe := map[key]float64{}
	var order []key
	for _, r := range rs {
		k := key{r.Setting, r.Column.String(), r.Label()}
		if _, ok := sw[k]; !ok {
			order = append(order, k)
		}
		sw[k] = append(sw[k], r.SW2)
		nfe[k] = r.NFE
	}
	var out []methodRow
	for _, k := range order {
		m, se := meanSE(sw[k])
		out = append(out, methodRow{Setting: k.s, Column: k.c, Label: k.l, NFE: nfe[k], SW2: m, SE: se, Runs: len(sw[k])})
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

// renderMethods writes methods.md from every cell of the study (per setting a sampler ×
// model table of SW2 with each sampler's NFE, the coverage diagnostic against the errors it
// should predict, computed findings, what CoInD's penalty does) and the figures
// figures/<setting>-pareto and figures/coverage under dir; nothing when the study has no
// other methods and no coverage.
func renderMethods(st *Study, dir string) error {
	if len(st.Methods) == 0 && len(st.Coverage) == 0 {
		return nil
	}
	m := &Methods{Profile: st.Profile, Results: MethodResults(st.AllResults()), Coverage: st.Coverage}
	if err := os.MkdirAll(filepath.Join(dir, "figures"), 0o755); err != nil {
		return err
	}
	rows := aggregateMethods(m.Results)
	var b strings.Builder
	fmt.Fprintf(&b, "# Composition methods at equal compute (profile %s)\n\n", m.Profile)
	b.WriteString("SW2 to the target (mean ± standard error over runs) for every sampler and score model, with the sampler's network evaluations per output sample (NFE; one per source per point per call). ")
	b.WriteString("Every value is also in results.csv / results.arrow / results.parquet (columns method, model, lambda, N, K, run, nfe). FKC covers the particle counts K; ode is the naive probability-flow ODE; superdiff-and/-or superpose the sources of positive weight (SuperDiff), so they target the equal-density set and the mixture of those sources, not the composition Pw: their SW2 measures how far those operators are from Pw. coind λ=… is a conditional network trained on joint and marginal conditions with CoInD's independence penalty of weight λ, sampled by composing its marginal scores, naively (K = 1) and with FKC at every K.\n\n")
	for _, s := range settingsOf(rows) {
		writeMethodTable(&b, s, rows)
		if err := paretoFigure(s, m.Profile, rows, filepath.Join(dir, "figures", s+"-pareto")); err != nil {
			return err
		}
		fmt.Fprintf(&b, "![SW2 against NFE](figures/%s-pareto.png)\n\n", s)
	}
	if err := writeCoverage(&b, m, dir); err != nil {
		return err
	}
	writeFindings(&b, rows)
	writePenalty(&b, m.Results)
	return os.WriteFile(filepath.Join(dir, "methods.md"), []byte(b.String()), 0o644)
}

func settingsOf(rows []methodRow) []string {
	var out []string
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1] != r.Setting {
			out = append(out, r.Setting)
		}
	}
	return out
}

// writeMethodTable: rows are samplers ordered by NFE, columns the score models.
func writeMethodTable(b *strings.Builder, setting string, rows []methodRow) {
	var cols, labels []string
	cell := map[[2]string]methodRow{}
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
