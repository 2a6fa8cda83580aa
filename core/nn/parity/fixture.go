// Package parity reads the PyTorch parity fixtures (core/nn/testdata/parity, written by
// tools/parity/fixtures.py) and computes float64 references with a-priori float32 error
// bounds for them. It is used by tests only and imports nothing of compdiff but core/gemm
// (to run a test on every kernel path), so the tests of core/nn itself can use it.
package parity

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
)

// Fixture is one fixture file: scalar metadata and named row-major arrays.
type Fixture struct {
	Path      string
	Generator string                     `json:"generator"`
	Torch     string                     `json:"torch"`
	Meta      map[string]json.RawMessage `json:"meta"`
	Arrays    map[string]Array           `json:"arrays"`
}

// Array is little-endian data of dtype "f4", "f8" or "i4" (base64 in the file).
type Array struct {
	DType string `json:"dtype"`
	Shape []int  `json:"shape"`
	Data  []byte `json:"data"`
}

// Path is the location of a fixture file, found from this source file so that tests of any
// package can load it.
func Path(name string) string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "..", "testdata", "parity", name)
}

// Load reads the fixture file name (e.g. "train.json").
func Load(name string) (*Fixture, error) {
	p := Path(name)
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("parity fixture: %w; regenerate it with /usr/bin/python3 tools/parity/fixtures.py", err)
	}
	f := &Fixture{Path: p}
	if err := json.Unmarshal(b, f); err != nil {
		return nil, fmt.Errorf("parity fixture %s: %w", p, err)
	}
	for name, a := range f.Arrays {
		n := 1
		for _, s := range a.Shape {
			n *= s
		}
		size := map[string]int{"f4": 4, "f8": 8, "i4": 4}[a.DType]
		if size == 0 || len(a.Data) != n*size {
			return nil, fmt.Errorf("parity fixture %s: array %q has dtype %q, shape %v and %d bytes; regenerate the fixture", p, name, a.DType, a.Shape, len(a.Data))
		}
	}
	return f, nil
}

func (f *Fixture) array(name string) Array {
	a, ok := f.Arrays[name]
	if !ok {
		panic(fmt.Sprintf("parity fixture %s has no array %q; regenerate it with tools/parity/fixtures.py", f.Path, name))
	}
	return a
}

// F32 returns a float32 array ("f4" only: float32 data is never silently rounded).
func (f *Fixture) F32(name string) []float32 {
	a := f.array(name)
	if a.DType != "f4" {
		panic(fmt.Sprintf("parity fixture %s: %q is %s, not f4", f.Path, name, a.DType))
	}
	out := make([]float32, len(a.Data)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(a.Data[4*i:]))
	}
	return out
}

// F64 returns a float array as float64 (f4 values are widened exactly).
func (f *Fixture) F64(name string) []float64 {
	a := f.array(name)
	switch a.DType {
	case "f4":
		v := f.F32(name)
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out
	case "f8":
		out := make([]float64, len(a.Data)/8)
		for i := range out {
			out[i] = math.Float64frombits(binary.LittleEndian.Uint64(a.Data[8*i:]))
		}
		return out
	}
	panic(fmt.Sprintf("parity fixture %s: %q is %s, not a float array", f.Path, name, a.DType))
}

// Ints returns an "i4" array.
func (f *Fixture) Ints(name string) []int {
	a := f.array(name)
	if a.DType != "i4" {
		panic(fmt.Sprintf("parity fixture %s: %q is %s, not i4", f.Path, name, a.DType))
	}
	out := make([]int, len(a.Data)/4)
	for i := range out {
		out[i] = int(int32(binary.LittleEndian.Uint32(a.Data[4*i:])))
	}
	return out
}

// Shape is the shape of an array.
func (f *Fixture) Shape(name string) []int { return f.array(name).Shape }

// Int and Float read scalar metadata.
func (f *Fixture) Int(key string) int { return int(f.Float(key)) }

func (f *Fixture) Float(key string) float64 {
	var v float64
	f.meta(key, &v)
	return v
}

// Floats reads a list of numbers from the metadata.
func (f *Fixture) Floats(key string) []float64 {
	var v []float64
	f.meta(key, &v)
	return v
}

func (f *Fixture) meta(key string, v any) {
	raw, ok := f.Meta[key]
	if !ok {
		panic(fmt.Sprintf("parity fixture %s has no meta %q", f.Path, key))
	}
	if err := json.Unmarshal(raw, v); err != nil {
		panic(fmt.Sprintf("parity fixture %s: meta %q: %v", f.Path, key, err))
	}
}
