package local

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// All labels mark exactly the occupied cells; a single label marks one occupied cell; the
// two see the same scenes from equal streams. The single label's object is uniform: of 6000
// scenes about 2000 hold 2 objects, each picked with probability 1/2 (SE 0.011; the bound
// 0.04 is 3.6 SE, a false failure once in ~3000 seeds).
func TestLabels(t *testing.T) {
	sp := testSpec()
	dt, err := NewData(sp, 3)
	if err != nil {
		t.Fatal(err)
	}
	n, d, S := 6000, sp.Dim(), sp.Slots
	xa, xs := make([]float64, n*d), make([]float64, n*d)
	ca, cs := make([]float32, n*S), make([]float32, n*S)
	dt.Draw(n, All, rand.New(rand.NewPCG(1, 1)), rand.New(rand.NewPCG(2, 2)), xa, ca)
	dt.Draw(n, Single, rand.New(rand.NewPCG(1, 1)), rand.New(rand.NewPCG(2, 2)), xs, cs)
	if !slices.Equal(xa, xs) {
		t.Fatal("all and single labels drew different scenes from equal streams")
	}
	rd := readerOf(t, sp)
	first, two := 0, 0
	for b := 0; b < n; b++ {
		occ := rd.Read(xa[b*d : (b+1)*d]).Scene(0)
		marked, firstOcc := 0, -1
		for i := 0; i < S; i++ {
			if (occ[i] != 0) != (ca[b*S+i] == 1) && rd.Read(xa[b*d : (b+1)*d]).Valid[0] {
				t.Fatalf("scene %d: all labels %v, read content %v", b, ca[b*S:(b+1)*S], occ)
			}
			if cs[b*S+i] == 1 {
				marked++
				if ca[b*S+i] != 1 {
					t.Fatalf("scene %d: the single label marks empty cell %d", b, i)
				}
			}
			if firstOcc < 0 && ca[b*S+i] == 1 {
				firstOcc = i
			}
		}
		if marked != 1 {
			t.Fatalf("scene %d: single label marks %d cells", b, marked)
		}
		if objects(occ) == 2 {
			two++
			if cs[b*S+firstOcc] == 1 {
				first++
			}
		}
	}
	if p := float64(first) / float64(two); p < 0.46 || p > 0.54 {
		t.Fatalf("single label picked the first of two objects %.3f of the time; want 1/2", p)
	}
}
