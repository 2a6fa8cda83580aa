package scene

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// chiSquare tests observed counts against probabilities: categories with expected count
// ≥ 5 stay, the rest are pooled into one (kept if its expectation is ≥ 5, else dropped with
// its observations added to the pool's). It fails when the statistic exceeds the χ²
// quantile at 1 − 1e−3 for its degrees of freedom: with fixed seeds the test is
// deterministic, and a correct sampler fails it for one seed in a thousand.
func chiSquare(t *testing.T, what string, counts, probs []float64) {
	t.Helper()
	n := 0.0
	for _, c := range counts {
		n += c
	}
	stat, cats := 0.0, 0
	poolO, poolE := 0.0, 0.0
	for j, p := range probs {
		e := n * p
		if e < 5 {
			poolO += counts[j]
			poolE += e
			continue
		}
		stat += (counts[j] - e) * (counts[j] - e) / e
		cats++
	}
	if poolE >= 5 {
		stat += (poolO - poolE) * (poolO - poolE) / poolE
		cats++
	} else if poolO > 5+poolE+5*math.Sqrt(poolE+1) {
		t.Errorf("%s: %v observations fall in categories expected to hold %.3g", what, poolO, poolE)
	}
	if cats < 2 {
		if cats == 1 && poolO == 0 && poolE < 1e-9 {
			return // a single certain category, observed every time
		}
		t.Fatalf("%s: %d categories with expected count ≥ 5; nothing to test", what, cats)
	}
	crit := distuv.ChiSquared{K: float64(cats - 1)}.Quantile(1 - 1e-3)
	t.Logf("%s: χ² = %.2f on %d dof (critical %.2f), n = %.0f", what, stat, cats-1, crit, n)
	if stat > crit {
		t.Errorf("%s: χ² = %.2f > %.2f (%d dof): the sample does not follow the law", what, stat, crit, cats-1)
	}
}

// must unwraps a constructor's result in tests; an error there is a bug in the test.
func must[V any](v V, err error) V {
	if err != nil {
		panic(err)
	}
	return v
}
