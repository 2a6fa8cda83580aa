// Package data holds the pipeline's artifacts: tables of named columns stored as Arrow IPC
// files (zstd-compressed in the store), and the content-addressed store they live in.
package data

// Column is one named column; exactly one of the values slices is non-nil. Null, when not
// nil, marks the rows where the value does not apply (stored as the formats' nulls: Arrow
// validity bitmaps, Parquet definition levels; the values slice holds a zero there).
type Column struct {
	Name string
	F64  []float64
	F32  []float32
	I64  []int64
	Str  []string
	Null []bool
}

// IsNull tells whether row i of c is null.
func (c *Column) IsNull(i int) bool { return c.Null != nil && c.Null[i] }

// nullable tells whether c has any null row (its field is then declared nullable).
func (c *Column) nullable() bool {
	for _, n := range c.Null {
		if n {
			return true
		}
	}
	return false
}

// Table is a set of equal-length columns plus string metadata (Arrow schema metadata).
type Table struct {
	Cols []Column
	Meta map[string]string
}
