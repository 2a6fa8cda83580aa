package room

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/core/dist"
	"gonum.org/v1/gonum/stat/distuv"
)

// setting is one room setting: a room and the class weights of its sources.
type setting struct {
	name string
	spec Spec
	src  Sources
}

// settings are the four released settings and the two ProductOOD variants.
func settings() []setting {
	var out []setting
	for _, room := range []struct {
		x    string
		spec Spec
	}{{"painting", PaintingRoom()}, {"table", TableRoom()}} {
		out = append(out,
			setting{room.x + "-id", room.spec, ReleasedID(ReleasedAlpha)},
			setting{room.x + "-ood", room.spec, ReleasedOOD(ReleasedBeta)},
			setting{room.x + "-ood-product", room.spec, ProductOOD(ProductGamma)},
		)
	}
	return out
}

// mixtures returns the GMMs of (a1, a2, 0).
func mixtures(t testing.TB, s Spec, src Sources) []*dist.GMM {
	t.Helper()
	out, err := src.Mixtures(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// labelled draws n samples of the mixture g over the templates of s, with the class of
// the component each was drawn from.
func labelled(s Spec, g *dist.GMM, n int, r *rand.Rand) (x []float64, label []int) {
	_, class := Templates(s)
	d := g.Dim()
	x = make([]float64, 0, n*d)
	for i := 0; i < n; i++ {
		u, k := r.Float64(), 0
		for ; k < len(g.Weights)-1 && u >= g.Weights[k]; k++ {
			u -= g.Weights[k]
		}
		for _, m := range g.Means[k] {
			x = append(x, m+g.Std*r.NormFloat64())
		}
		label = append(label, class[k])
	}
	return x, label
}

// chi2 is Pearson's statistic Σ (obs − n·p)²/(n·p) over the cells, the cells whose
// expected count n·p is below 5 merged into one (the χ² approximation needs ≥ 5 per
// cell); it returns the statistic and the degrees of freedom (cells − 1).
func chi2(obs []int, p []float64) (stat float64, df int) {
	n := 0
	for _, o := range obs {
		n += o
	}
	var cells [][2]float64 // observed, expected
	small := [2]float64{}
	for c, o := range obs {
		e := float64(n) * p[c]
		if e < 5 {
			small[0] += float64(o)
			small[1] += e
			continue
		}
		cells = append(cells, [2]float64{float64(o), e})
	}
	if small[1] > 0 {
		if len(cells) > 0 && small[1] < 5 { // still too small: fold into the smallest cell
			j := 0
			for i := range cells {
				if cells[i][1] < cells[j][1] {
					j = i
				}
			}
			cells[j][0] += small[0]
			cells[j][1] += small[1]
		} else {
			cells = append(cells, small)
		}
	}
	for _, c := range cells {
		stat += (c[0] - c[1]) * (c[0] - c[1]) / c[1]
	}
	return stat, len(cells) - 1
}

// chi2Critical is the χ²_df quantile at 1 − α.
func chi2Critical(df int, alpha float64) float64 {
	return distuv.ChiSquared{K: float64(df)}.Quantile(1 - alpha)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
