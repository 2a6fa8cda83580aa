package stages

import (
	"context"
	"encoding/json"

	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/data"
)

// DatasetVersion: bump when pools change for the same params.
const DatasetVersion = 1

// DatasetParams: a training pool of N samples of one source, drawn once per run seed.
type DatasetParams struct {
	Source SourceSpec `json:"source"`
	N      int        `json:"n"`
	Seed   uint64     `json:"seed"`
}

func init() { register(Def{Name: "dataset", Version: DatasetVersion, Run: runDataset}) }

func runDataset(_ context.Context, env *Env, raw json.RawMessage) (*Output, error) {
	var p DatasetParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	d, err := p.Source.Dist()
	if err != nil {
		return nil, err
	}
	x := d.Sample(rng.New(p.Seed, "dataset/"+string(env.Key)), p.N)
	return one(data.SamplesTable(x, d.Dim())), nil
}
