package data

import (
	"bytes"
	"context"
	"math"
	"testing"

	"github.com/apache/arrow/go/v16/arrow/array"
	"github.com/apache/arrow/go/v16/arrow/memory"
	"github.com/apache/arrow/go/v16/parquet/file"
	"github.com/apache/arrow/go/v16/parquet/pqarrow"
)

// A table written as Parquet reads back with the same columns, values and metadata, across
// row groups, and equal tables give equal bytes.
func TestParquetRoundTrip(t *testing.T) {
	defer func(n int) { batchRows = n }(batchRows)
	batchRows = 3
	tab := sampleTable()
	tab.Meta = map[string]string{"profile": "smoke", "commit": "abc"}
	var buf, again bytes.Buffer
	if err := WriteParquet(&buf, tab); err != nil {
		t.Fatal(err)
	}
	if err := WriteParquet(&again, tab); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Fatal("two writes of one table differ")
	}
	pf, err := file.NewParquetReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if pf.NumRowGroups() != 2 {
		t.Errorf("%d row groups for 5 rows at 3 per batch, want 2", pf.NumRowGroups())
	}
	if v := pf.MetaData().KeyValueMetadata().FindValue("profile"); v == nil || *v != "smoke" {
		t.Errorf("profile metadata %v", v)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	got, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	if got.NumRows() != int64(tab.Len()) || int(got.NumCols()) != len(tab.Cols) {
		t.Fatalf("read %d rows × %d columns, wrote %d × %d", got.NumRows(), got.NumCols(), tab.Len(), len(tab.Cols))
	}
	for i, c := range tab.Cols {
		col := got.Column(i)
		if col.Name() != c.Name {
			t.Fatalf("column %d is %q, want %q", i, col.Name(), c.Name)
		}
		row := 0
		for _, ch := range col.Data().Chunks() {
			for j := 0; j < ch.Len(); j, row = j+1, row+1 {
				var same bool
				switch a := ch.(type) {
				case *array.Float64:
					same = math.Float64bits(a.Value(j)) == math.Float64bits(c.F64[row])
				case *array.Float32:
					same = math.Float32bits(a.Value(j)) == math.Float32bits(c.F32[row])
				case *array.Int64:
					same = a.Value(j) == c.I64[row]
				case *array.String:
					same = a.Value(j) == c.Str[row]
				default:
					t.Fatalf("column %q read as %T", c.Name, ch)
				}
				if !same {
					t.Errorf("column %q row %d differs", c.Name, row)
				}
			}
		}
	}
}
