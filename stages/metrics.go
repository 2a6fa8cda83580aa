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
const MetricsVersion = 3 // 2: carries its samples' cell; 3: MMD² kernel sums in 8 lanes (expSum)

// MetricsParams: SW2 and MMD² of input "samples" against input "truth".
type MetricsParams struct {
	Projections int    `json:"projections"`
	Seed        uint64 `json:"seed"`
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
		{Name: "metric", Str: []string{"sw2", "mmd2"}},
		{Name: "value", F64: []float64{sw2, mmd2}},
	}, Meta: meta}), nil
}
