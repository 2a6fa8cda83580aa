package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The calibrate task on the smoke profile trains the reference, the profile's and the
// candidate networks, writes calibration.md with a row per training and setting, and the
// next report reads the calibration (each threshold on a learned model says where it stands).
func TestCalibrateSmoke(t *testing.T) {
	cfg := smokeConfig(t, "gauss-fc-id")
	if _, err := runTasks(t, context.Background(), cfg, "calibrate"); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(cfg.Out, "calibration.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Reference: 2×32, 60 iterations", "(profile's)", "| 2×8, 30 iterations, lr 0.001, batch 48 |", "| gauss-fc-id | 100 | 2 |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("calibration.md lacks %q:\n%s", want, md)
		}
	}
	s, err := runTasks(t, context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(s.Plan.Report.Params), `"calibration":"calibration/`) {
		t.Error("the report does not read the computed calibration")
	}
}
