package room

import "testing"

// The released painting ID setting and the ProductOOD variant with the painting are
// factorized; the table overlaps the couch; the released OOD weights are not product-form;
// two perturbations changing one object break the partition.
func TestFactorized(t *testing.T) {
	for _, c := range []struct {
		st   setting
		want string // "" = factorized
	}{
		{settings()[0], ""},
		{settings()[1], `P0 gives class "empty" weight 0.95, but the product of its objects' presence probabilities`},
		{settings()[2], ""},
		{settings()[3], "couch and table both cover pixel"},
		{settings()[4], "not independent in P0"},
		{settings()[5], "couch and table both cover pixel"},
	} {
		err := Factorized(c.st.spec, c.st.src.P0, [][]float64{c.st.src.A1, c.st.src.A2})
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v; want factorized", c.st.name, err)
		case c.want != "" && (err == nil || !contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want one containing %q", c.st.name, err, c.want)
		}
	}
	id := ReleasedID(ReleasedAlpha)
	if err := Factorized(PaintingRoom(), id.P0, [][]float64{id.A1, id.A1}); err == nil || !contains(err.Error(), "Pa1 and Pa2 both change the presence of couch") {
		t.Errorf("two perturbations of the couch: error %v", err)
	}
	if err := Factorized(PaintingRoom(), id.P0, [][]float64{{1, 1, 1}}); err == nil || !contains(err.Error(), "Pa1: 3 class weights for 4 classes") {
		t.Errorf("short weights: error %v", err)
	}
}
