package stages

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/compdiff/compdiff/core/linmap"
	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/data/cell"
)

func shearSetup(g float64) linmap.Setup {
	c := linmap.GaussFCOOD()
	return linmap.Setup{Name: "gauss-fc-ood", Background: c.Background, Concepts: c.Concepts, Shear: &g}
}

func rotationSetup(th float64) linmap.Setup {
	c := linmap.GaussFCOOD()
	return linmap.Setup{Name: "gauss-fc-ood", Background: c.Background, Concepts: c.Concepts, Rotation: &th}
}

// linmapSetting is a linear-map setting as the spec family builds it.
func linmapSetting(t *testing.T, su linmap.Setup) *ReportSetting {
	t.Helper()
	A, err := su.A()
	if err != nil {
		t.Fatal(err)
	}
	covs, err := su.Of().Covs(A)
	if err != nil {
		t.Fatal(err)
	}
	rs := &ReportSetting{Setting: cell.Setting{ID: "lm", Family: LinearMapFamily, Truth: ClosedForm, Dim: 2}}
	for a, cov := range covs {
		spec, err := NewFullGaussianSource([]float64{0, 0}, cov)
		if err != nil {
			t.Fatal(err)
		}
		rs.Sources = append(rs.Sources, cell.Source{Name: string(rune('a' + a)), Weight: su.Of().Weights()[a], Spec: spec})
	}
	raw, _ := json.Marshal(su)
	rs.Measure = &cell.Measure{Family: LinearMapFamily, Params: raw}
	return rs
}

// putMetrics stores vs as the metrics of the setting's run-0 naive-ODE cell on exact
// scores and lists it among the setting's cells.
func putMetrics(t *testing.T, env *Env, rs *ReportSetting, vs []Value) {
	t.Helper()
	var names []string
	var vals []float64
	for _, v := range vs {
		names, vals = append(names, v.Metric), append(vals, v.Value)
	}
	c := cell.Cell{Setting: rs.ID, Column: cell.Exact(), Method: cell.ODE, K: 1, Run: 0}
	tb := &data.Table{Cols: []data.Column{{Name: "metric", Str: names}, {Name: "value", F64: vals}}, Meta: c.Meta()}
	key := data.Key("0123456789abcdef0123456789abcdef")
	if err := env.Store.Put(&data.Manifest{Key: key, Stage: "metrics", Version: MetricsVersion, Params: json.RawMessage(`{}`)}, map[string]*data.Table{"main": tb}); err != nil {
		t.Fatal(err)
	}
	env.Inputs["ode"] = key
	rs.Cells = []ReportCell{{Metrics: "ode"}}
}

// The linear-map measurement on exact samples: W2 of N(0, Ŝ) to the composition is the
// floor's (the same samples), and the second moments are the composition's within 4
// standard errors √((Σ_ij² + Σ_ii·Σ_jj)/n); a diverged sample gives NaN, not an error.
func TestLinearMapMeasurement(t *testing.T) {
	const n = 4000
	rs := linmapSetting(t, shearSetup(1))
	_, x := storeTruth(t, rs, n)
	v := values(mustValues(t, rs, x, x))
	A, _ := shearSetup(1).A()
	target, _ := shearSetup(1).Of().Target(A)
	for _, e := range [][2]int{{0, 0}, {0, 1}, {1, 1}} {
		i, j := e[0], e[1]
		want := target.At(i, j)
		se := math.Sqrt((want*want + target.At(i, i)*target.At(j, j)) / n)
		got := v["cov."+string(rune('0'+i))+"."+string(rune('0'+j))]
		if math.Abs(got-want) > 4*se {
			t.Errorf("second moment [%d][%d] = %v, composition %v ± %v", i, j, got, want, 4*se)
		}
	}
	if v["w2"] != v["w2.floor"] || !(v["w2"] > 0) {
		t.Errorf("w2 %v, floor %v of the same samples", v["w2"], v["w2.floor"])
	}
	y := append([]float64(nil), x...)
	y[3] = math.Inf(1)
	if w := values(mustValues(t, rs, y, x)); !math.IsNaN(w["w2"]) || !math.IsNaN(w["cov.0.0"]) {
		t.Errorf("diverged samples measured as %v", w)
	}
}

func mustValues(t *testing.T, rs *ReportSetting, x, truth []float64) []Value {
	t.Helper()
	vs, err := measureLinearMap(rs.Measure.Params, x, truth, 2)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}
