package stages

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/reports"
)

// A Measurement is a family's own reading of a sample set against its ground truth (e.g.
// the class shares of room images): named values the metrics stage stores beside SW2 and
// MMD². params is the family's JSON from the setting's cell.Measure; x and truth are
// row-major n×d and m×d.
type Measurement func(params json.RawMessage, x, truth []float64, d int) ([]Value, error)

// Value is one named number of a measurement ("share.couch+X", "invalid", …).
type Value struct {
	Metric string
	Value  float64
}

// Values collects a measurement's values; a NaN (the value does not apply, e.g. a share of
// no valid sample) is left out, so the results hold a null there rather than a NaN.
type Values []Value

// Add appends v under name unless it is NaN.
func (vs *Values) Add(name string, v float64) {
	if !math.IsNaN(v) {
		*vs = append(*vs, Value{name, v})
	}
}

var (
	measureMu sync.RWMutex
	measures  = map[string]Measurement{}
)

// RegisterMeasure adds the measurement of a source family: the seam through which a study
// chooses what its metrics nodes compute besides SW2 and MMD². Registering twice panics.
func RegisterMeasure(family string, m Measurement) {
	measureMu.Lock()
	defer measureMu.Unlock()
	checkNewMeasure(family)
	measures[family] = m
}

// checkNewMeasure panics when the family registered a measurement of either kind; the
// caller holds measureMu.
func checkNewMeasure(family string) {
	_, dup := measures[family]
	_, dupIn := inputMeasures[family]
	if dup || dupIn {
		panic("stages: measurement of family " + family + " registered twice")
	}
}

// An InputMeasurement is a Measurement that also reads the metrics node's other inputs
// (besides "samples" and "truth"): input(name) reads part "main" of one, e.g. "model", the
// network whose samples are measured, for a family that measures the network itself (seed
// 001's locality of a learned score).
type InputMeasurement func(params json.RawMessage, x, truth []float64, d int, input func(name string) (*data.Table, error)) ([]Value, error)

var inputMeasures = map[string]InputMeasurement{}

// RegisterInputMeasure adds the measurement of a family that reads the metrics node's other
// inputs (InputMeasurement). A family registers one measurement, of either kind; twice panics.
func RegisterInputMeasure(family string, m InputMeasurement) {
	measureMu.Lock()
	defer measureMu.Unlock()
	checkNewMeasure(family)
	inputMeasures[family] = m
}

// HasMeasure tells whether a family registered a measurement.
func HasMeasure(family string) bool {
	measureMu.RLock()
	defer measureMu.RUnlock()
	_, ok := measures[family]
	_, in := inputMeasures[family]
	return ok || in
}

// measureOf is a family's measurement of either kind, as an InputMeasurement.
func measureOf(family string) (InputMeasurement, error) {
	measureMu.RLock()
	m, ok := inputMeasures[family]
	measureMu.RUnlock()
	if ok {
		return m, nil
	}
	plain, err := lookupMeasure(family)
	if err != nil {
		return nil, err
	}
	return func(params json.RawMessage, x, truth []float64, d int, _ func(string) (*data.Table, error)) ([]Value, error) {
		return plain(params, x, truth, d)
	}, nil
}

func lookupMeasure(family string) (Measurement, error) {
	measureMu.RLock()
	defer measureMu.RUnlock()
	if m, ok := measures[family]; ok {
		return m, nil
	}
	var names []string
	for n := range measures {
		names = append(names, n)
	}
	for n := range inputMeasures {
		names = append(names, n)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("no measurement registered for family %q (registered: %v); the binary lacks the study that defines it", family, names)
}

// A Check computes a family's theorem checks for the report from the report node's inputs
// (e.g. the Gaussian settings' Theorems 1–3; g ≡ 0 on a factorized room setting). The
// setting's Protocol is always set when a check runs (its family's, else the report's), so
// a check may use the step count and sample sizes its cells were computed with.
type Check func(env *Env, rs *ReportSetting) ([]reports.TheoremCheck, error)

var checks = map[string]Check{}

// RegisterChecks adds the theorem checks of a source family; call it from an init function.
// Registering a family twice panics.
func RegisterChecks(family string, c Check) {
	if _, dup := checks[family]; dup {
		panic("stages: checks of family " + family + " registered twice")
	}
	checks[family] = c
}

// familyChecks runs the family's checks (none when it registered none) on the setting with
// its protocol filled in (prof, the report's, when the family has no sizes of its own).
func familyChecks(env *Env, rs *ReportSetting, prof reports.Protocol) ([]reports.TheoremCheck, error) {
	c, ok := checks[rs.Family]
	if !ok {
		return nil, nil
	}
	if rs.Protocol == nil {
		cp := *rs
		cp.Protocol = &prof
		rs = &cp
	}
	return c(env, rs)
}
