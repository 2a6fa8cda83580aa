// Package data holds the pipeline's artifacts: tables of named columns stored as Arrow IPC
// files (zstd-compressed in the store), and the content-addressed store they live in.
package data

// Column is one named column; exactly one of the slices is non-nil.
type Column struct {
	Name string
	F64  []float64
	F32  []float32
	I64  []int64
	Str  []string
}

// Table is a set of equal-length columns plus string metadata (Arrow schema metadata).
type Table struct {
	Cols []Column
	Meta map[string]string
}
