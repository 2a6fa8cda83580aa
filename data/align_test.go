package data

import (
	"encoding/binary"
	"testing"

	flatbuffers "github.com/google/flatbuffers/go"
)

// recordBuffers reads a Message flatbuffer and, for a record batch, returns its body length
// and the (offset, length) of every buffer in the body (Message.fbs, Schema.fbs).
func recordBuffers(meta []byte) (kind byte, body int64, bufs [][2]int64) {
	var msg flatbuffers.Table
	msg.Bytes, msg.Pos = meta, flatbuffers.GetUOffsetT(meta)
	if o := flatbuffers.UOffsetT(msg.Offset(6)); o != 0 {
		kind = msg.GetByte(msg.Pos + o)
	}
	if o := flatbuffers.UOffsetT(msg.Offset(10)); o != 0 {
		body = msg.GetInt64(msg.Pos + o)
	}
	const recordBatch = 3
	o := flatbuffers.UOffsetT(msg.Offset(8))
	if kind != recordBatch || o == 0 {
		return kind, body, nil
	}
	var rb flatbuffers.Table
	msg.Union(&rb, o)
	if vo := flatbuffers.UOffsetT(rb.Offset(8)); vo != 0 {
		start, n := rb.Vector(vo), rb.VectorLen(vo)
		for i := 0; i < n; i++ {
			p := start + flatbuffers.UOffsetT(16*i)
			bufs = append(bufs, [2]int64{rb.GetInt64(p), rb.GetInt64(p + 8)})
		}
	}
	return kind, body, bufs
}

// Every message, body and buffer of a written file starts at a multiple of 8 bytes, as the
// Arrow format requires, with zstd bodies (the store's artifacts) and without (files for
// other tools): the arrow-js failure on compressed files was the reader's codec (see
// WritePlainIPC), not misalignment.
func TestIPCAligned(t *testing.T) {
	// Odd lengths everywhere: 3 rows of float64, float32, int64 and strings of 1 byte.
	tab := &Table{Cols: []Column{
		{Name: "f64", F64: []float64{1, 2, 3}}, {Name: "f32", F32: []float32{1, 2, 3}},
		{Name: "s", Str: []string{"a", "b", "c"}}, {Name: "i64", I64: []int64{1, 2, 3}},
		{Name: "x0", F64: noiseTable(333).Cols[0].F64[:3]},
	}, Meta: map[string]string{"k": "odd length value"}}
	var zstd, plain writeBuf
	if err := WriteIPC(&zstd, tab); err != nil {
		t.Fatal(err)
	}
	if err := WritePlainIPC(&plain, tab); err != nil {
		t.Fatal(err)
	}
	t.Logf("zstd: buffers at %v", checkAligned(t, zstd.b))
	t.Logf("uncompressed: buffers at %v", checkAligned(t, plain.b))
}

// checkAligned walks the messages of an Arrow IPC file and fails the test on any that is
// not 8-byte aligned; it returns the record batch's buffer offsets.
func checkAligned(t *testing.T, b []byte) (offsets []int64) {
	t.Helper()
	footerLen := int(binary.LittleEndian.Uint32(b[len(b)-10:]))
	footerStart := len(b) - 10 - footerLen
	records := 0
	for pos := 8; pos < footerStart; {
		if pos%8 != 0 {
			t.Fatalf("message at byte %d is not 8-byte aligned", pos)
		}
		if binary.LittleEndian.Uint32(b[pos:]) != 0xFFFFFFFF {
			t.Fatalf("message at byte %d lacks the continuation marker", pos)
		}
		metaLen := int(binary.LittleEndian.Uint32(b[pos+4:]))
		if metaLen == 0 {
			break // end of stream
		}
		metaStart := pos + 8
		bodyStart := metaStart + metaLen
		if bodyStart%8 != 0 {
			t.Fatalf("body of the message at byte %d starts at %d, not 8-byte aligned", pos, bodyStart)
		}
		kind, body, bufs := recordBuffers(b[metaStart:bodyStart])
		if kind == 3 {
			records++
			if len(bufs) == 0 {
				t.Fatal("record batch without buffers")
			}
		}
		for i, bf := range bufs {
			offsets = append(offsets, bf[0])
			if bf[0]%8 != 0 || bf[0]+bf[1] > body {
				t.Errorf("record batch at byte %d: buffer %d at body offset %d (length %d, body %d): want 8-byte aligned and inside the body", pos, i, bf[0], bf[1], body)
			}
		}
		pos = bodyStart + int(body)
	}
	if records != 1 {
		t.Fatalf("found %d record batches, want 1", records)
	}
	return offsets
}

type writeBuf struct{ b []byte }

func (w *writeBuf) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
