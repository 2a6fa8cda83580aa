package reports

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// What a failed calibration says it would take: the runs at which TOST reaches 80% power by
// the point estimates, checked against the same planning formula solved by hand, and against
// simulation of the test at that many runs; a difference outside the margin gets no number.
func TestCalibrationRunsNeeded(t *testing.T) {
	rows := []CalibrationRow{{Setting: "gauss-fc-id", N: 10000, Runs: 3, Diff: 0.014, DiffSE: 0.0447, Margin: 0.0299, Own: true},
		{Setting: "gmm-id", N: 10000, Runs: 3, Diff: 0.05, DiffSE: 0.01, Margin: 0.0372, Own: true}}
	c := &Calibration{Reference: "4×512", Rows: rows, Runs: 3, ReferenceCoreSeconds: 600}
	// Two calibrated settings: Holm's smallest level α/2; z_{1−α/2} + z_{0.8} = 1.960 + 0.842.
	sd := 0.0447 * math.Sqrt(3)
	want := int(math.Ceil(math.Pow((1.9600+0.8416)*sd/(0.0299-0.014), 2)))
	_, why := c.OwnNetwork("gauss-fc-id", 10000)
	if !strings.Contains(why, "≈ "+strconv.Itoa(want)+" calibration runs") {
		t.Fatalf("want ≈ %d runs in %q", want, why)
	}
	if _, why := c.OwnNetwork("gmm-id", 10000); !strings.Contains(why, "outside the margin") {
		t.Fatalf("a difference outside the margin: %q", why)
	}
	// At the planned runs, the two one-sided t-tests at α/2 both reject in about 80% of
	// simulated calibrations whose true difference and spread are the estimates (the normal
	// approximation of the planning formula errs slightly low at these run counts).
	rng := rand.New(rand.NewPCG(7, 8))
	const sims = 2000
	pass := 0
	for i := 0; i < sims; i++ {
		var s, s2 float64
		for j := 0; j < want; j++ {
			x := 0.014 + sd*rng.NormFloat64()
			s, s2 = s+x, s2+x*x
		}
		n := float64(want)
		m := s / n
		se := math.Sqrt((s2 - n*m*m) / (n - 1) / n)
		crit := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.Quantile(1 - Alpha/2)
		if (0.0299-m)/se > crit && (m+0.0299)/se > crit {
			pass++
		}
	}
	// 2000 simulations: the share's standard error is ≈ 0.009; allow 4 of them either side.
	got := float64(pass) / sims
	t.Logf("planned %d calibration runs: simulated power %.3f", want, got)
	if got < 0.80-0.036-0.02 || got > 0.80+0.036 {
		t.Fatalf("power at the planned %d runs: %.3f, want ≈ 0.80", want, got)
	}
}
