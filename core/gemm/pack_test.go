package gemm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// packRowsRef is the row-block layout of the vector paths' aRows packers:
// dst[(p/16)*16*width + x*16 + p%16] = src[off+x*ld+p], zero for x ≥ w and past kc.
func packRowsRef(dst, src []float32, off, ld, kc, w, width int) {
	clear(dst[:(kc+15)/16*16*width])
	for x := 0; x < w; x++ {
		for p := 0; p < kc; p++ {
			dst[(p/16)*16*width+x*16+p%16] = src[off+x*ld+p]
		}
	}
}

// TestPackersAgree: every packer of every path writes exactly its reference layout
// (copies, so bit for bit) for every real width and k counts around the vector and
// group sizes, reading a source that ends right after the last element it may touch.
func TestPackersAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, kern := range available {
		type packer struct {
			name   string
			f, ref packFunc
			width  int
			trans  bool // reads src[off+x*ld+p]
			blocks bool // row-block layout
		}
		ps := []packer{
			{"B copy", kern.packCopy, packCopyGo, kern.nr, false, false},
			{"B trans", kern.packTrans, packTransGo, kern.nr, true, false},
			{"A cols", kern.aCols.pack, packCopyGo, kern.mr, false, false},
			{"A rows", kern.aRows.pack, packTransGo, kern.mr, true, kern.rowBlocks},
		}
		for _, pk := range ps {
			for _, kc := range []int{1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 40} {
				for w := 1; w <= pk.width; w++ {
					name := fmt.Sprintf("%s/%s/kc%d/w%d", kern.name, pk.name, kc, w)
					ld := kc + 3
					if !pk.trans {
						ld = w + 5
					}
					off := 2
					var n int
					if pk.trans {
						n = off + (w-1)*ld + kc
					} else {
						n = off + (kc-1)*ld + w
					}
					src := randSlice(rng, n)
					size := (kc + 15) / 16 * 16 * pk.width
					got, want := randSlice(rng, size+8), randSlice(rng, size+8)
					tail := slices.Clone(got[kc*pk.width:])
					ref := pk.ref
					if pk.blocks {
						ref = packRowsRef
						tail = slices.Clone(got[size:])
					}
					pk.f(got, src, off, ld, kc, w, pk.width)
					ref(want, src, off, ld, kc, w, pk.width)
					used := kc * pk.width
					if pk.blocks {
						used = size
					}
					if !slices.Equal(got[:used], want[:used]) {
						t.Fatalf("%s: packed %v, want %v", name, got[:used], want[:used])
					}
					if !slices.Equal(got[used:], tail) {
						t.Fatalf("%s: wrote past the packed panel", name)
					}
				}
			}
		}
	}
}
