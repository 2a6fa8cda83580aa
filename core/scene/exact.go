package scene

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/compdiff/compdiff/core/resample"
)

// ExactOptions tune Composition.Exact's importance samplers.
type ExactOptions struct {
	Oversample int     // proposals per wanted sample (default 20)
	MinESS     float64 // least acceptable ESS as a fraction of n (default 0.5)
}

func (o ExactOptions) withDefaults() ExactOptions {
	if o.Oversample == 0 {
		o.Oversample = 20
	}
	if o.MinESS == 0 {
		o.MinESS = 0.5
	}
	return o
}

// Exact-sampler methods, in the order Composition.Exact tries them.
const (
	MethodProjective = "projective" // Theorem 5.3: direct draws from the projective law
	MethodLimit      = "limit"      // importance sampling from the σ0 → 0 configuration law
	MethodTuple      = "tuple"      // importance sampling per component tuple in the template span
)

// ExactReport says how exact samples were drawn.
type ExactReport struct {
	Method    string
	ESS       float64 // effective sample size of the importance weights; n for direct draws
	Proposals int     // importance proposals drawn (0 for direct draws)
}

// ESSError reports an importance sampler whose effective sample size is too small.
type ESSError struct {
	Method    string
	ESS, Need float64
	Proposals int
}

func (e *ESSError) Error() string {
	return fmt.Sprintf("exact sampler (%s): ESS %.1f from %d proposals, below the %.0f needed; the proposal is too far from the composed target (raise ExactOptions.Oversample, or use fewer conditionals)", e.Method, e.ESS, e.Proposals, e.Need)
}

// Exact draws n samples (row-major n×S·P) of the composed distribution C. Factorized
// conditionals are sampled directly from the projective law (Theorem 5.3). Otherwise C is
// sampled by importance sampling and systematic resampling: from the σ0 → 0 configuration
// law (Limit) when it exists, else per component tuple in the template span (laplace.go).
// It fails with an *ESSError when the ESS falls below opt.MinESS·n.
func (cm Composition) Exact(n int, opt ExactOptions, r *rand.Rand) ([]float64, ExactReport, error) {
	if n < 1 {
		return nil, ExactReport{}, fmt.Errorf("exact sampler: asked for %d samples; ask for at least 1", n)
	}
	opt = opt.withDefaults()
	if opt.Oversample < 1 || !(opt.MinESS > 0 && opt.MinESS <= float64(opt.Oversample)) {
		return nil, ExactReport{}, fmt.Errorf("exact sampler: oversample = %d, min ESS = %v·n; use oversample ≥ 1 and 0 < min ESS ≤ oversample", opt.Oversample, opt.MinESS)
	}
	if law, err := cm.Projective(); err == nil {
		x, _ := cm.Spec.Sample(law, n, r)
		return x, ExactReport{Method: MethodProjective, ESS: float64(n)}, nil
	} else if _, ok := err.(*NotFactorizedError); !ok {
		return nil, ExactReport{}, err
	}
	total := n * opt.Oversample
	var prop []float64
	var logw []float64
	method := MethodLimit
	if law, err := cm.Limit(); err == nil {
		prop, logw, err = cm.limitProposals(law, total, r)
		if err != nil {
			return nil, ExactReport{}, err
		}
	} else {
		method = MethodTuple
		ts, err := newTupleSampler(cm)
		if err != nil {
			return nil, ExactReport{}, err
		}
		prop, logw = ts.proposals(total, r)
	}
	rep := ExactReport{Method: method, ESS: resample.ESS(logw), Proposals: total}
	if rep.ESS < opt.MinESS*float64(n) {
		return nil, rep, &ESSError{Method: method, ESS: rep.ESS, Need: opt.MinESS * float64(n), Proposals: total}
	}
	return resampleRows(prop, logw, cm.Spec.Dim(), n, r), rep, nil
}

// ExactMethod names the sampler Exact would use, without sampling, or says why the
// composition has none (two conditionals changing one slot of a Limit-less composition,
// too many component tuples, …). The ESS is known only once Exact has drawn.
func (cm Composition) ExactMethod() (string, error) {
	if _, err := cm.Projective(); err == nil {
		return MethodProjective, nil
	} else if _, ok := err.(*NotFactorizedError); !ok {
		return "", err
	}
	if _, err := cm.Limit(); err == nil {
		return MethodLimit, nil
	}
	if err := cm.checkTuples(); err != nil {
		return "", err
	}
	return MethodTuple, nil
}

// resampleRows reduces weighted proposals (row-major, dimension d) to n rows by systematic
// resampling and shuffles them, so duplicates are not adjacent.
func resampleRows(prop, logw []float64, d, n int, r *rand.Rand) []float64 {
	idx := resample.Systematic(logw, n, r)
	x := make([]float64, n*d)
	for j, i := range idx {
		copy(x[j*d:(j+1)*d], prop[i*d:(i+1)*d])
	}
	r.Shuffle(n, func(a, b int) {
		for k := 0; k < d; k++ {
			x[a*d+k], x[b*d+k] = x[b*d+k], x[a*d+k]
		}
	})
	return x
}

// limitProposals draws total scenes of the σ0 → 0 law and their log-weights log C − log q.
func (cm Composition) limitProposals(law Law, total int, r *rand.Rand) ([]float64, []float64, error) {
	q, err := Mixture(cm.Spec, law)
	if err != nil {
		return nil, nil, err
	}
	src, err := cm.Sources()
	if err != nil {
		return nil, nil, err
	}
	w := cm.Weights()
	d := cm.Spec.Dim()
	x, _ := cm.Spec.Sample(law, total, r)
	logw := make([]float64, total)
	for i := range logw {
		row := x[i*d : (i+1)*d]
		logw[i] = LogDensity(src, w, row) - q.LogProb(row)
		if math.IsNaN(logw[i]) || math.IsInf(logw[i], 1) {
			return nil, nil, fmt.Errorf("exact sampler (limit): log-weight %v at proposal %d", logw[i], i)
		}
	}
	return x, logw, nil
}

// proposals draws total scenes from the tuple proposal (span part) and N(0, σ0²I_⊥) (the
// rest, exact) with their log-weights log F(v) − log q(v).
func (ts *tupleSampler) proposals(total int, r *rand.Rand) ([]float64, []float64) {
	d, R := ts.sp.sp.Dim(), ts.sp.R
	cdf := make([]float64, len(ts.comps))
	c := 0.0
	for j, comp := range ts.comps {
		c += math.Exp(comp.logZ)
		cdf[j] = c
	}
	x := make([]float64, total*d)
	logw := make([]float64, total)
	v := make([]float64, R)
	scr := make([]float64, R)
	z := make([]float64, ts.sp.sp.Slots*ts.sp.sp.Kinds())
	for i := range logw {
		ts.draw(r, cdf, v)
		logw[i] = ts.logF(v, z) - ts.logQ(v, scr)
		ts.sp.scene(v, r.NormFloat64, x[i*d:(i+1)*d])
	}
	return x, logw
}
