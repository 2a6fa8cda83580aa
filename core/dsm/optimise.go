package dsm

import (
	"math/rand/v2"

	"github.com/compdiff/compdiff/core/nn"
)

// Optimise is the training loop of TrainConditional for a network trained elsewhere by
// denoising score matching (e.g. core/local's location-conditioned networks): cfg.Iters
// calls of step (one batch and one optimiser update each, returning the batch loss), the
// loss curve averaged over cfg.LossEvery iterations, and an error on a non-finite loss.
func Optimise(m *nn.MLP, step func(r *rand.Rand) float64, cfg TrainConfig, r *rand.Rand, progress func(iter int)) (*nn.MLP, []LossPoint, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	return optimise(m, step, cfg, r, progress)
}
