package reports

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// CalibrationRow is one line of the calibration table (the calibrate task): a training's
// naive (K = 1) SW2 against the reference training's — the paper's network — on one setting
// and pool size, paired by run; Equivalent when TOST placed the mean difference within
// ±Margin (Holm over the training's settings). Own marks the profile's own training.
type CalibrationRow struct {
	Setting, Training                    string
	N, Runs                              int
	SW2, RefSW2, Diff, DiffSE, Margin, P float64
	Equivalent, Own                      bool
}

// Calibration is the calibration of the report's profile: the reference training and every
// row, or nil when the calibrate task has not computed it.
type Calibration struct {
	Reference string
	Rows      []CalibrationRow
	// Runs is how many runs the calibration trained; ReferenceCoreSeconds what one reference
	// model costs by the cost model (0 when unknown).
	Runs                 int
	ReferenceCoreSeconds float64
}

// OwnNetwork says whether the profile's network passed calibration on a setting's pool
// size, in words for a verdict, and whether a threshold on the learned model's quality may
// speak about the paper's network there.
func (c *Calibration) OwnNetwork(setting string, n int) (passed bool, why string) {
	if c == nil {
		return false, "the network is not calibrated against the paper's (run go run ./build calibrate)"
	}
	for _, r := range c.Rows {
		if r.Own && r.Setting == setting && r.N == n {
			if r.Equivalent {
				return true, fmt.Sprintf("the network passed calibration here: its K=1 SW2 is within ±%.3g of the paper's network's (difference %+.4f ± %.4f, TOST p = %.3g, %d runs)", r.Margin, r.Diff, r.DiffSE, r.P, r.Runs)
			}
			return false, fmt.Sprintf("the network failed calibration here: equivalence to the paper's network (%s) within ±%.3g was not shown (difference %+.4f ± %.4f, TOST p = %.3g, %d runs)%s", c.Reference, r.Margin, r.Diff, r.DiffSE, r.P, r.Runs, c.more(r))
		}
	}
	return false, fmt.Sprintf("the calibration does not cover %s at N=%d (add it to the profile's calibration block)", setting, n)
}

// more says what calibrating with more runs would take: the runs at which the equivalence
// test of this row reaches 80% power by the point estimates (|d| and the per-run spread taken
// as true; Holm's smallest level over the training's settings), and what each run costs —
// it trains the paper's network once per calibrated setting and pool. A planning figure, and
// an optimistic one (the estimates' own uncertainty is ignored); when the estimated
// difference lies outside the margin, no number of runs is expected to show equivalence.
func (c *Calibration) more(r CalibrationRow) string {
	if c.ReferenceCoreSeconds <= 0 || c.Runs <= 0 {
		return ""
	}
	models := 0
	for _, x := range c.Rows {
		if x.Own {
			models++
		}
	}
	perRun := float64(models) * c.ReferenceCoreSeconds / 3600
	gap := r.Margin - math.Abs(r.Diff)
	sd := r.DiffSE * math.Sqrt(float64(r.Runs))
	if gap <= 0 || sd <= 0 || r.Runs < 2 {
		return fmt.Sprintf("; the estimated difference lies outside the margin, so more calibration runs are not expected to show equivalence (each run trains the paper's network %d times, ≈ %.2g core-hours)", models, perRun)
	}
	z := distuv.UnitNormal.Quantile(1-Alpha/float64(max(models, 1))) + distuv.UnitNormal.Quantile(0.8)
	need := int(math.Ceil(math.Pow(z*sd/gap, 2)))
	if need <= r.Runs {
		need = r.Runs + 1
	}
	return fmt.Sprintf("; showing it would take ≈ %d calibration runs by the point estimates (raise the profile's calibration.runs, then go run ./build calibrate; each run trains the paper's network %d times, ≈ %.2g core-hours, ≈ %.3g core-hours for the runs it adds)", need, models, perRun, float64(need-r.Runs)*perRun)
}
