package stages

import (
	"fmt"

	"github.com/compdiff/compdiff/core/dsm"
)

// ScoresCoInD is a conditional network trained with CoInD's conditional-independence
// penalty (seed 003) and composed through its marginal conditions.
const ScoresCoInD = "coind"

// CoInDLabels maps a composition p_a·p_b/p_0 (two sources of weight +1, one of weight −1) to
// CoInD's two binary attributes: the first +1 source is the joint (1,0), the second (0,1),
// the −1 source (0,0); the target is the unseen joint (1,1).
func CoInDLabels(weights []float64) ([]dsm.Cond, error) {
	labels := make([]dsm.Cond, len(weights))
	pos, neg := 0, 0
	for a, w := range weights {
		switch w {
		case 1:
			if pos == 2 {
				return nil, fmt.Errorf("coind: weights %v have more than two +1 sources; CoInD composes two attributes over one base", weights)
			}
			labels[a] = dsm.Cond{0, 0}
			labels[a][pos] = 1
			pos++
		case -1:
			labels[a] = dsm.Cond{0, 0}
			neg++
		default:
			return nil, fmt.Errorf("coind: weight %v; CoInD composes p_a·p_b/p_0, so the weights must be two +1 and one −1", w)
		}
	}
	if pos != 2 || neg != 1 {
		return nil, fmt.Errorf("coind: weights %v; CoInD composes p_a·p_b/p_0 and needs exactly two +1 and one −1", weights)
	}
	return labels, nil
}

// coindConfig is the attribute layout of a CoInD model over pools with these labels.
func coindConfig(labels []dsm.Cond, lambda float64) dsm.CoInD {
	return dsm.CoInD{Values: [2]int{2, 2}, Labels: labels, Lambda: lambda}
}

// coindMarginals are the conditions CoInD composes for each source: an attribute switched
// on by the source's joint stays, the others become ∅ — (1,∅), (∅,1) and (∅,∅) — so that
// the composition's weights (+1, +1, −1) compose the marginal scores.
func coindMarginals(labels []dsm.Cond) []dsm.Cond {
	out := make([]dsm.Cond, len(labels))
	for a, l := range labels {
		for k, v := range l {
			out[a][k] = dsm.Null
			if v == 1 {
				out[a][k] = 1
			}
		}
	}
	return out
}
