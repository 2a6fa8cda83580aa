package scene

import "fmt"

// Law kinds of a LawSpec.
const (
	KindEmpty     = "empty"     // the empty scene
	KindCluttered = "cluttered" // each slot occupied independently with probability q
	KindData      = "data"      // the training data: 1…m objects
	KindCoupled   = "coupled"   // Lemma 8.1's counterexample base: a lone object or a full strip
)

// LawSpec writes a configuration law in a spec: a base law, then At conditioning on each
// want in turn (Condition). Examples (YAML):
//
//	{kind: empty}                              # the empty background
//	{kind: empty, at: [{slot: 2}]}             # an object at slot 2, nothing else
//	{kind: data, m: 1}                         # one-object training data (Bayes background)
//	{kind: data, m: 1, at: [{slot: 2}]}        # its conditional "an object at slot 2"
//	{kind: cluttered, q: 0.5, at: [{slot: 0, object: 1}]}
type LawSpec struct {
	Kind string  `json:"kind" yaml:"kind"`
	Q    float64 `json:"q,omitempty" yaml:"q,omitempty"` // cluttered, coupled
	M    int     `json:"m,omitempty" yaml:"m,omitempty"` // data
	At   []Want  `json:"at,omitempty" yaml:"at,omitempty"`
}

// Law builds the law of the spec for the scene spec sp.
func (ls LawSpec) Law(sp Spec) (Law, error) {
	if err := sp.Validate(); err != nil {
		return Law{}, err
	}
	var base Law
	var err error
	switch ls.Kind {
	case KindEmpty:
		base = Empty(sp)
	case KindCluttered:
		base, err = Cluttered(sp, ls.Q)
	case KindData:
		base, err = Data(sp, ls.M)
	case KindCoupled:
		base, err = Coupled(sp, ls.Q)
	default:
		return Law{}, fmt.Errorf("scene law: kind %q; use %q, %q, %q or %q", ls.Kind, KindEmpty, KindCluttered, KindData, KindCoupled)
	}
	if err != nil {
		return Law{}, fmt.Errorf("scene law %q: %w", ls.Kind, err)
	}
	if len(ls.At) == 0 {
		return base, nil
	}
	l, err := Condition(base, ls.At...)
	if err != nil {
		return Law{}, fmt.Errorf("scene law %q: %w", ls.Kind, err)
	}
	return l, nil
}

// CompositionSpec writes a composition: the background and one conditional per concept.
type CompositionSpec struct {
	Background   LawSpec   `json:"background" yaml:"background"`
	Conditionals []LawSpec `json:"conditionals" yaml:"conditionals"`
}

// Composition builds the composition for the scene spec sp.
func (cs CompositionSpec) Composition(sp Spec) (Composition, error) {
	pb, err := cs.Background.Law(sp)
	if err != nil {
		return Composition{}, fmt.Errorf("background: %w", err)
	}
	cm := Composition{Spec: sp, Background: pb}
	for i, c := range cs.Conditionals {
		l, err := c.Law(sp)
		if err != nil {
			return Composition{}, fmt.Errorf("conditional %d: %w", i+1, err)
		}
		cm.Conditionals = append(cm.Conditionals, l)
	}
	return cm, cm.Validate()
}

// Slots is the standard composition of the study: k = len(slots) conditionals "an object
// at slot i" (At) over the background pb.
func Slots(sp Spec, pb Law, slots ...int) (Composition, error) {
	cm := Composition{Spec: sp, Background: pb}
	for _, s := range slots {
		l, err := At(s, pb)
		if err != nil {
			return Composition{}, err
		}
		cm.Conditionals = append(cm.Conditionals, l)
	}
	return cm, cm.Validate()
}
