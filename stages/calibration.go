package stages

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/reports"
)

// CalibrationVersion: bump when the calibration table changes for the same inputs.
const CalibrationVersion = 1

// CalibrationParams: the profile's network (training 1), further candidates (2, 3, …)
// against the reference training (0, the paper's network) on the same pools and ground truth,
// each sampled naively (K = 1). Per setting and N, the per-run difference of SW2 from the
// reference's must lie within ±Margin·scale (scale: the RMS std of the run's ground truth);
// equivalence is tested by TOST, Holm over the settings and Ns of one training.
type CalibrationParams struct {
	Margin float64 `json:"margin"`
	// ReferenceCoreSeconds is what one reference model costs by the cost model (for the
	// report's "to calibrate with more runs" line).
	ReferenceCoreSeconds float64           `json:"reference_core_seconds,omitempty"`
	Trainings            []string          `json:"trainings"` // descriptions, the reference first
	Cells                []CalibrationCell `json:"cells"`
}

// CalibrationCell locates one run's K = 1 metrics of one training on one setting and pool
// size, and that run's ground truth (for the scale).
type CalibrationCell struct {
	Setting  string `json:"setting"`
	N        int    `json:"n"`
	Run      int    `json:"run"`
	Training int    `json:"training"`
	Metrics  string `json:"metrics"`
	Truth    string `json:"truth"`
}

func init() { register(Def{Name: "calibration", Version: CalibrationVersion, Run: runCalibration}) }

type calKey struct {
	setting  string
	n, train int
}

func runCalibration(_ context.Context, env *Env, raw json.RawMessage) (*Output, error) {
	var p CalibrationParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	sw2 := map[calKey]map[int]float64{}
	scale := map[calKey]float64{} // per (setting, n): the mean truth scale over runs
	var order []calKey
	for _, c := range p.Cells {
		t, err := env.Input(c.Metrics)
		if err != nil {
			return nil, err
		}
		names, _ := t.Str("metric")
		vals, err := t.F64("value")
		if err != nil {
			return nil, err
		}
		k := calKey{c.Setting, c.N, c.Training}
		if sw2[k] == nil {
			sw2[k] = map[int]float64{}
			order = append(order, k)
		}
		for i, n := range names {
			if n == "sw2" {
				sw2[k][c.Run] = vals[i]
			}
		}
		if c.Training == 0 {
			truth, _, err := points(env, c.Truth)
			if err != nil {
				return nil, err
			}
			scale[calKey{c.Setting, c.N, 0}] += reports.PointScale(truth)
		}
	}
	var setting, training []string
	var ns, runs []int64
	var mean, ref, diff, se, margin, p2 []float64
	var equivalent []string
	byTraining := map[int][]int{} // rows of each training, for Holm
	for _, k := range order {
		if k.train == 0 {
			continue
		}
		base := calKey{k.setting, k.n, 0}
		d, _ := reports.PairRuns(sw2[k], sw2[base], func(x, y float64) float64 { return x - y })
		m, s, _ := reports.TStat(d)
		sc := scale[base] / float64(len(sw2[base]))
		setting, training = append(setting, k.setting), append(training, p.Trainings[k.train])
		ns, runs = append(ns, int64(k.n)), append(runs, int64(len(d)))
		mean, ref = append(mean, meanOf(sw2[k])), append(ref, meanOf(sw2[base]))
		diff, se, margin = append(diff, m), append(se, s), append(margin, p.Margin*sc)
		p2 = append(p2, reports.TOSTP(d, p.Margin*sc))
		byTraining[k.train] = append(byTraining[k.train], len(p2)-1)
	}
	equivalent = make([]string, len(p2))
	for _, rows := range byTraining {
		ps := make([]float64, len(rows))
		for i, r := range rows {
			ps[i] = p2[r]
		}
		for i, ok := range reports.Holm(ps, reports.Alpha) {
			equivalent[rows[i]] = fmt.Sprint(ok)
		}
	}
	return one(&data.Table{Cols: []data.Column{
		{Name: "setting", Str: setting}, {Name: "n", I64: ns}, {Name: "training", Str: training}, {Name: "runs", I64: runs},
		{Name: "sw2", F64: mean}, {Name: "reference_sw2", F64: ref}, {Name: "diff", F64: diff}, {Name: "diff_se", F64: se},
		{Name: "margin", F64: margin}, {Name: "p_tost", F64: p2}, {Name: "equivalent", Str: equivalent},
	}, Meta: map[string]string{"reference": p.Trainings[0], "alpha": fmt.Sprint(reports.Alpha),
		"reference_core_seconds": fmt.Sprint(p.ReferenceCoreSeconds), "runs": fmt.Sprint(maxRuns(p.Cells))}}), nil
}

func maxRuns(cells []CalibrationCell) int {
	n := 0
	for _, c := range cells {
		n = max(n, c.Run+1)
	}
	return n
}

func meanOf(m map[int]float64) float64 {
	s := 0.0
	for _, v := range m {
		s += v
	}
	if len(m) == 0 {
		return math.NaN()
	}
	return s / float64(len(m))
}

// loadCalibration reads the calibration table (the calibration node's artifact).
func loadCalibration(env *Env, name string) (*reports.Calibration, error) {
	t, err := env.Input(name)
	if err != nil {
		return nil, err
	}
	return CalibrationTable(t)
}

// CalibrationTable reads a calibration artifact back into rows; the reference training is in
// its metadata, the profile's own training is the first of the others.
func CalibrationTable(t *data.Table) (*reports.Calibration, error) {
	c := &reports.Calibration{Reference: t.Meta["reference"]}
	c.ReferenceCoreSeconds, _ = strconv.ParseFloat(t.Meta["reference_core_seconds"], 64)
	c.Runs, _ = strconv.Atoi(t.Meta["runs"])
	setting, err1 := t.Str("setting")
	training, err2 := t.Str("training")
	equivalent, err3 := t.Str("equivalent")
	ns, err4 := t.I64("n")
	runs, err5 := t.I64("runs")
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
		return nil, err
	}
	f := map[string][]float64{}
	for _, name := range []string{"sw2", "reference_sw2", "diff", "diff_se", "margin", "p_tost"} {
		v, err := t.F64(name)
		if err != nil {
			return nil, err
		}
		f[name] = v
	}
	own := ""
	if len(training) > 0 {
		own = training[0]
	}
	for i := range setting {
		c.Rows = append(c.Rows, reports.CalibrationRow{Setting: setting[i], Training: training[i], N: int(ns[i]), Runs: int(runs[i]),
			SW2: f["sw2"][i], RefSW2: f["reference_sw2"][i], Diff: f["diff"][i], DiffSE: f["diff_se"][i], Margin: f["margin"][i],
			P: f["p_tost"][i], Equivalent: equivalent[i] == "true", Own: training[i] == own})
	}
	return c, nil
}
