package stages

import (
	"fmt"

	"github.com/compdiff/compdiff/core/coverage"
	"github.com/compdiff/compdiff/reports"
)

// coverageMinPoints is how many points per dimension the coverage diagnostic needs: it fits
// full-covariance Gaussians to the pools and the ground truth, which below about 10·d points
// are noise (and below d + 1 singular) — room images (d = 256, N = 1000) are left out.
const coverageMinPoints = 10

// assembleCoverage computes the coverage diagnostic of a setting from the pools and ground
// truth of every (N, run), before (and independently of) any model or sampler; an (N, run)
// with too few points for the dimension is left out.
func assembleCoverage(env *Env, rs *ReportSetting) ([]reports.CoverageResult, error) {
	var cov []reports.CoverageResult
	for _, c := range rs.Coverage {
		if c.N < coverageMinPoints*rs.Dim {
			continue
		}
		truth, _, err := points(env, c.Truth)
		if err != nil {
			return nil, err
		}
		if truth.Len() < coverageMinPoints*truth.D {
			continue
		}
		var pools [][]float64
		for _, name := range c.Pools {
			p, _, err := points(env, name)
			if err != nil {
				return nil, err
			}
			pools = append(pools, p.X)
		}
		rep, err := coverage.Assess(pools, truth.X, truth.D)
		if err != nil {
			return nil, fmt.Errorf("N = %d, run %d: %w", c.N, c.Run, err)
		}
		cov = append(cov, reports.CoverageResult{Setting: rs.ID, N: c.N, Run: c.Run, EffectivePool: rep.EffectivePool})
	}
	return cov, nil
}
