package stages

import (
	"fmt"
	"math"
	"strconv"

	"github.com/compdiff/compdiff/core/coverage"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// assembleMethods reads every cell of a setting (FKC over K, the other samplers, CoInD
// models) with its recorded network evaluations, and computes the coverage diagnostic
// from the pools and ground truth of every (N, run).
func assembleMethods(env *Env, rs *ReportSetting) ([]reports.MethodResult, []reports.CoverageResult, error) {
	var out []reports.MethodResult
	read := func(metrics string, r reports.MethodResult, fromCell bool) error {
		t, err := env.Input(metrics)
		if err != nil {
			return err
		}
		names, err := t.Str("metric")
		if err != nil {
			return err
		}
		vals, err := t.F64("value")
		if err != nil {
			return err
		}
		if fromCell {
			c, err := cell.FromMeta(t.Meta)
			if err != nil {
				return err
			}
			r.Method, r.Model, r.N, r.K, r.Run = string(c.Method), string(c.Model), strconv.Itoa(c.N), c.K, c.Run
		}
		r.Setting, r.NFE = rs.ID, math.NaN()
		if v, err := strconv.ParseFloat(t.Meta["nfe"], 64); err == nil {
			r.NFE = v
		}
		for i, n := range names {
			switch n {
			case "sw2":
				r.SW2 = vals[i]
			case "mmd2":
				r.MMD2 = vals[i]
			}
		}
		out = append(out, r)
		return nil
	}
	for _, c := range rs.Cells {
		if err := read(c.Metrics, reports.MethodResult{}, true); err != nil {
			return nil, nil, err
		}
	}
	for _, c := range rs.Methods {
		r := reports.MethodResult{Method: c.Method, Model: c.Model, N: c.N, K: c.K, Run: c.Run}
		if err := read(c.Metrics, r, false); err != nil {
			return nil, nil, err
		}
	}
	var cov []reports.CoverageResult
	for _, c := range rs.Coverage {
		truth, _, err := points(env, c.Truth)
		if err != nil {
			return nil, nil, err
		}
		var pools [][]float64
		for _, name := range c.Pools {
			p, _, err := points(env, name)
			if err != nil {
				return nil, nil, err
			}
			pools = append(pools, p.X)
		}
		rep, err := coverage.Assess(pools, truth.X, truth.D)
		if err != nil {
			return nil, nil, fmt.Errorf("coverage diagnostic, N = %s, run %d: %w", c.N, c.Run, err)
		}
		cov = append(cov, reports.CoverageResult{Setting: rs.ID, N: c.N, Run: c.Run, EffectivePool: rep.EffectivePool})
	}
	return out, cov, nil
}
