package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"math"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v16/arrow"
	"github.com/apache/arrow/go/v16/arrow/ipc"
)

func sampleTable() *Table {
	return &Table{
		Cols: []Column{
			{Name: "f64", F64: []float64{0, -1.5, math.Inf(1), math.NaN(), math.SmallestNonzeroFloat64}},
			{Name: "f32", F32: []float32{1, 2, 3, float32(math.Inf(-1)), -0}},
			{Name: "i64", I64: []int64{math.MinInt64, -1, 0, 1, math.MaxInt64}},
			{Name: "str", Str: []string{"", "a", "héllo", "tab\tnew\nline", strings.Repeat("z", 1000)}},
		},
		Meta: map[string]string{"stage": "truth", "version": "3", "": "empty key", "z": ""},
	}
}

// equalTables compares bit patterns so NaN == NaN.
func equalTables(t *testing.T, got, want *Table) {
	t.Helper()
	if !reflect.DeepEqual(got.Meta, want.Meta) {
		t.Errorf("meta = %v, want %v", got.Meta, want.Meta)
	}
	if len(got.Cols) != len(want.Cols) {
		t.Fatalf("%d columns, want %d", len(got.Cols), len(want.Cols))
	}
	for i := range want.Cols {
		g, w := got.Cols[i], want.Cols[i]
		if g.Name != w.Name || g.typeName() != w.typeName() {
			t.Errorf("column %d = %q %s, want %q %s", i, g.Name, g.typeName(), w.Name, w.typeName())
			continue
		}
		switch {
		case w.F64 != nil:
			if len(g.F64) != len(w.F64) {
				t.Errorf("column %q: %d rows, want %d", w.Name, len(g.F64), len(w.F64))
				continue
			}
			for j := range w.F64 {
				if math.Float64bits(g.F64[j]) != math.Float64bits(w.F64[j]) {
					t.Errorf("column %q row %d = %v, want %v", w.Name, j, g.F64[j], w.F64[j])
				}
			}
		case w.F32 != nil:
			if len(g.F32) != len(w.F32) {
				t.Errorf("column %q: %d rows, want %d", w.Name, len(g.F32), len(w.F32))
				continue
			}
			for j := range w.F32 {
				if math.Float32bits(g.F32[j]) != math.Float32bits(w.F32[j]) {
					t.Errorf("column %q row %d = %v, want %v", w.Name, j, g.F32[j], w.F32[j])
				}
			}
		default:
			if !reflect.DeepEqual(g, w) {
				t.Errorf("column %q = %v, want %v", w.Name, g, w)
			}
		}
	}
}

func TestIPCRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		tab  *Table
	}{
		{"all types", sampleTable()},
		{"zero rows", &Table{Cols: []Column{{Name: "a", F64: []float64{}}, {Name: "s", Str: []string{}}}}},
		{"no columns", &Table{Meta: map[string]string{"k": "v"}}},
		{"empty", &Table{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteIPC(&buf, tc.tab); err != nil {
				t.Fatal(err)
			}
			got, err := ReadIPC(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			equalTables(t, got, tc.tab)
			if err := got.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestIPCManyBatches crosses the batch boundary so concatenation on read is exercised.
func TestIPCManyBatches(t *testing.T) {
	defer func(b int) { batchRows = b }(batchRows)
	batchRows = 1000
	n := batchRows*2 + 3
	f := make([]float64, n)
	s := make([]string, n)
	for i := range f {
		f[i] = float64(i) * 0.5
		s[i] = string(rune('a' + i%26))
	}
	tab := &Table{Cols: []Column{{Name: "f", F64: f}, {Name: "s", Str: s}}}
	var buf bytes.Buffer
	if err := WriteIPC(&buf, tab); err != nil {
		t.Fatal(err)
	}
	got, err := ReadIPC(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, tab) {
		t.Fatal("multi-batch table did not round-trip")
	}
}

// TestIPCDeterministic checks equal tables give equal bytes, whatever the map order or
// the number of CPUs.
func TestIPCDeterministic(t *testing.T) {
	big := SamplesTable(make([]float64, 300_000), 3)
	for i := range big.Cols {
		for j := range big.Cols[i].F64 {
			big.Cols[i].F64[j] = math.Sin(float64(i*7 + j))
		}
	}
	big.Meta = map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5"}
	for _, tab := range []*Table{sampleTable(), big} {
		var sums [][32]byte
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
		for _, procs := range []int{1, 2, 8, 1} {
			runtime.GOMAXPROCS(procs)
			var buf bytes.Buffer
			if err := WriteIPC(&buf, tab); err != nil {
				t.Fatal(err)
			}
			sums = append(sums, sha256.Sum256(buf.Bytes()))
		}
		for i := range sums {
			if sums[i] != sums[0] {
				t.Errorf("write %d differs from write 0", i)
			}
		}
	}
}

// TestIPCUncompressed: files for other tools are written without a codec, so any Arrow
// reader opens them (see WritePlainIPC): 800 kB of float64 take 800 kB plus the schema and
// footer; the store's zstd artifact of the same zeros is far smaller.
func TestIPCUncompressed(t *testing.T) {
	tab := SamplesTable(make([]float64, 100_000), 1)
	var zbuf bytes.Buffer
	if err := WriteIPC(&zbuf, tab); err != nil {
		t.Fatal(err)
	}
	if zbuf.Len() > 100_000 {
		t.Errorf("zstd artifact of 800 kB of zeros took %d bytes; want it compressed", zbuf.Len())
	}
	var buf bytes.Buffer
	if err := WritePlainIPC(&buf, tab); err != nil {
		t.Fatal(err)
	}
	fr, err := ipc.NewFileReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer fr.Close()
	if n := buf.Len() - 800_000; n < 0 || n > 2048 {
		t.Errorf("800 kB of values wrote %d bytes; want them stored as they are, plus at most 2 kB", buf.Len())
	}
}

// writeZstd writes t the way earlier versions did (zstd bodies), for the reader's tests.
func writeZstd(t *testing.T, tab *Table) []byte {
	t.Helper()
	fields := make([]arrow.Field, len(tab.Cols))
	for i := range tab.Cols {
		fields[i] = arrow.Field{Name: tab.Cols[i].Name, Type: arrowType(&tab.Cols[i])}
	}
	schema := arrow.NewSchema(fields, nil)
	var buf bytes.Buffer
	fw, err := ipc.NewFileWriter(&seekCounter{w: &buf}, ipc.WithSchema(schema), ipc.WithZstd())
	if err != nil {
		t.Fatal(err)
	}
	rec, err := record(schema, tab, 0, tab.Len())
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	if err := fw.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Caches written by earlier versions hold zstd files; they still read.
func TestReadIPCZstd(t *testing.T) {
	tab := sampleTable()
	tab.Meta = nil
	got, err := ReadIPC(writeZstd(t, tab))
	if err != nil {
		t.Fatal(err)
	}
	var want, have bytes.Buffer
	if err := WriteIPC(&want, tab); err != nil {
		t.Fatal(err)
	}
	if err := WriteIPC(&have, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want.Bytes(), have.Bytes()) {
		t.Fatal("zstd file did not round-trip")
	}
}

func TestReadIPCRejectsDamage(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteIPC(&buf, sampleTable()); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	for name, b := range map[string][]byte{
		"empty": nil,
		"text":  []byte("not an arrow file at all, just some text"),
	} {
		if _, err := ReadIPC(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	for n := range len(good) {
		if _, err := ReadIPC(good[:n]); err == nil {
			t.Fatalf("truncated to %d of %d bytes: no error", n, len(good))
		}
	}
}

// TestReadIPCDamagedBody flips bytes in the data, which is most of a real file. Arrow reads
// exactly the decompressed length and never reaches zstd's trailing checksum, so changed
// values can go unnoticed (that is what the store's sha256 is for); the reader must still
// return a table of the right shape or an error, not panic.
func TestReadIPCDamagedBody(t *testing.T) {
	const n = 100_000
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Sin(float64(i))
	}
	var buf bytes.Buffer
	if err := WriteIPC(&buf, SamplesTable(x, 1)); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	for i := len(good) / 4; i < 3*len(good)/4; i += len(good) / 128 {
		b := bytes.Clone(good)
		b[i] ^= 0x5a
		if got, err := ReadIPC(b); err == nil && (len(got.Cols) != 1 || got.Len() != n) {
			t.Errorf("byte %d of %d flipped: read %d columns × %d rows without error", i, len(good), len(got.Cols), got.Len())
		}
	}
	// A damaged uncompressed-length prefix of a zstd file must not allocate a terabyte.
	good = writeZstd(t, SamplesTable(x, 1))
	var prefix [8]byte
	binary.LittleEndian.PutUint64(prefix[:], 8*n)
	at := bytes.Index(good, prefix[:])
	if at < 0 || bytes.Index(good[at+1:], prefix[:]) >= 0 {
		t.Fatalf("cannot locate the buffer length prefix %x", prefix)
	}
	b := bytes.Clone(good)
	binary.LittleEndian.PutUint64(b[at:], 1<<40)
	if _, err := ReadIPC(b); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Errorf("huge length prefix: error %v, want the allocation limit", err)
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		tab  Table
		want string // substring of the error; "" for valid
	}{
		{Table{}, ""},
		{Table{Cols: []Column{{Name: "a", F64: []float64{1}}, {Name: "b", Str: []string{"x"}}}}, ""},
		{Table{Cols: []Column{{Name: "", F64: []float64{1}}}}, "column 0: empty name"},
		{Table{Cols: []Column{{Name: "a", F64: []float64{1}}, {Name: "a", I64: []int64{1}}}}, `column "a": duplicate`},
		{Table{Cols: []Column{{Name: "x0"}}}, `column "x0": no values slice`},
		{Table{Cols: []Column{{Name: "x0", F64: []float64{}, I64: []int64{}}}}, `column "x0": 2 values slices set (F64, I64)`},
		{Table{Cols: []Column{{Name: "a", F64: []float64{1, 2}}, {Name: "y", F32: []float32{1}}}}, `column "y": has 1 rows, but column "a" has 2`},
	}
	for _, tc := range cases {
		err := tc.tab.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: unexpected error %v", tc.tab, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: error %v, want it to contain %q", tc.tab, err, tc.want)
		}
	}
	// WriteIPC refuses invalid tables rather than writing something unreadable.
	bad := &Table{Cols: []Column{{Name: "a", F64: []float64{1}}, {Name: "b", F64: []float64{}}}}
	if err := WriteIPC(&bytes.Buffer{}, bad); err == nil || !strings.Contains(err.Error(), `"b"`) {
		t.Errorf("WriteIPC(invalid) = %v", err)
	}
}

func TestGetters(t *testing.T) {
	tab := &Table{Cols: []Column{{Name: "x0", F32: []float32{1}}, {Name: "y", F64: []float64{2}}}}
	if tab.Len() != 1 || (&Table{}).Len() != 0 {
		t.Errorf("Len = %d, %d", tab.Len(), (&Table{}).Len())
	}
	if v, err := tab.F64("y"); err != nil || v[0] != 2 {
		t.Errorf("F64(y) = %v, %v", v, err)
	}
	if v, err := tab.F32("x0"); err != nil || v[0] != 1 {
		t.Errorf("F32(x0) = %v, %v", v, err)
	}
	if _, err := tab.F64("x1"); err == nil || err.Error() != `column "x1" not found (have x0, y)` {
		t.Errorf("F64(x1) error = %v", err)
	}
	if _, err := tab.F64("x0"); err == nil || err.Error() != `column "x0" is float32, not float64` {
		t.Errorf("F64(x0) error = %v", err)
	}
	if _, err := tab.I64("y"); err == nil || err.Error() != `column "y" is float64, not int64` {
		t.Errorf("I64(y) error = %v", err)
	}
	if _, err := tab.Str("y"); err == nil || err.Error() != `column "y" is float64, not string` {
		t.Errorf("Str(y) error = %v", err)
	}
	if c, ok := tab.Col("y"); !ok || c.Name != "y" {
		t.Errorf("Col(y) = %v, %v", c, ok)
	}
	if _, ok := tab.Col("nope"); ok {
		t.Error("Col(nope) found")
	}
}

func TestSamples(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5, 6} // 2 rows × 3
	tab := SamplesTable(x, 3)
	if got, _ := tab.F64("x1"); !reflect.DeepEqual(got, []float64{2, 5}) {
		t.Errorf("x1 = %v, want [2 5]", got)
	}
	tab.Cols = append(tab.Cols, Column{Name: "w", F64: []float64{0.5, 0.5}}, Column{Name: "x4", F64: []float64{9, 9}})
	var buf bytes.Buffer
	if err := WriteIPC(&buf, tab); err != nil {
		t.Fatal(err)
	}
	back, err := ReadIPC(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	got, d, err := back.Samples()
	if err != nil || d != 3 || !reflect.DeepEqual(got, x) {
		t.Errorf("Samples = %v, %d, %v; want %v, 3", got, d, err, x)
	}
	// float32 columns widen.
	f32 := &Table{Cols: []Column{{Name: "x0", F32: []float32{1.5}}, {Name: "x1", F32: []float32{-2}}}}
	if got, d, err := f32.Samples(); err != nil || d != 2 || !reflect.DeepEqual(got, []float64{1.5, -2}) {
		t.Errorf("float32 Samples = %v, %d, %v", got, d, err)
	}
	if _, _, err := (&Table{Cols: []Column{{Name: "y", F64: []float64{}}}}).Samples(); err == nil || !strings.Contains(err.Error(), `"x0" not found (have y)`) {
		t.Errorf("Samples without x0: %v", err)
	}
	if _, _, err := (&Table{Cols: []Column{{Name: "x0", Str: []string{"a"}}}}).Samples(); err == nil {
		t.Error("Samples accepted a string column")
	}
	if empty := SamplesTable(nil, 2); empty.Validate() != nil || empty.Len() != 0 || len(empty.Cols) != 2 {
		t.Errorf("SamplesTable(nil, 2) = %+v", empty)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.arrow")
	if err := WriteFile(path, sampleTable()); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	equalTables(t, got, sampleTable())
	// A failed write leaves the old file and no temp files behind.
	bad := &Table{Cols: []Column{{Name: ""}}}
	if err := WriteFile(path, bad); err == nil {
		t.Fatal("WriteFile(invalid) succeeded")
	}
	if got, err := ReadFile(path); err != nil || got.Len() != 5 {
		t.Errorf("old file damaged: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, tmpPrefix+"*")); len(m) != 0 {
		t.Errorf("temp files left: %v", m)
	}
}

func BenchmarkWriteIPC(b *testing.B) {
	tab := noiseTable(1 << 20) // 1M rows × 2 float64
	b.SetBytes(int64(tab.Len() * 16))
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := WriteIPC(&buf, tab); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/float64(tab.Len()*16), "ratio")
}

func BenchmarkReadIPC(b *testing.B) {
	tab := noiseTable(1 << 20) // 1M rows × 2 float64
	var buf bytes.Buffer
	if err := WriteIPC(&buf, tab); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(tab.Len() * 16))
	for b.Loop() {
		if _, err := ReadIPC(buf.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
}
