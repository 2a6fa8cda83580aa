package data

import (
	"fmt"
	"io"

	"github.com/apache/arrow/go/v16/parquet"
	"github.com/apache/arrow/go/v16/parquet/compress"
	"github.com/apache/arrow/go/v16/parquet/pqarrow"
)

// WriteParquet writes t as a Parquet file (zstd pages, one row group per batch of
// batchRows) with t.Meta as key-value metadata, for tools that prefer Parquet to Arrow IPC.
// Columns with nulls are optional, the others required, as in the Arrow schema.
func WriteParquet(w io.Writer, t *Table) error {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("write parquet: %w", err)
	}
	schema := schemaOf(t)
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithCreatedBy("compdiff (Arrow Go parquet 16.1.0)"))
	fw, err := pqarrow.NewFileWriter(schema, w, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return fmt.Errorf("write parquet: %w", err)
	}
	n := t.Len()
	for lo := 0; lo == 0 || lo < n; lo += batchRows {
		hi := min(lo+batchRows, n)
		rec, err := record(schema, t, lo, hi)
		if err != nil {
			return fmt.Errorf("write parquet: %w", err)
		}
		err = fw.Write(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("write parquet: rows %d..%d: %w", lo, hi, err)
		}
	}
	if err := fw.Close(); err != nil {
		return fmt.Errorf("write parquet: %w", err)
	}
	return nil
}

// WriteParquetFile writes t to path atomically, like WriteFile.
func WriteParquetFile(path string, t *Table) error {
	_, err := writeAtomic(path, func(w io.Writer) error { return WriteParquet(w, t) })
	return err
}
