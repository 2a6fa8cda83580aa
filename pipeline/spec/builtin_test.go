package spec

import (
	"slices"
	"testing"
)

// A study's part of the built-in spec adds its settings and its block of a built-in profile;
// a fragment naming a profile that is not built in is refused.
func TestRegisterBuiltin(t *testing.T) {
	defer func(f []fragment) { fragments = f }(fragments)
	RegisterBuiltin("test", []byte(`profiles:
  smoke:
    families: {mixture: {ks: [1, 2]}}
settings:
  - id: extra-gauss
    family: gaussian
    sources:
      - {name: a1, weight: 1, mean: [0], var: [2]}
      - {name: a2, weight: 1, mean: [0], var: [3]}
      - {name: "0", weight: -1, mean: [0], var: [4]}
`))
	sp, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sp.Select("extra-gauss,gmm-id"); err != nil {
		t.Errorf("the fragment's setting is missing: %v", err)
	}
	p := sp.Profiles["smoke"]
	if !slices.Equal(p.For("mixture").Ks, []int{1, 2}) || !slices.Equal(p.Ks, []int{1, 4}) || p.Calibration == nil {
		t.Errorf("the fragment's profile block did not merge into smoke: %v / %v", p.For("mixture").Ks, p.Ks)
	}
	RegisterBuiltin("bad", []byte("profiles:\n  mine: {runs: 2}\n"))
	if _, err := Load(""); err == nil {
		t.Error("a fragment adding a profile was accepted")
	}
}
