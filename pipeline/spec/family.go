package spec

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compdiff/compdiff/data/cell"
)

// A Family turns one setting of the spec (family: NAME) into a validated cell.Setting: the
// seam through which a study brings its own kind of setting (gaussian and mixture are
// built in).
type Family interface {
	// Build decodes the setting's YAML mapping node strictly (unknown fields are errors,
	// see DecodeStrict) and returns the setting with its sources (cell.SourceSpec, one per
	// entry of sources:, in order), dimension and ground-truth method. The node holds the
	// family's own fields only: the Header fields, and each source's name and weight, are
	// taken out and read by spec, which fills them in and checks what every setting must
	// satisfy. Build may set cell.Setting.Measure, the family's own measurement.
	Build(node *yaml.Node, hdr Header) (*cell.Setting, error)
}

// Header is what every setting has, whatever its family, as spec decodes it.
type Header struct {
	ID     string `yaml:"id"`
	Title  string `yaml:"title"`
	Kind   string `yaml:"kind"`
	Family string `yaml:"family"`
	Truth  string `yaml:"truth"` // closed-form | rejection | importance ("" lets the family choose)
	Claim  string `yaml:"claim"` // the paper's claim (SPEC §9) whose rule judges this setting
	// Methods, when given, replaces the profile's extra samplers for this setting.
	Methods []string `yaml:"methods"`
	Notes   []string `yaml:"notes"`
	// Sources are the name and weight of each source, in order; names default to s0, s1, ….
	Sources []SourceHeader `yaml:"-"`
}

// SourceHeader is what every source has: its name and its weight in the composition.
type SourceHeader struct {
	Name   string
	Weight float64
}

// headerKeys are the setting fields spec reads; sourceKeys the source fields.
var (
	headerKeys = []string{"id", "title", "kind", "family", "truth", "claim", "methods", "notes"}
	sourceKeys = []string{"name", "weight"}
)

// families are the registered families by name. They are registered by init functions,
// before any spec is read, so the map needs no lock.
var families = map[string]Family{}

// RegisterFamily adds a setting family under its spec name (family: name); call it from an
// init function. Registering a name twice panics.
func RegisterFamily(name string, f Family) {
	if _, dup := families[name]; dup {
		panic("spec: family " + name + " registered twice")
	}
	families[name] = f
}

// Families lists the registered family names, sorted.
func Families() []string {
	names := make([]string, 0, len(families))
	for n := range families {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func lookupFamily(name string) (Family, error) {
	f, ok := families[name]
	if !ok {
		return nil, fmt.Errorf("family %q is unknown; use one of %s", name, strings.Join(Families(), ", "))
	}
	return f, nil
}

// familyNode copies a setting's mapping without the header fields, and its sources without
// name and weight: what the family decodes. The original node is left as it is.
func familyNode(n *yaml.Node) *yaml.Node {
	out := without(n, headerKeys)
	for i := 0; i+1 < len(out.Content); i += 2 {
		if out.Content[i].Value != "sources" || out.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		seq := *out.Content[i+1]
		seq.Content = make([]*yaml.Node, len(out.Content[i+1].Content))
		for j, src := range out.Content[i+1].Content {
			seq.Content[j] = without(src, sourceKeys)
		}
		out.Content[i+1] = &seq
	}
	return out
}

// without copies a mapping node leaving out the given keys (other nodes are copied as is).
func without(n *yaml.Node, keys []string) *yaml.Node {
	cp := *n
	if n.Kind != yaml.MappingNode {
		return &cp
	}
	cp.Content = nil
	for i := 0; i+1 < len(n.Content); i += 2 {
		skip := false
		for _, k := range keys {
			skip = skip || n.Content[i].Value == k
		}
		if !skip {
			cp.Content = append(cp.Content, n.Content[i], n.Content[i+1])
		}
	}
	return &cp
}
