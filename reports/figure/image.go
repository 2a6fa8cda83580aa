package figure

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// Mosaic lays out images (each h×w values, row-major) as a grayscale tile sheet of cols
// columns with a one-pixel light gutter, each value v mapped linearly from [lo, hi] to
// black..white (clamped; non-finite values are drawn white), every pixel scaled up to a
// zoom×zoom block so that small images stay crisp when the figure is resized.
func Mosaic(images [][]float64, h, w, cols, zoom int, lo, hi float64) (*image.Gray, error) {
	if h < 1 || w < 1 || cols < 1 || zoom < 1 || !(hi > lo) {
		return nil, fmt.Errorf("figure: mosaic of %d×%d images in %d columns at zoom %d over [%g, %g]; every size must be ≥ 1 and hi > lo", h, w, cols, zoom, lo, hi)
	}
	if len(images) == 0 {
		return nil, fmt.Errorf("figure: mosaic of no images")
	}
	for i, im := range images {
		if len(im) != h*w {
			return nil, fmt.Errorf("figure: mosaic image %d has %d values, not %d×%d", i, len(im), h, w)
		}
	}
	rows := (len(images) + cols - 1) / cols
	cellW, cellH := w*zoom+1, h*zoom+1
	out := image.NewGray(image.Rect(0, 0, cols*cellW+1, rows*cellH+1))
	for i := range out.Pix {
		out.Pix[i] = 230
	}
	for i, im := range images {
		x0, y0 := (i%cols)*cellW+1, (i/cols)*cellH+1
		for r := 0; r < h; r++ {
			for c := 0; c < w; c++ {
				g := gray(im[r*w+c], lo, hi)
				for dy := 0; dy < zoom; dy++ {
					for dx := 0; dx < zoom; dx++ {
						out.SetGray(x0+c*zoom+dx, y0+r*zoom+dy, g)
					}
				}
			}
		}
	}
	return out, nil
}

func gray(v, lo, hi float64) color.Gray {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return color.Gray{Y: 255}
	}
	f := math.Max(0, math.Min(1, (v-lo)/(hi-lo)))
	return color.Gray{Y: uint8(math.Round(255 * f))}
}

// ImagePanel is a plot showing img alone, without axes, at its own aspect ratio inside the
// panel; title goes above it.
func ImagePanel(title string, img image.Image) *plot.Plot {
	p := New(title)
	b := img.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	p.Add(plotter.NewImage(img, 0, 0, w, h))
	p.HideAxes()
	// Equal data ranges on both axes keep the pixels square in a square panel.
	side := math.Max(w, h)
	p.X.Min, p.X.Max = (w-side)/2, (w+side)/2
	p.Y.Min, p.Y.Max = (h-side)/2, (h+side)/2
	return p
}
