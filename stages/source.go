package stages

import (
	"fmt"

	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/data/cell"
)

// SourceSpec is the canonical description of a source distribution (defined in data/cell,
// beside the Setting that holds it).
type SourceSpec = cell.SourceSpec

// Dists builds every source.
func Dists(specs []SourceSpec) ([]dist.Dist, error) {
	out := make([]dist.Dist, len(specs))
	for i, s := range specs {
		d, err := s.Dist()
		if err != nil {
			return nil, fmt.Errorf("source %d: %w", i, err)
		}
		out[i] = d
	}
	return out, nil
}
