package dist

// Composed is the weighted composition Π_a p_a(x)^{W_a} of source distributions, known
// only up to its normalising constant (which may not even exist for a bad choice of W).
type Composed struct {
	Dists []Dist
	W     []float64
}

// Dim is the dimension of the sources.
func (c Composed) Dim() int { return c.Dists[0].Dim() }

// LogDensity is the unnormalised log-density Σ_a W_a log p_a(x). Sources with weight 0
// are skipped so that points outside their support do not give 0·(−Inf) = NaN.
func (c Composed) LogDensity(x []float64) float64 {
	s := 0.0
	for a, p := range c.Dists {
		if c.W[a] != 0 {
			s += c.W[a] * p.LogProb(x)
		}
	}
	return s
}
