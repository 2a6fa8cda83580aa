package figure

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
)

// Strips draws up to n scenes of a strip of slots (x row-major, slots·cell values a scene)
// as one grey image per scene, stacked: each slot's pixels as a square patch (a row when
// cell is no square), a blank column between slots, and, when mark is given, a black bar
// above each marked slot (a blank row below the bars). Values map [lo, hi] to black..white
// (Mosaic); a panel without scenes says "(none)".
func Strips(title string, x []float64, slots, cell, n int, lo, hi float64, mark []bool) (*plot.Plot, error) {
	d := slots * cell
	if n = min(n, len(x)/max(d, 1)); n == 0 || len(x)%max(d, 1) != 0 {
		p := New(title + " (none)")
		p.HideAxes()
		return p, nil
	}
	if mark != nil && len(mark) != slots {
		return nil, fmt.Errorf("figure: strips of %d slots with %d marks", slots, len(mark))
	}
	side := int(math.Round(math.Sqrt(float64(cell))))
	h, w := side, side
	if h*w != cell {
		h, w = 1, cell
	}
	top := 0
	if mark != nil {
		top = 2
	}
	W, H := slots*(w+1)-1, h+top
	imgs := make([][]float64, n)
	for i := range imgs {
		im := make([]float64, H*W)
		for k := range im {
			im[k] = math.NaN() // drawn white
		}
		for s := 0; s < slots; s++ {
			x0 := s * (w + 1)
			for j := 0; j < w && mark != nil && mark[s]; j++ {
				im[x0+j] = lo
			}
			for q := 0; q < cell; q++ {
				im[(top+q/w)*W+x0+q%w] = x[i*d+s*cell+q]
			}
		}
		imgs[i] = im
	}
	img, err := Mosaic(imgs, H, W, 1, 5, lo, hi)
	if err != nil {
		return nil, err
	}
	return ImagePanel(title, img), nil
}
