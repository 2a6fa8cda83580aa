package stages

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/core/room"
	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/data/cell"
)

// roomTest is a room setting as the spec family describes it: sources (a1, a2, 0) with the
// base composition's weights, and the measurement.
type roomTest struct {
	name string
	spec room.Spec
	src  room.Sources
}

func (rt roomTest) setting(t *testing.T) *ReportSetting {
	t.Helper()
	s := &ReportSetting{Setting: cell.Setting{ID: rt.name, Family: RoomFamily, Truth: Rejection}}
	for a, cw := range rt.src.List() {
		p, err := json.Marshal(room.SourceParams{Room: rt.spec, ClassWeights: cw})
		if err != nil {
			t.Fatal(err)
		}
		s.Sources = append(s.Sources, cell.Source{Name: []string{"a1", "a2", "0"}[a], Weight: room.BaseWeights()[a],
			Spec: cell.SourceSpec{Family: RoomFamily, Params: p}})
	}
	target, err := room.TargetClassWeights(rt.src.List(), room.BaseWeights())
	if err != nil {
		t.Fatal(err)
	}
	mp, _ := json.Marshal(room.MeasureParams{Room: rt.spec, Target: target})
	s.Measure = &cell.Measure{Family: RoomFamily, Params: mp}
	return s
}

var (
	paintingID = roomTest{"painting-id", room.PaintingRoom(), room.ReleasedID(room.ReleasedAlpha)}
	tableID    = roomTest{"table-id", room.TableRoom(), room.ReleasedID(room.ReleasedAlpha)}
	tableOOD   = roomTest{"table-ood-product", room.TableRoom(), room.ProductOOD(room.ProductGamma)}
)

// truthIn runs the truth stage for the setting into a fresh store and returns an env whose
// input "truth" is that artifact.
func truthIn(t *testing.T, s *ReportSetting, n int) *Env {
	t.Helper()
	st, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(TruthParams{Sources: s.Specs(), Weights: s.Weights(), Method: Rejection, N: n, Safety: 1, Seed: 3})
	key := data.Key(fmt.Sprintf("%032x", len(s.ID)))
	env := &Env{Store: st, Key: key}
	def, _ := Lookup("truth")
	out, err := def.Run(context.Background(), env, raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(&data.Manifest{Key: key, Stage: "truth", Version: def.Version, Params: raw}, out.Parts); err != nil {
		t.Fatal(err)
	}
	s.Truths = []string{"truth"}
	return &Env{Store: st, Key: "report", Inputs: map[string]data.Key{"truth": key}}
}

// The measurement on true target samples: each class share within 4 standard errors
// sqrt(π_c(1 − π_c)/n) of the exact class weight π_c (plus ShareErrorBound, ≈ 1e−70 here),
// no sample invalid (the classifier's ErrorBound is ≈ 1e−19, so 1% is far above), TV at most
// ½Σ_c of those allowances, and 'all', 'partial' consistent with the shares.
func TestRoomMeasurementOnTruth(t *testing.T) {
	const n = 4000
	m, err := lookupMeasure(RoomFamily)
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range []roomTest{paintingID, tableOOD} {
		s := rt.setting(t)
		env := truthIn(t, s, n)
		pts, _, err := points(env, "truth")
		if err != nil {
			t.Fatal(err)
		}
		vals, err := m(s.Measure.Params, pts.X, pts.X, pts.D)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, v := range vals {
			got[v.Metric] = v.Value
		}
		var mp room.MeasureParams
		_ = json.Unmarshal(s.Measure.Params, &mp)
		bound, err := room.ShareErrorBound(rt.spec, rt.src.List(), room.BaseWeights())
		if err != nil {
			t.Fatal(err)
		}
		tvAllow := 0.0
		for c, p := range mp.Target {
			allow := 4*math.Sqrt(p*(1-p)/n) + bound
			tvAllow += allow / 2
			if sh := got[room.ShareMetric(rt.spec, c)]; math.Abs(sh-p) > allow {
				t.Errorf("%s: share of %s %.4f, exact %.4f (allowed ±%.4f)", rt.name, room.ClassName(rt.spec, c), sh, p, allow)
			}
		}
		if got[room.MetricInvalid] > 0 {
			t.Errorf("%s: %.4f of true samples invalid; the error bound expects none", rt.name, got[room.MetricInvalid])
		}
		if got[room.MetricTV] > tvAllow {
			t.Errorf("%s: TV %.4f to the exact weights; allowed %.4f", rt.name, got[room.MetricTV], tvAllow)
		}
		if all := got[room.ShareMetric(rt.spec, 3)]; got[room.MetricAll] != all || math.Abs(got[room.MetricPartial]-got["share.couch"]-got[room.ShareMetric(rt.spec, 2)]) > 1e-15 {
			t.Errorf("%s: all %v partial %v inconsistent with the shares %v", rt.name, got[room.MetricAll], got[room.MetricPartial], got)
		}
		t.Logf("%s: %v (target %.4g)", rt.name, got, mp.Target)
	}
	if _, err := m(json.RawMessage(`{"room": {}, "target": [1], "extra": 1}`), nil, nil, 256); err == nil || !strings.Contains(err.Error(), "extra") {
		t.Errorf("unknown field: error %v", err)
	}
	if _, err := m(paintingID.setting(t).Measure.Params, make([]float64, 64), nil, 64); err == nil || !strings.Contains(err.Error(), "256 pixels") {
		t.Errorf("wrong dimension: error %v", err)
	}
}

// Theorem 3 through the report's checks: on the factorized painting room g vanishes within
// the rounding tolerance; on the table room (not factorized) it is clearly non-zero, and the
// check says why Theorem 3 does not apply.
func TestRoomTheorem3Check(t *testing.T) {
	for _, c := range []struct {
		rt         roomTest
		factorized bool
	}{{paintingID, true}, {tableID, false}} {
		s := c.rt.setting(t)
		env := truthIn(t, s, 200)
		checks, err := checks[RoomFamily](env, s) // the registered check
		if err != nil {
			t.Fatal(err)
		}
		if len(checks) != 1 {
			t.Fatalf("%s: %d checks, want 1", c.rt.name, len(checks))
		}
		ch := checks[0]
		if !ch.Pass || ch.Theorem != "Theorem 3" || (ch.Measured <= ch.Tolerance) != c.factorized {
			t.Errorf("%s: %+v", c.rt.name, ch)
		}
		if !c.factorized && !strings.Contains(ch.Note, "overlap") && !strings.Contains(ch.Note, "cover") {
			t.Errorf("%s: the note should say why the room is not factorized: %s", c.rt.name, ch.Note)
		}
		t.Logf("%s: %s = %.3g (tolerance %.3g); %s", c.rt.name, ch.Quantity, ch.Measured, ch.Tolerance, ch.Note)
	}
	s := paintingID.setting(t)
	s.Sources[2].Weight = -0.5 // not the base composition: no check
	if checks, err := roomChecks(&Env{}, s); err != nil || checks != nil {
		t.Errorf("weights (1, 1, −0.5): checks %v, error %v; want none", checks, err)
	}
}

// A room source is built from its params; params it cannot read are refused by name.
func TestRoomSource(t *testing.T) {
	s := paintingID.setting(t)
	d, err := s.Sources[0].Spec.Dist()
	if err != nil || d.Dim() != 256 {
		t.Fatalf("source: %v, %v", d, err)
	}
	bad := cell.SourceSpec{Family: RoomFamily, Params: json.RawMessage(`{"room": {}, "class_weights": [1], "colour": 2}`)}
	if _, err := bad.Dist(); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Errorf("unknown field: error %v", err)
	}
	bad.Params = json.RawMessage(`{"room": {}, "class_weights": [1]}`)
	if _, err := bad.Dist(); err == nil || !strings.Contains(err.Error(), "room:") {
		t.Errorf("empty room: error %v", err)
	}
	if _, err := RoomSource(cell.SourceSpec{Family: "mixture"}); err == nil {
		t.Error("a mixture source read as a room")
	}
}
