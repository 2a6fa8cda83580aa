package stages

import (
	"fmt"
	"math/rand/v2"

	"github.com/compdiff/compdiff/core/score"
	"github.com/compdiff/compdiff/core/superdiff"
)

// superpose runs SuperDiff over the sources of positive weight (the composition's factors;
// the base's score does not enter AND or OR).
func superpose(f score.Field, p *SampleParams, r *rand.Rand) ([]float64, error) {
	var models []int
	for a, w := range p.Weights {
		if w > 0 {
			models = append(models, a)
		}
	}
	if len(models) == 0 {
		return nil, fmt.Errorf("%s: weights %v have no positive entry; superposition needs at least one model", p.Method, p.Weights)
	}
	op := superdiff.Or
	if p.Method == MethodSuperAnd {
		op = superdiff.And
	}
	x, _, err := superdiff.Sample(f, p.N, superdiff.Config{Op: op, Steps: p.Steps, Models: models, Temperature: 1}, r)
	return x, err
}
