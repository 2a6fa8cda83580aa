package reports

import "fmt"

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
			return false, fmt.Sprintf("the network failed calibration here: equivalence to the paper's network (%s) within ±%.3g was not shown (difference %+.4f ± %.4f, TOST p = %.3g, %d runs)%s", c.Reference, r.Margin, r.Diff, r.DiffSE, r.P, r.Runs, c.more())
		}
	}
	return false, fmt.Sprintf("the calibration does not cover %s at N=%d (add it to the profile's calibration block)", setting, n)
}

// more says what calibrating with more runs would cost: each run trains the paper's network
// once per calibrated setting and pool.
func (c *Calibration) more() string {
	if c.ReferenceCoreSeconds <= 0 || c.Runs <= 0 {
		return ""
	}
	models := 0
	for _, r := range c.Rows {
		if r.Own {
			models++
		}
	}
	return fmt.Sprintf("; a calibration run more (raise the profile's calibration.runs, then go run ./build calibrate) trains the paper's network %d times, ≈ %.2g core-hours", models, float64(models)*c.ReferenceCoreSeconds/3600)
}
