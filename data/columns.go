package data

import (
	"fmt"
	"strconv"
	"strings"
)

// Len is the number of rows: the length of the first column, 0 for a table without columns.
func (t *Table) Len() int {
	if len(t.Cols) == 0 {
		return 0
	}
	return t.Cols[0].len()
}

// Validate checks that every column has a unique non-empty name, exactly one values slice,
// and as many rows as the first column.
func (t *Table) Validate() error {
	seen := make(map[string]int, len(t.Cols))
	for i, c := range t.Cols {
		if c.Name == "" {
			return fmt.Errorf("table column %d: empty name; give every column a name", i)
		}
		if j, dup := seen[c.Name]; dup {
			return fmt.Errorf("table column %q: duplicate name (columns %d and %d)", c.Name, j, i)
		}
		seen[c.Name] = i
		if set := c.setSlices(); len(set) != 1 {
			if len(set) == 0 {
				return fmt.Errorf("table column %q: no values slice set; set exactly one of F64, F32, I64, Str (use an empty, non-nil slice for zero rows)", c.Name)
			}
			return fmt.Errorf("table column %q: %d values slices set (%s); set exactly one", c.Name, len(set), strings.Join(set, ", "))
		}
		if c.Null != nil && len(c.Null) != c.len() {
			return fmt.Errorf("table column %q: Null has %d entries for %d rows; give one per row or none", c.Name, len(c.Null), c.len())
		}
		if n, n0 := c.len(), t.Cols[0].len(); n != n0 {
			return fmt.Errorf("table column %q: has %d rows, but column %q has %d", c.Name, n, t.Cols[0].Name, n0)
		}
	}
	return nil
}

// setSlices names the non-nil values slices of c.
func (c *Column) setSlices() []string {
	var set []string
	if c.F64 != nil {
		set = append(set, "F64")
	}
	if c.F32 != nil {
		set = append(set, "F32")
	}
	if c.I64 != nil {
		set = append(set, "I64")
	}
	if c.Str != nil {
		set = append(set, "Str")
	}
	return set
}

func (c *Column) len() int {
	switch {
	case c.F64 != nil:
		return len(c.F64)
	case c.F32 != nil:
		return len(c.F32)
	case c.I64 != nil:
		return len(c.I64)
	default:
		return len(c.Str)
	}
}

// typeName is the column's element type as users write it in Go.
func (c *Column) typeName() string {
	switch {
	case c.F64 != nil:
		return "float64"
	case c.F32 != nil:
		return "float32"
	case c.I64 != nil:
		return "int64"
	case c.Str != nil:
		return "string"
	default:
		return "empty"
	}
}

// Col returns the column with the given name.
func (t *Table) Col(name string) (*Column, bool) {
	for i := range t.Cols {
		if t.Cols[i].Name == name {
			return &t.Cols[i], true
		}
	}
	return nil, false
}

// col is Col with an error that lists the columns that do exist.
func (t *Table) col(name, want string) (*Column, error) {
	c, ok := t.Col(name)
	if !ok {
		names := make([]string, len(t.Cols))
		for i := range t.Cols {
			names[i] = t.Cols[i].Name
		}
		return nil, fmt.Errorf("column %q not found (have %s)", name, strings.Join(names, ", "))
	}
	if got := c.typeName(); got != want {
		return nil, fmt.Errorf("column %q is %s, not %s", name, got, want)
	}
	return c, nil
}

// F64 returns the values of a float64 column (not a copy).
func (t *Table) F64(name string) ([]float64, error) {
	c, err := t.col(name, "float64")
	if err != nil {
		return nil, err
	}
	return c.F64, nil
}

// F32 returns the values of a float32 column (not a copy).
func (t *Table) F32(name string) ([]float32, error) {
	c, err := t.col(name, "float32")
	if err != nil {
		return nil, err
	}
	return c.F32, nil
}

// I64 returns the values of an int64 column (not a copy).
func (t *Table) I64(name string) ([]int64, error) {
	c, err := t.col(name, "int64")
	if err != nil {
		return nil, err
	}
	return c.I64, nil
}

// Str returns the values of a string column (not a copy).
func (t *Table) Str(name string) ([]string, error) {
	c, err := t.col(name, "string")
	if err != nil {
		return nil, err
	}
	return c.Str, nil
}

// SamplesTable stores a row-major n×d matrix as float64 columns x0..x{d-1}.
// It panics if d < 1 or len(x) is not a multiple of d: that is a bug in the caller.
func SamplesTable(x []float64, d int) *Table {
	if d < 1 || len(x)%d != 0 {
		panic(fmt.Sprintf("data.SamplesTable: %d values do not form rows of dimension %d", len(x), d))
	}
	n := len(x) / d
	t := &Table{Cols: make([]Column, d)}
	for j := range d {
		col := make([]float64, n)
		for i := range n {
			col[i] = x[i*d+j]
		}
		t.Cols[j] = Column{Name: "x" + strconv.Itoa(j), F64: col}
	}
	return t
}

// Samples reads the columns x0, x1, ... (as many as exist consecutively) back into a row-major
// n×d matrix. float32 columns are widened so samples from float32 models read the same way.
func (t *Table) Samples() (x []float64, d int, err error) {
	var cols []*Column
	for {
		c, ok := t.Col("x" + strconv.Itoa(len(cols)))
		if !ok {
			break
		}
		if c.F64 == nil && c.F32 == nil {
			return nil, 0, fmt.Errorf("samples: column %q is %s, not float64 or float32", c.Name, c.typeName())
		}
		cols = append(cols, c)
	}
	if len(cols) == 0 {
		_, err := t.col("x0", "float64")
		return nil, 0, fmt.Errorf("samples: %w", err)
	}
	d = len(cols)
	n := cols[0].len()
	x = make([]float64, n*d)
	for j, c := range cols {
		if c.len() != n {
			return nil, 0, fmt.Errorf("samples: column %q has %d rows, x0 has %d", c.Name, c.len(), n)
		}
		if c.F64 != nil {
			for i, v := range c.F64 {
				x[i*d+j] = v
			}
		} else {
			for i, v := range c.F32 {
				x[i*d+j] = float64(v)
			}
		}
	}
	return x, d, nil
}
