package data

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"

	"github.com/apache/arrow/go/v16/arrow"
	"github.com/apache/arrow/go/v16/arrow/array"
	"github.com/apache/arrow/go/v16/arrow/bitutil"
	"github.com/apache/arrow/go/v16/arrow/ipc"
	"github.com/apache/arrow/go/v16/arrow/memory"
)

// batchRows bounds the rows per record batch so string offsets (int32) stay small. A
// variable so tests can cross batch boundaries cheaply.
var batchRows = 1 << 20

// WriteIPC writes t as an Arrow IPC file with zstd-compressed bodies (the store's
// artifacts) and t.Meta as schema metadata. Equal tables give equal bytes, so the output
// can be checksummed. Every buffer is 8-byte aligned, as the format requires
// (TestIPCAligned).
func WriteIPC(w io.Writer, t *Table) error { return writeIPC(w, t, true) }

// WritePlainIPC writes t like WriteIPC but without a codec, for files meant for other
// tools: a reader then needs no zstd codec at all. (arrow-js 21 hands a codec's output
// straight to typed arrays, and the common JavaScript zstd decoder returns views at byte
// offsets that are not multiples of 8, so float64 and int64 columns of compressed files
// fail there unless the registered codec copies its output; .ci/readers.mjs shows both.)
func WritePlainIPC(w io.Writer, t *Table) error { return writeIPC(w, t, false) }

func writeIPC(w io.Writer, t *Table, compress bool) error {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("write arrow: %w", err)
	}
	schema := schemaOf(t)
	cw := &seekCounter{w: w}
	opts := []ipc.Option{ipc.WithSchema(schema)}
	if compress {
		// Buffers are compressed independently, so concurrency does not change the bytes.
		opts = append(opts, ipc.WithZstd(), ipc.WithCompressConcurrency(min(runtime.GOMAXPROCS(0), len(t.Cols))))
	}
	fw, err := ipc.NewFileWriter(cw, opts...)
	if err != nil {
		return fmt.Errorf("write arrow: %w", err)
	}
	n := t.Len()
	// Always one batch, even for zero rows, so every file has the same shape.
	for lo := 0; lo == 0 || lo < n; lo += batchRows {
		hi := min(lo+batchRows, n)
		rec, err := record(schema, t, lo, hi)
		if err != nil {
			return fmt.Errorf("write arrow: %w", err)
		}
		err = fw.Write(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("write arrow: rows %d..%d: %w", lo, hi, err)
		}
	}
	if err := fw.Close(); err != nil {
		return fmt.Errorf("write arrow: %w", err)
	}
	return nil
}

// schemaOf is t's Arrow schema: a field per column, nullable only where the column has a
// null; t.Meta as schema metadata (MetadataFrom sorts the keys, which keeps the bytes
// independent of map order).
func schemaOf(t *Table) *arrow.Schema {
	fields := make([]arrow.Field, len(t.Cols))
	for i := range t.Cols {
		fields[i] = arrow.Field{Name: t.Cols[i].Name, Type: arrowType(&t.Cols[i]), Nullable: t.Cols[i].nullable()}
	}
	md := arrow.MetadataFrom(t.Meta)
	return arrow.NewSchema(fields, &md)
}

func arrowType(c *Column) arrow.DataType {
	switch {
	case c.F64 != nil:
		return arrow.PrimitiveTypes.Float64
	case c.F32 != nil:
		return arrow.PrimitiveTypes.Float32
	case c.I64 != nil:
		return arrow.PrimitiveTypes.Int64
	default:
		return arrow.BinaryTypes.String
	}
}

// record wraps rows [lo,hi) of t as an Arrow record. Numeric columns share memory with t.
func record(schema *arrow.Schema, t *Table, lo, hi int) (arrow.Record, error) {
	cols := make([]arrow.Array, len(t.Cols))
	defer func() {
		for _, a := range cols {
			if a != nil {
				a.Release()
			}
		}
	}()
	for i := range t.Cols {
		c := &t.Cols[i]
		var bufs []*memory.Buffer
		switch {
		case c.F64 != nil:
			bufs = []*memory.Buffer{nil, memory.NewBufferBytes(arrow.Float64Traits.CastToBytes(c.F64[lo:hi]))}
		case c.F32 != nil:
			bufs = []*memory.Buffer{nil, memory.NewBufferBytes(arrow.Float32Traits.CastToBytes(c.F32[lo:hi]))}
		case c.I64 != nil:
			bufs = []*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(c.I64[lo:hi]))}
		default:
			offs := make([]int32, 0, hi-lo+1)
			var buf []byte
			offs = append(offs, 0)
			for _, s := range c.Str[lo:hi] {
				buf = append(buf, s...)
				if len(buf) > math.MaxInt32 {
					return nil, fmt.Errorf("column %q: more than 2 GiB of strings in rows %d..%d", c.Name, lo, hi)
				}
				offs = append(offs, int32(len(buf)))
			}
			bufs = []*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offs)), memory.NewBufferBytes(buf)}
		}
		nulls := 0
		if c.nullable() {
			bits := make([]byte, bitutil.CeilByte(hi-lo)/8)
			for r := lo; r < hi; r++ {
				if c.Null[r] {
					nulls++
				} else {
					bitutil.SetBit(bits, r-lo)
				}
			}
			bufs[0] = memory.NewBufferBytes(bits)
		}
		d := array.NewData(schema.Field(i).Type, hi-lo, bufs, nil, nulls, 0)
		cols[i] = array.MakeFromData(d)
		d.Release()
	}
	return array.NewRecord(schema, cols, int64(hi-lo)), nil
}

// seekCounter lets the Arrow file writer, which only asks for its current position,
// stream into a plain io.Writer.
type seekCounter struct {
	w   io.Writer
	pos int64
}

func (s *seekCounter) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.pos += int64(n)
	return n, err
}

func (s *seekCounter) Seek(offset int64, whence int) (int64, error) {
	if offset != 0 || whence != io.SeekCurrent {
		return s.pos, errors.New("seekCounter: only Seek(0, io.SeekCurrent) is supported")
	}
	return s.pos, nil
}

// ReadIPC reads an Arrow IPC file written by WriteIPC, concatenating its batches.
// Truncated or damaged input gives an error rather than a panic, with two limits: changed
// values in the data are not detected, and Arrow's flatbuffer metadata cannot be verified,
// so a damaged length there can exhaust memory. Checksum bytes before trusting them
// (Store.Get does).
func ReadIPC(b []byte) (t *Table, err error) {
	// The Arrow reader trusts offsets in the file; a damaged file can make it panic.
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("read arrow: malformed file: %v", r)
		}
	}()
	if !bytes.HasPrefix(b, arrowMagic) || !bytes.HasSuffix(b, arrowMagic[:6]) {
		return nil, errors.New("read arrow: not an Arrow IPC file (magic bytes missing; truncated?)")
	}
	mem := &cappedAllocator{max: max(len(b), maxBuffer)}
	fr, err := ipc.NewFileReader(bytes.NewReader(b), ipc.WithAllocator(mem))
	if err != nil {
		return nil, fmt.Errorf("read arrow: %w", err)
	}
	defer fr.Close()
	if fr.NumDictionaries() != 0 {
		return nil, fmt.Errorf("read arrow: file has %d dictionaries; this format has none", fr.NumDictionaries())
	}
	schema := fr.Schema()
	t = &Table{Cols: make([]Column, schema.NumFields())}
	for i, f := range schema.Fields() {
		c := &t.Cols[i]
		c.Name = f.Name
		switch f.Type.ID() {
		case arrow.FLOAT64:
			c.F64 = []float64{}
		case arrow.FLOAT32:
			c.F32 = []float32{}
		case arrow.INT64:
			c.I64 = []int64{}
		case arrow.STRING:
			c.Str = []string{}
		default:
			return nil, fmt.Errorf("read arrow: column %q has type %s; want float64, float32, int64 or utf8", f.Name, f.Type)
		}
	}
	if md := schema.Metadata(); md.Len() > 0 {
		t.Meta = make(map[string]string, md.Len())
		for i, k := range md.Keys() {
			t.Meta[k] = md.Values()[i]
		}
	}
	for r := 0; r < fr.NumRecords(); r++ {
		rec, err := fr.RecordAt(r)
		if err != nil {
			return nil, fmt.Errorf("read arrow: batch %d: %w", r, err)
		}
		err = appendRecord(t, rec)
		rec.Release()
		if err != nil {
			return nil, fmt.Errorf("read arrow: batch %d: %w", r, err)
		}
	}
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("read arrow: %w", err)
	}
	return t, nil
}

// appendRecord copies rec's columns onto t's, so t owns its memory after rec is released.
func appendRecord(t *Table, rec arrow.Record) error {
	if int(rec.NumCols()) != len(t.Cols) {
		return fmt.Errorf("has %d columns, schema has %d", rec.NumCols(), len(t.Cols))
	}
	for i, a := range rec.Columns() {
		c := &t.Cols[i]
		if a.NullN() != 0 && c.Null == nil {
			c.Null = make([]bool, c.len()) // the rows of earlier batches had none
		}
		if c.Null != nil {
			for j := 0; j < a.Len(); j++ {
				c.Null = append(c.Null, a.IsNull(j))
			}
		}
		switch a := a.(type) {
		case *array.Float64:
			c.F64 = append(c.F64, a.Float64Values()...)
		case *array.Float32:
			c.F32 = append(c.F32, a.Float32Values()...)
		case *array.Int64:
			c.I64 = append(c.I64, a.Int64Values()...)
		case *array.String:
			// One string for the whole batch: values slice into it without a copy each.
			offs := a.ValueOffsets()
			all := string(a.ValueBytes())
			for j := 0; j < a.Len(); j++ {
				c.Str = append(c.Str, all[offs[j]-offs[0]:offs[j+1]-offs[0]])
			}
		default:
			return fmt.Errorf("column %q: unexpected array type %T", c.Name, a)
		}
	}
	return nil
}

// arrowMagic starts an Arrow IPC file (padded to 8 bytes); its first 6 bytes end one.
var arrowMagic = []byte("ARROW1\x00\x00")

// maxBuffer bounds one decompressed buffer: WriteIPC never writes more than 2 GiB of
// strings or batchRows×8 bytes of numbers per buffer.
const maxBuffer = math.MaxInt32 + 64

// cappedAllocator refuses allocations no file of ours could need. A damaged length in a
// file would otherwise ask for terabytes, and running out of memory is not recoverable.
type cappedAllocator struct {
	memory.GoAllocator
	max int
}

func (a *cappedAllocator) Allocate(size int) []byte {
	if size > a.max {
		panic(fmt.Sprintf("buffer of %d bytes exceeds the %d-byte limit", size, a.max))
	}
	return a.GoAllocator.Allocate(size)
}

func (a *cappedAllocator) Reallocate(size int, b []byte) []byte {
	if cap(b) >= size {
		return b[:size]
	}
	nb := a.Allocate(size)
	copy(nb, b)
	return nb
}

// WriteFile writes t to path atomically, uncompressed (WritePlainIPC) since such files are
// for other tools: a crash leaves either the old file or the new one.
func WriteFile(path string, t *Table) error {
	_, err := writeAtomic(path, func(w io.Writer) error { return WritePlainIPC(w, t) })
	return err
}

// ReadFile reads a table written by WriteFile.
func ReadFile(path string) (*Table, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := ReadIPC(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}
