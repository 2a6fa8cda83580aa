// Command arrowsummary prints, for each Arrow IPC file named on the command line, what
// Arrow Go reads from it: the row count and each column's type and first and last values
// (floats as their bit patterns, so a reader in another language can compare exactly; a null
// as "null") and its null count.
// .ci/readers.sh checks other Arrow implementations against it.
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/compdiff/compdiff/data"
)

type column struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	First string `json:"first"`
	Last  string `json:"last"`
	Nulls int    `json:"nulls"`
}

type summary struct {
	Path string            `json:"path"`
	Rows int               `json:"rows"`
	Cols []column          `json:"cols"`
	Meta map[string]string `json:"meta"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: arrowsummary FILE.arrow...")
		os.Exit(2)
	}
	var out []summary
	for _, path := range os.Args[1:] {
		t, err := data.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		s := summary{Path: path, Rows: t.Len(), Meta: t.Meta}
		for i := range t.Cols {
			s.Cols = append(s.Cols, describe(&t.Cols[i]))
		}
		out = append(out, s)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func describe(c *data.Column) column {
	col := column{Name: c.Name}
	at := func(n int, f func(int) string) {
		g := func(i int) string {
			if c.IsNull(i) {
				return "null"
			}
			return f(i)
		}
		if n > 0 {
			col.First, col.Last = g(0), g(n-1)
		}
	}
	for _, null := range c.Null {
		if null {
			col.Nulls++
		}
	}
	switch {
	case c.F64 != nil:
		col.Type = "float64"
		at(len(c.F64), func(i int) string { return strconv.FormatUint(math.Float64bits(c.F64[i]), 16) })
	case c.F32 != nil:
		col.Type = "float32"
		at(len(c.F32), func(i int) string { return strconv.FormatUint(uint64(math.Float32bits(c.F32[i])), 16) })
	case c.I64 != nil:
		col.Type = "int64"
		at(len(c.I64), func(i int) string { return strconv.FormatInt(c.I64[i], 10) })
	default:
		col.Type = "utf8"
		at(len(c.Str), func(i int) string { return c.Str[i] })
	}
	return col
}
