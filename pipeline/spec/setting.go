package spec

import (
	"fmt"
	"math"
	"regexp"

	"gopkg.in/yaml.v3"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
	"github.com/compdiff/compdiff/stages"
)

// draft is one setting as written in a spec file: its header, read by spec, and its node,
// which its family decodes.
type draft struct {
	hdr   Header
	where string
	node  *yaml.Node
	// weights as written (nil: missing), for the message that asks for one.
	weights []*float64
	bad     bool // refused by readDrafts
}

// rawHeader is how spec decodes the common fields of a setting; the family's fields are
// left to the family.
type rawHeader struct {
	Header  `yaml:",inline"`
	Sources []struct {
		Name   string   `yaml:"name"`
		Weight *float64 `yaml:"weight"`
	} `yaml:"sources"`
}

// readDrafts decodes the headers of one file's settings and refuses duplicate ids within the
// file and header fields that are not finite or exceed their bounds, before any setting is
// built. It returns every problem.
func readDrafts(nodes []yaml.Node, where string) ([]*draft, []error) {
	var out []*draft
	var errs []error
	seen := map[string]int{}
	for i := range nodes {
		var raw rawHeader
		if err := nodes[i].Decode(&raw); err != nil {
			errs = append(errs, fmt.Errorf("spec %s: setting %d: %w", where, i+1, err))
			continue
		}
		d := &draft{hdr: raw.Header, where: where, node: &nodes[i]}
		for _, s := range raw.Sources {
			d.hdr.Sources = append(d.hdr.Sources, SourceHeader{Name: s.Name})
			d.weights = append(d.weights, s.Weight)
		}
		out = append(out, d)
		if j, dup := seen[d.hdr.ID]; dup {
			errs = append(errs, fmt.Errorf("spec %s: settings %d and %d both have id %q; ids must be unique within a file (rename one)", where, j+1, i+1, d.hdr.ID))
			d.bad = true
			continue
		}
		seen[d.hdr.ID] = i
		if err := d.checkBounds(); err != nil {
			errs = append(errs, fmt.Errorf("spec %s: setting %q: %w", where, d.hdr.ID, err))
			d.bad = true
		}
	}
	return out, errs
}

// checkBounds refuses a header whose sizes or weights exceed their bounds.
func (d *draft) checkBounds() error {
	if len(d.hdr.ID) > maxIDLen {
		return fmt.Errorf("id has %d characters; use at most %d", len(d.hdr.ID), maxIDLen)
	}
	if len(d.weights) > maxSources {
		return fmt.Errorf("has %d sources; at most %d are supported", len(d.weights), maxSources)
	}
	for i, w := range d.weights {
		if w == nil {
			continue // a missing weight gets its own message when the setting is built
		}
		at := SourceAt(i, d.hdr.Sources[i].Name) + ".weight"
		if err := Finite(at, *w); err != nil {
			return err
		}
		if math.Abs(*w) > maxWeight {
			return fmt.Errorf("%s = %v; |weight| must be at most %g", at, *w, maxWeight)
		}
	}
	return nil
}

// SourceAt names source i in messages, e.g. "sources[0] (a1)"; a field of it follows
// after a dot ("sources[0] (a1).mean[0]").
func SourceAt(i int, name string) string {
	at := fmt.Sprintf("sources[%d]", i)
	if name != "" {
		at += " (" + name + ")"
	}
	return at
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// build checks what every setting must satisfy, has the family build the rest and checks
// the result: the sources' distributions, one dimension, a proper target.
func (d *draft) build() (*Setting, error) {
	h := d.hdr
	fail := func(format string, args ...any) (*Setting, error) {
		return nil, fmt.Errorf("spec %s: %s", h.ID, fmt.Sprintf(format, args...))
	}
	if !idPattern.MatchString(h.ID) {
		return nil, fmt.Errorf("spec: setting id %q must be lower-case letters, digits, '.', '_' or '-'", h.ID)
	}
	if err := reports.CheckClaimName(h.Family, h.Claim); err != nil {
		return fail("%v", err)
	}
	if err := checkMethods(h.Methods); err != nil {
		return fail("%v", err)
	}
	// A setting without sources: has them derived by its family (e.g. scenes: one per
	// conditional and the background, with the weights of the composition).
	derived := d.weights == nil
	if len(h.Sources) < 2 && !derived {
		return fail("has %d sources; a composition needs at least two", len(h.Sources))
	}
	names := map[string]bool{}
	for i := range h.Sources {
		src := &h.Sources[i]
		if src.Name == "" {
			src.Name = fmt.Sprintf("s%d", i)
		}
		if names[src.Name] {
			return fail("source name %q appears twice", src.Name)
		}
		names[src.Name] = true
		if d.weights[i] == nil {
			return fail("source %s has no weight; give weight: (e.g. 1 or -1)", src.Name)
		}
		src.Weight = *d.weights[i]
	}
	fam, err := lookupFamily(h.Family)
	if err != nil {
		return fail("%v", err)
	}
	s, err := fam.Build(familyNode(d.node), h)
	if err != nil {
		return fail("%v", err)
	}
	if derived {
		if len(s.Sources) == 0 {
			return fail("has no sources; a composition needs at least two (write sources:)")
		}
		if err := checkDerived(s.Sources); err != nil {
			return fail("family %s: %v", h.Family, err)
		}
	} else if len(s.Sources) != len(h.Sources) {
		return fail("family %s built %d sources from %d entries of sources:", h.Family, len(s.Sources), len(h.Sources))
	}
	s.ID, s.Title, s.Kind, s.Family, s.Claim, s.Notes, s.Methods = h.ID, h.Title, h.Kind, h.Family, h.Claim, h.Notes, h.Methods
	if s.Title == "" {
		s.Title = h.ID
	}
	for i := range s.Sources {
		if !derived {
			s.Sources[i].Name, s.Sources[i].Weight = h.Sources[i].Name, h.Sources[i].Weight
		}
		src := s.Sources[i]
		dist, err := src.Spec.Dist()
		if err != nil {
			return fail("source %s: %v", src.Name, err)
		}
		if i == 0 && s.Dim == 0 {
			s.Dim = dist.Dim()
		}
		if dist.Dim() != s.Dim {
			return fail("source %s has dimension %d but source %s has %d; all sources need one dimension", src.Name, dist.Dim(), s.Sources[0].Name, s.Dim)
		}
	}
	if s.Truth == "" {
		s.Truth = h.Truth
	}
	if s.Truth == "" {
		return fail("names no ground-truth sampler; set truth:")
	}
	if err := stages.CheckTarget(s.Specs(), s.Weights(), s.Truth); err != nil {
		return fail("%v", err)
	}
	return s, nil
}

// checkDerived checks the sources a family derived for a setting without sources: what
// spec checks of written ones (count, unique names, finite bounded weights).
func checkDerived(srcs []cell.Source) error {
	if len(srcs) < 2 || len(srcs) > maxSources {
		return fmt.Errorf("derived %d sources; a composition needs 2 to %d", len(srcs), maxSources)
	}
	names := map[string]bool{}
	for i, src := range srcs {
		if src.Name == "" || names[src.Name] {
			return fmt.Errorf("derived source %d has an empty or repeated name %q", i, src.Name)
		}
		names[src.Name] = true
		if err := Finite(SourceAt(i, src.Name)+".weight", src.Weight); err != nil {
			return err
		}
		if math.Abs(src.Weight) > maxWeight {
			return fmt.Errorf("derived weight %v of source %s; |weight| must be at most %g", src.Weight, src.Name, maxWeight)
		}
	}
	return nil
}
