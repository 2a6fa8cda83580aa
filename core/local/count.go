package local

import (
	"fmt"
	"math"

	"github.com/compdiff/compdiff/core/scene"
)

// Reading is what the study counts in samples drawn for K requested cells (scene.Reader
// reads every slot as its nearest template, invalid when near none).
type Reading struct {
	N int
	// Exact is the share of all samples that are valid and hold exactly K objects, one at each
	// requested cell: "exactly K objects at the requested cells".
	Exact float64
	// Success is the share of all samples that succeed by the seed's rule (§E.2) made exact:
	// valid, at most Strays objects outside the requested cells, and every requested cell
	// filled (K ≤ M) or all but at most two (K > M: "between K−2 and K objects").
	Success float64
	Invalid float64   // share of samples with a slot near no template
	Hits    float64   // mean share of the requested cells that hold an object (valid samples)
	Stray   float64   // mean number of objects outside the requested cells (valid samples)
	Strayed float64   // share of the valid samples with an object outside the requested cells
	Counts  []float64 // object counts 0…S of the valid samples
}

// Read reads samples x (n×S·P) drawn for the requested cells R of a task whose training
// scenes held at most m objects, allowing strays objects outside R.
func Read(rd *scene.Reader, x []float64, R []int, m, strays int) (Reading, error) {
	rs := rd.Read(x)
	S := rs.Slots
	asked := MaskOf(S, R)
	K := len(R)
	need := K
	if K > m {
		need = K - 2
	}
	out := Reading{N: rs.N(), Counts: make([]float64, S+1), Hits: math.NaN(), Stray: math.NaN(), Strayed: math.NaN()}
	if out.N == 0 {
		return out, fmt.Errorf("local reading: no samples")
	}
	valid, hitSum, straySum, strayed := 0, 0.0, 0.0, 0
	for i := 0; i < out.N; i++ {
		if !rs.Valid[i] {
			out.Invalid++
			continue
		}
		valid++
		hits, stray := 0, 0
		for s, k := range rs.Scene(i) {
			switch {
			case k != 0 && asked[s]:
				hits++
			case k != 0:
				stray++
			}
		}
		out.Counts[hits+stray]++
		if K > 0 {
			hitSum += float64(hits) / float64(K)
		}
		straySum += float64(stray)
		if stray > 0 {
			strayed++
		}
		if hits == K && stray == 0 {
			out.Exact++
		}
		if hits >= need && stray <= strays {
			out.Success++
		}
	}
	n := float64(out.N)
	out.Exact, out.Success, out.Invalid = out.Exact/n, out.Success/n, out.Invalid/n
	if valid > 0 {
		for j := range out.Counts {
			out.Counts[j] /= float64(valid)
		}
		out.Stray = straySum / float64(valid)
		out.Strayed = float64(strayed) / float64(valid)
		if K > 0 {
			out.Hits = hitSum / float64(valid)
		}
	}
	return out, nil
}

// Threshold is the share of successful samples that makes a K succeed (§E.2): more than a
// quarter for K > M ("more than 25% of the time"); for K ≤ M, where the seed asks for
// "exactly K objects" without a share, more than half.
func Threshold(k, m int) float64 {
	if k > m {
		return 0.25
	}
	return 0.5
}

// KMax is the seed's K_max from success shares by K (§E.2): the largest K such that every
// 1 ≤ K' ≤ K succeeds (success[K'] > Threshold(K', m)); 0 when K = 1 does not. A K missing
// from success ends the run of successes.
func KMax(success map[int]float64, m int) int {
	k := 0
	for {
		v, ok := success[k+1]
		if !ok || !(v > Threshold(k+1, m)) {
			return k
		}
		k++
	}
}
