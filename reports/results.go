package reports

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/data/cell"
)

// The long-format results: one row per (cell, run, metric), in the order of Report.Rows.
// Columns, stable and documented in the README: profile (CSV only; metadata in Arrow and
// Parquet), setting, model, lambda (CoInD's penalty weight; null for every other model), N
// (the pool size, "analytical" for exact scores: the paper's column label), method, K, run,
// nfe (network evaluations per output sample; null when the artifact predates the count),
// metric, value. A null is an empty field in the CSV.

func writeCSV(path string, r *Report) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"profile", "setting", "model", "lambda", "N", "method", "K", "run", "nfe", "metric", "value"})
	for _, x := range r.Rows() {
		lambda, nfe := "", ""
		if x.Model == cell.CoInD {
			lambda = strconv.FormatFloat(x.Lambda, 'g', -1, 64)
		}
		if !math.IsNaN(x.NFE) {
			nfe = strconv.FormatFloat(x.NFE, 'g', -1, 64)
		}
		_ = w.Write([]string{r.Profile, x.Setting, string(x.Model), lambda, NText(x.Column), string(x.Method),
			strconv.Itoa(x.K), strconv.Itoa(x.Run), nfe, x.Metric, strconv.FormatFloat(x.Value, 'g', -1, 64)})
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

// resultsTable is the long-format table of every cell; the profile and provenance travel as
// metadata. lambda and nfe are null where they do not apply.
func resultsTable(r *Report) *data.Table {
	all := r.Rows()
	n := len(all)
	setting, model, ns, method, metric := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	k, run := make([]int64, n), make([]int64, n)
	lambda, nfe, val := make([]float64, n), make([]float64, n), make([]float64, n)
	noLambda, noNFE := make([]bool, n), make([]bool, n)
	for i, x := range all {
		setting[i], model[i], ns[i], method[i], metric[i] = x.Setting, string(x.Model), NText(x.Column), string(x.Method), x.Metric
		k[i], run[i], val[i] = int64(x.K), int64(x.Run), x.Value
		if x.Model == cell.CoInD {
			lambda[i] = x.Lambda
		} else {
			noLambda[i] = true
		}
		if math.IsNaN(x.NFE) {
			noNFE[i] = true
		} else {
			nfe[i] = x.NFE
		}
	}
	return &data.Table{
		Cols: []data.Column{
			{Name: "setting", Str: setting}, {Name: "model", Str: model}, {Name: "lambda", F64: lambda, Null: noLambda},
			{Name: "N", Str: ns}, {Name: "method", Str: method}, {Name: "K", I64: k}, {Name: "run", I64: run},
			{Name: "nfe", F64: nfe, Null: noNFE}, {Name: "metric", Str: metric}, {Name: "value", F64: val},
		},
		Meta: map[string]string{"profile": r.Profile, "commit": r.Commit, "date": r.Date,
			"command": r.Command, "seeds": r.Seeds},
	}
}

// NText is a column's pool size as the long-format files write it: the number, or
// "analytical" for exact scores (the paper's column label).
func NText(c cell.Column) string {
	if c.IsExact() {
		return "analytical"
	}
	return strconv.Itoa(c.N)
}

func writeArrow(path string, r *Report) error {
	if err := data.WriteFile(path, resultsTable(r)); err != nil {
		return fmt.Errorf("reports: results.arrow: %w", err)
	}
	// The store writes private temp files; a report is for sharing like its siblings.
	return os.Chmod(path, 0o644)
}

// writeParquet writes the same table as results.arrow for Parquet tools (DuckDB, polars,
// Spark read it without an Arrow IPC reader).
func writeParquet(path string, r *Report) error {
	if err := data.WriteParquetFile(path, resultsTable(r)); err != nil {
		return fmt.Errorf("reports: results.parquet: %w", err)
	}
	return os.Chmod(path, 0o644)
}
