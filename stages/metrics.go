package stages

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/compdiff/compdiff/core/metrics"
	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/data/cell"
)

// MetricsVersion: bump when metric values change for the same inputs.
const MetricsVersion = 4 // 2: carries its samples' cell; 3: MMD² kernel sums in 8 lanes (expSum); 4: the escaped share

// MetricsParams: SW2, MMD² and the escaped share of input "samples" against input "truth".
type MetricsParams struct {
	Projections int    `json:"projections"`
	Seed        uint64 `json:"seed"`
	// Measure adds the setting family's own measurement (RegisterMeasure, or
	// RegisterInputMeasure for one that reads the node's inputs besides samples and truth);
	// nil for families measured by SW2 and MMD² alone, whose keys it therefore leaves unchanged.
	Measure *cell.Measure `json:"measure,omitempty"`
}

func init() { register(Def{Name: "metrics", Version: MetricsVersion, Run: runMetrics}) }

func runMetrics(_ context.Context, env *Env, raw json.RawMessage) (*Output, error) {
	var p MetricsParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	st, err := env.Input("samples")
	if err != nil {
		return nil, err
	}
	tt, err := env.Input("truth")
	if err != nil {
		return nil, err
	}
	x, d, err := st.Samples()
	if err != nil {
		return nil, err
	}
	y, dy, err := tt.Samples()
	if err != nil {
		return nil, err
	}
	if d != dy {
		return nil, fmt.Errorf("samples have dimension %d but ground truth %d", d, dy)
	}
	sw2 := metrics.SW2(x, y, d, p.Projections, rng.New(p.Seed, "metrics/"+string(env.Key)))
	mmd2 := metrics.MMD2(x, y, d)
	// escaped: the share of samples far outside the target (metrics.Escaped), so a runaway
	// trajectory is seen as such, not only through the SW2 it inflates.
	names, vals := []string{"sw2", "mmd2", "escaped"}, []float64{sw2, mmd2, metrics.Escaped(x, y, d)}
	if p.Measure != nil {
		m, err := measureOf(p.Measure.Family)
		if err != nil {
			return nil, err
		}
		extra, err := m(p.Measure.Params, x, y, d, env.Input)
		if err != nil {
			return nil, fmt.Errorf("measurement of family %s: %w", p.Measure.Family, err)
		}
		for _, v := range extra {
			names, vals = append(names, v.Metric), append(vals, v.Value)
		}
	}
	// The result carries the cell of its samples, so the report needs no other map.
	meta := map[string]string{}
	if c, err := cell.FromMeta(st.Meta); err == nil {
		meta = c.Meta()
	}
	// The sampler's network evaluations per sample travel with the metrics to the report.
	if nfe, ok := st.Meta["nfe"]; ok {
		meta["nfe"] = nfe
	}
	return one(&data.Table{Cols: []data.Column{
		{Name: "metric", Str: names},
		{Name: "value", F64: vals},
	}, Meta: meta}), nil
}
