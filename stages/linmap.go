package stages

import (
	"encoding/json"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/linmap"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

// Seed 002 §6–7 (core/linmap): Gaussian sources with full covariances, and the measurement
// and checks of factorized concepts seen through a linear map.
const (
	FullGaussianFamily = "full-gaussian" // cell.SourceSpec.Family of N(mean, cov)
	LinearMapFamily    = "linear-map"    // the setting family: measurement and checks
)

func init() {
	cell.RegisterSource(FullGaussianFamily, func(s SourceSpec) (dist.Dist, error) {
		var p FullGaussianParams
		if err := strictJSON(s.Params, &p); err != nil {
			return nil, fmt.Errorf("full-gaussian source: %w", err)
		}
		d := len(p.Mean)
		if len(p.Cov) != d {
			return nil, fmt.Errorf("full-gaussian source: mean of dimension %d but %d covariance rows", d, len(p.Cov))
		}
		cov := mat.NewSymDense(max(d, 1), nil)
		for i, row := range p.Cov {
			if len(row) != d {
				return nil, fmt.Errorf("full-gaussian source: covariance row %d has %d entries; want %d", i, len(row), d)
			}
			for j, v := range row {
				if v != p.Cov[j][i] {
					return nil, fmt.Errorf("full-gaussian source: covariance[%d][%d] = %v but [%d][%d] = %v; it must be symmetric", i, j, v, j, i, p.Cov[j][i])
				}
				cov.SetSym(i, j, v)
			}
		}
		return dist.NewFullGaussian(p.Mean, cov)
	})
	RegisterMeasure(LinearMapFamily, measureLinearMap)
	RegisterChecks(LinearMapFamily, linearMapChecks)
}

// FullGaussianParams describe N(Mean, Cov) (SourceSpec.Params of family full-gaussian).
type FullGaussianParams struct {
	Mean []float64   `json:"mean"`
	Cov  [][]float64 `json:"cov"`
}

// NewFullGaussianSource describes N(mean, cov).
func NewFullGaussianSource(mean []float64, cov mat.Symmetric) (SourceSpec, error) {
	d := cov.SymmetricDim()
	p := FullGaussianParams{Mean: mean, Cov: make([][]float64, d)}
	for i := range p.Cov {
		p.Cov[i] = make([]float64, d)
		for j := range p.Cov[i] {
			p.Cov[i][j] = cov.At(i, j)
		}
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return SourceSpec{}, err
	}
	return SourceSpec{Family: FullGaussianFamily, Params: raw}, nil
}

// SetupOf reads a linear-map setting's concepts and map from its measurement params.
func SetupOf(m *cell.Measure) (linmap.Setup, error) {
	var s linmap.Setup
	if err := measureParams(m, LinearMapFamily, &s); err != nil {
		return s, err
	}
	return s, s.Validate()
}

// maxCovDim bounds the dimension whose covariance entries the measurement lists.
const maxCovDim = 4

// measureLinearMap compares the samples' second moments with the composition A♯C[p] in
// closed form. Every law here is zero-mean (the concepts are, the maps are linear and the
// samplers' dynamics odd), so the gap lives in the covariance and the measurement uses the
// known mean: Ŝ = (1/n)·Σ x·xᵀ, without the O(tr Σ/n) noise a fitted mean adds. "w2" is
// the 2-Wasserstein distance between N(0, Ŝ) and the composition, "w2.floor" the same for
// the first n ground-truth samples (what n exact samples reach), and "cov.i.j" (i ≤ j,
// d ≤ 4) the entries of Ŝ, for the naive ODE's check. Samples that are not finite (a
// diverged sampler) give NaN values, which the report counts.
func measureLinearMap(params json.RawMessage, x, truth []float64, d int) ([]Value, error) {
	s, err := SetupOf(&cell.Measure{Family: LinearMapFamily, Params: params})
	if err != nil {
		return nil, err
	}
	A, _ := s.A()
	target, err := s.Of().Target(A)
	if err != nil {
		return nil, err
	}
	if d != target.SymmetricDim() {
		return nil, fmt.Errorf("samples of dimension %d for concepts of dimension %d", d, target.SymmetricDim())
	}
	zero := make([]float64, d)
	w2 := func(y []float64) float64 {
		c, ok := secondMoments(y, d)
		if !ok {
			return math.NaN()
		}
		v, err := linmap.W2(zero, c, zero, target)
		if err != nil {
			return math.NaN()
		}
		return v
	}
	n := min(len(x), len(truth)) / d
	out := []Value{{"w2", w2(x)}, {"w2.floor", w2(truth[:n*d])}}
	if d <= maxCovDim {
		c, ok := secondMoments(x, d)
		for i := 0; i < d; i++ {
			for j := i; j < d; j++ {
				v := math.NaN()
				if ok {
					v = c.At(i, j)
				}
				out = append(out, Value{fmt.Sprintf("cov.%d.%d", i, j), v})
			}
		}
	}
	return out, nil
}

// secondMoments is (1/n)·Σ y·yᵀ over the rows of y; ok is false when y has no row or a
// value that is not finite.
func secondMoments(y []float64, d int) (*mat.SymDense, bool) {
	n := len(y) / d
	if n < 1 {
		return nil, false
	}
	for _, v := range y[:n*d] {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, false
		}
	}
	c := mat.NewSymDense(d, nil)
	for a := 0; a < d; a++ {
		for b := a; b < d; b++ {
			s := 0.0
			for i := 0; i < n; i++ {
				s += y[i*d+a] * y[i*d+b]
			}
			c.SetSym(a, b, s/float64(n))
		}
	}
	return c, true
}

// linearMapChecks are seed 002's exact statements on a linear-map setting:
//   - Theorem 6.1: C[A♯p] (the closed-form composition of the pushed-forward sources, the
//     ground truth) equals A♯C[p] = A·D_C·Aᵀ, entry by entry (rounding: 1e−9 of the largest).
//   - §7: for an orthogonal map the continuous naive ODE and SDE end exactly at the
//     composition (W2 gap 0 up to the RK4 error, 1e−6 of the target's scale).
//   - The naive ODE with exact scores ends at N(0, ΦΦᵀ), Φ the product of its Euler steps
//     (linmap.Flow.ODEEuler at the setting's step count): each entry of the sample
//     second moments of its run-0 cell against the closed form, within 4 standard errors
//     √((Σ_ij² + Σ_ii·Σ_jj)/n) (those of the known-mean Gaussian sample covariance).
func linearMapChecks(env *Env, rs *ReportSetting) ([]reports.TheoremCheck, error) {
	s, err := SetupOf(rs.Measure)
	if err != nil {
		return nil, nil
	}
	A, _ := s.A()
	c := s.Of()
	target, err := c.Target(A)
	if err != nil {
		return nil, err
	}
	var out []reports.TheoremCheck
	check := checker(rs.ID, &out)
	ds, err := Dists(rs.Specs())
	if err != nil {
		return nil, err
	}
	composed, err := composeClosedForm(ds, rs.Weights())
	if err != nil {
		return nil, err
	}
	fg, ok := composed.(*dist.FullGaussian)
	if !ok {
		return nil, fmt.Errorf("linear-map setting %s: the composed ground truth is %s, not a full Gaussian", rs.ID, composed.Describe())
	}
	cov, d := fg.Cov(), target.SymmetricDim()
	worst, big := 0.0, 0.0
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			worst = math.Max(worst, math.Abs(cov.At(i, j)-target.At(i, j)))
			big = math.Max(big, math.Abs(target.At(i, j)))
		}
	}
	check("Theorem 6.1 (seed 002)", "max |C[A♯p] − A♯C[p]| over covariance entries", 0, worst, 1e-9*big,
		"the composition operator commutes with the invertible map A")
	scale := math.Sqrt(mat.Trace(target) / float64(d))
	if linmap.Orthogonal(A) {
		steps := max(rs.Protocol.Steps, 1)
		g, err := linmap.Measure(c, A, steps)
		if err != nil {
			return nil, err
		}
		id, err := linmap.Measure(c, mat.NewDiagDense(d, ones(d)), steps)
		if err != nil {
			return nil, err
		}
		note := "noising commutes with an orthogonal map: the naive samplers miss the composition exactly as on the concepts' own axes (there only by the N(0, I) start, W2 %.2g)"
		check("§7 (seed 002)", "W2 gap of the continuous naive ODE, this orthogonal map − the identity", id.ODE.W2, g.ODE.W2, 1e-6*scale, fmt.Sprintf(note, id.ODE.W2))
		check("§7 (seed 002)", "W2 gap of the continuous naive SDE, this orthogonal map − the identity", id.SDE.W2, g.SDE.W2, 1e-6*scale, fmt.Sprintf(note, id.SDE.W2))
	}
	got, n, err := odeCovariance(env, rs, d)
	if err != nil || got == nil || n < 2 {
		return out, err
	}
	covs, err := c.Covs(A)
	if err != nil {
		return nil, err
	}
	f, err := linmap.NewFlow(covs, c.Weights())
	if err != nil {
		return nil, err
	}
	_, want := f.ODEEuler(rs.Protocol.Steps)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			se := math.Sqrt((want.At(i, j)*want.At(i, j) + want.At(i, i)*want.At(j, j)) / float64(n))
			check("§7 naive ODE (seed 002)", fmt.Sprintf("Cov[%d][%d] of the naive ODE's output (exact scores, run 0)", i, j), want.At(i, j), got[i][j], 4*se,
				fmt.Sprintf("closed form ΦΦᵀ of the %d Euler steps; the composition has %.4g", rs.Protocol.Steps, target.At(i, j)))
		}
	}
	return out, nil
}

// odeCovariance reads the fitted covariance of the naive ODE cell on exact scores of run 0
// (nil when the setting has no such cell) and its sample count.
func odeCovariance(env *Env, rs *ReportSetting, d int) ([][]float64, int, error) {
	for _, rc := range rs.Cells {
		t, err := env.Input(rc.Metrics)
		if err != nil {
			return nil, 0, err
		}
		c, err := cell.FromMeta(t.Meta)
		if err != nil || c.Method != cell.ODE || !c.IsExact() || c.Run != 0 {
			continue
		}
		names, err := t.Str("metric")
		if err != nil {
			return nil, 0, err
		}
		vals, err := t.F64("value")
		if err != nil {
			return nil, 0, err
		}
		got := make([][]float64, d)
		for i := range got {
			got[i] = make([]float64, d)
		}
		found := 0
		for k, name := range names {
			var i, j int
			if _, err := fmt.Sscanf(name, "cov.%d.%d", &i, &j); err == nil && i < d && j < d {
				got[i][j], got[j][i] = vals[k], vals[k]
				found++
			}
		}
		if found < d*(d+1)/2 {
			return nil, 0, nil
		}
		return got, rs.Protocol.Samples, nil
	}
	return nil, 0, nil
}

func ones(d int) []float64 {
	out := make([]float64, d)
	for i := range out {
		out[i] = 1
	}
	return out
}
