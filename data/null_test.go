package data

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v16/arrow/memory"
	"github.com/apache/arrow/go/v16/parquet/file"
	"github.com/apache/arrow/go/v16/parquet/pqarrow"
)

// A column's nulls survive Arrow IPC (validity bitmap, nullable field) and Parquet (an
// optional column); a column without nulls stays a required, non-nullable field.
func TestNullsRoundTrip(t *testing.T) {
	in := &Table{Cols: []Column{
		{Name: "lambda", F64: []float64{0, 1, 0, 0.5}, Null: []bool{true, false, true, false}},
		{Name: "k", I64: []int64{1, 2, 3, 4}},
		{Name: "s", Str: []string{"a", "", "c", "d"}, Null: []bool{false, true, false, false}},
	}}
	var buf bytes.Buffer
	if err := WritePlainIPC(&buf, in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadIPC(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range out.Cols {
		for r := range 4 {
			if c.IsNull(r) != in.Cols[i].IsNull(r) {
				t.Errorf("column %s row %d: null %v, want %v", c.Name, r, c.IsNull(r), in.Cols[i].IsNull(r))
			}
		}
	}
	if out.Cols[1].Null != nil {
		t.Errorf("a column without nulls read back with a null mask")
	}
	if sc := schemaOf(in); !sc.Field(0).Nullable || sc.Field(1).Nullable {
		t.Errorf("nullable flags: %v", sc)
	}
	path := filepath.Join(t.TempDir(), "t.parquet")
	if err := WriteParquetFile(path, in); err != nil {
		t.Fatal(err)
	}
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if n := tbl.Column(0).NullN(); n != 2 {
		t.Errorf("parquet lambda has %d nulls, want 2", n)
	}
	if n := tbl.Column(1).NullN(); n != 0 {
		t.Errorf("parquet k has %d nulls", n)
	}
	if rdr.MetaData().Schema.Column(1).MaxDefinitionLevel() != 0 {
		t.Errorf("a column without nulls became optional in Parquet")
	}
}
