package score

import "sync/atomic"

// Counted wraps a field and counts network evaluations: one per source per point, which is
// what a conditional network (one row per source) or a set of separate experts (one
// network per source) computes for each point of a Scores call.
type Counted struct {
	Field
	evals atomic.Int64
}

// Count wraps f.
func Count(f Field) *Counted { return &Counted{Field: f} }

func (c *Counted) Scores(s float64, x []float64, out [][]float64) {
	c.evals.Add(int64(len(x) / c.Dim() * c.Sources()))
	c.Field.Scores(s, x, out)
}

// Evals is the number of (point, source) evaluations so far.
func (c *Counted) Evals() int64 { return c.evals.Load() }

// PerSample is Evals divided by the number of output samples n.
func (c *Counted) PerSample(n int) float64 { return float64(c.Evals()) / float64(n) }
