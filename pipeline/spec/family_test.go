package spec

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/compdiff/compdiff/data/cell"
)

// shifted is a test family: every source is a unit Gaussian at the setting's centre shifted
// by the source's offset, with the family's own measurement.
type shifted struct{}

func (shifted) Build(node *yaml.Node, hdr Header) (*cell.Setting, error) {
	var f struct {
		Centre  []float64 `yaml:"centre"`
		Sources []struct {
			Offset float64 `yaml:"offset"`
		} `yaml:"sources"`
	}
	if err := DecodeStrict(node, &f); err != nil {
		return nil, err
	}
	if len(f.Centre) == 0 {
		return nil, fmt.Errorf("needs centre: [..]")
	}
	s := &cell.Setting{Truth: "closed-form", Measure: &cell.Measure{Family: "shifted", Params: json.RawMessage(`{"k":1}`)}}
	for _, src := range f.Sources {
		m := make([]float64, len(f.Centre))
		v := make([]float64, len(f.Centre))
		for j := range m {
			m[j], v[j] = f.Centre[j]+src.Offset, 1
		}
		s.Sources = append(s.Sources, cell.Source{Spec: cell.SourceSpec{Family: "gaussian", Mean: m, Var: v}})
	}
	return s, nil
}

func init() { RegisterFamily("shifted-test", shifted{}) }

// A registered family gets the header and its own fields, and spec fills in what every
// setting has (names, weights, title, dimension) and checks the result as for built-ins.
func TestRegisteredFamily(t *testing.T) {
	sp, err := Load(writeSpec(t, `settings:
  - id: sh
    family: shifted-test
    notes: [a test family]
    centre: [1, 2]
    sources:
      - {name: up, weight: 1, offset: 1}
      - {weight: 1, offset: -1}
`))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := sp.Select("sh")
	got := s[0]
	if got.Title != "sh" || got.Family != "shifted-test" || got.Dim != 2 || got.Truth != "closed-form" ||
		got.Sources[0].Name != "up" || got.Sources[1].Name != "s1" || got.Sources[1].Weight != 1 || got.Measure == nil ||
		got.Sources[1].Spec.Mean[1] != 1 || len(got.Notes) != 1 {
		t.Fatalf("setting %+v", got)
	}
	// The common checks run around the family's Build: a missing weight, one source, a
	// claim no rule of the family's study judges.
	for body, want := range map[string]string{
		"claim: 1, sources: [{weight: 1, offset: 1}, {weight: 1}]": `family "shifted-test"`,
		"sources: [{offset: 1}, {weight: 1, offset: 0}]":           "source s0 has no weight",
		"sources: [{weight: 1, offset: 1}]":                        "has 1 sources",
		"sources: [{weight: 1, ofset: 1}, {weight: 1}]":            `unknown field "ofset"`,
	} {
		_, err := Load(writeSpec(t, "settings:\n  - {id: sh, family: shifted-test, centre: [0], "+body+"}\n"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v; want %q", body, err, want)
		}
	}
}

func TestRegisterFamilyTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("registering gaussian again did not panic")
		}
	}()
	RegisterFamily("gaussian", gaussian{})
}
