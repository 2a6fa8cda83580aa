// Package spec reads the study spec: the built-in spec.yaml and a user's -spec file on top,
// into validated profiles and settings. A user's file is refused here, with every problem
// named at once, before anything is planned. Settings are built by their family (see
// RegisterFamily); gaussian and mixture are built in.
package spec

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compdiff/compdiff/data/cell"
)

//go:embed spec.yaml
var builtinSpec []byte

type specFile struct {
	Profiles        map[string]yaml.Node `yaml:"profiles"`
	Settings        []yaml.Node          `yaml:"settings"`
	ReplaceSettings bool                 `yaml:"replace_settings"`
}

// Setting is a validated composition task: the one Setting type of the project, shared
// with stages and reports (data/cell).
type Setting = cell.Setting

// Spec is the validated study: all settings and all profiles.
type Spec struct {
	Settings []*Setting
	Profiles map[string]*Profile
}

// Load reads the built-in spec and, if userFile is not empty, applies it on top.
func Load(userFile string) (*Spec, error) {
	base, err := builtin()
	if err != nil {
		return nil, err
	}
	var user *specFile
	if userFile != "" {
		b, err := readSpecFile(userFile)
		if err != nil {
			return nil, err
		}
		if user, err = parseSpec(b, userFile); err != nil {
			return nil, err
		}
	}
	return resolve(base, user, userFile)
}

func parseSpec(b []byte, name string) (*specFile, error) {
	var f specFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("spec %s is malformed: %s (see the README's spec format)", name, withoutContent(err))
	}
	return &f, nil
}

// quoted is what the YAML decoder quotes from the file: a value in backticks (type errors)
// or the name of an unknown field.
var (
	quoted       = regexp.MustCompile("`[^`]*`")
	unknownField = regexp.MustCompile(`field .* not found in type`)
)

// withoutContent is a YAML error without the file's content: a file given with -spec may
// not be a spec at all (-spec /etc/shadow), and its bytes must not reach the terminal or a
// job log. The decoder quotes values in backticks; the line numbers and types stay.
func withoutContent(err error) string {
	msg := quoted.ReplaceAllString(err.Error(), "a value")
	return unknownField.ReplaceAllString(msg, "a field not found in type")
}

// resolve applies user (may be nil) on top of base. Every problem of the profiles and the
// settings is collected and returned in one error, one line each.
func resolve(base, user *specFile, userName string) (*Spec, error) {
	sp := &Spec{Profiles: map[string]*Profile{}}
	var errs []error
	// Profiles: built-ins first, then the user's fields on top (or a new profile from `base`).
	for name, node := range base.Profiles {
		p := &Profile{Name: name}
		if err := decodeProfile(&node, p, "built-in spec"); err != nil {
			return nil, err
		}
		sp.Profiles[name] = p
	}
	if user != nil {
		names := make([]string, 0, len(user.Profiles))
		for n := range user.Profiles {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, name := range names {
			node := user.Profiles[name]
			p, ok := sp.Profiles[name]
			if !ok {
				var hdr struct {
					Base string `yaml:"base"`
				}
				_ = node.Decode(&hdr)
				b, ok := sp.Profiles[hdr.Base]
				if !ok {
					errs = append(errs, fmt.Errorf("spec %s: profile %q is new, so it needs `base:` naming a profile to start from (one of %s)", userName, name, strings.Join(sp.ProfileNames(), ", ")))
					continue
				}
				p = b.clone()
			}
			p.Name = name
			if err := decodeProfile(&node, p, userName); err != nil {
				errs = append(errs, err)
				continue
			}
			sp.Profiles[name] = p
		}
	}
	for _, name := range sp.ProfileNames() {
		if err := sp.Profiles[name].Validate(); err != nil {
			errs = append(errs, err)
		}
		where := "built-in spec"
		if user != nil {
			if _, mine := user.Profiles[name]; mine {
				where = userName
			}
		}
		if err := sp.Profiles[name].resolveFamilies(where); err != nil {
			errs = append(errs, err)
		}
		if err := sp.Profiles[name].resolveCalibration(); err != nil {
			errs = append(errs, err)
		}
	}
	settings, err := resolveSettings(base, user, userName)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sp.Settings = settings
	return sp, nil
}

// resolveSettings merges the settings of both files (the user's replace built-ins with the
// same id, or add new ones) and builds each by its family.
func resolveSettings(base, user *specFile, userName string) ([]*Setting, error) {
	defs, errs := readDrafts(base.Settings, "built-in spec")
	if user != nil {
		mine, uerrs := readDrafts(user.Settings, userName)
		errs = append(errs, uerrs...)
		if user.ReplaceSettings {
			defs = nil
		}
		for _, u := range mine {
			replaced := false
			for i := range defs {
				if defs[i].hdr.ID == u.hdr.ID {
					defs[i], replaced = u, true
				}
			}
			if !replaced {
				defs = append(defs, u)
			}
		}
	}
	var out []*Setting
	seen := map[string]bool{}
	for _, d := range defs {
		if d.bad {
			continue // its problem is already listed
		}
		s, err := d.build()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[s.ID] {
			errs = append(errs, fmt.Errorf("spec %s: setting id appears twice; ids must be unique", s.ID))
			continue
		}
		seen[s.ID] = true
		out = append(out, s)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the spec has no settings; add at least one under settings:")
	}
	return out, nil
}

func decodeProfile(node *yaml.Node, p *Profile, where string) error {
	// Strict decoding so a typo in a field name is an error, not a silent default.
	b, err := yaml.Marshal(node)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(p); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("spec %s: profile %s: %w", where, p.Name, err)
	}
	return nil
}

// ProfileNames lists the spec's profiles in sorted order.
func (sp *Spec) ProfileNames() []string {
	var s []string
	for n := range sp.Profiles {
		s = append(s, n)
	}
	sort.Strings(s)
	return s
}

// Select returns the settings named in only (comma-separated), or all of them.
func (sp *Spec) Select(only string) ([]*Setting, error) {
	if strings.TrimSpace(only) == "" {
		return sp.Settings, nil
	}
	var out []*Setting
	asked := map[string]bool{}
	for _, id := range strings.Split(only, ",") {
		id = strings.TrimSpace(id)
		if asked[id] {
			return nil, fmt.Errorf("-only names %q twice; list each setting once", id)
		}
		asked[id] = true
		var found *Setting
		for _, s := range sp.Settings {
			if s.ID == id {
				found = s
			}
		}
		if found == nil {
			var ids []string
			for _, s := range sp.Settings {
				ids = append(ids, s.ID)
			}
			return nil, fmt.Errorf("unknown setting %q in -only; the spec has %s", id, strings.Join(ids, ", "))
		}
		out = append(out, found)
	}
	return out, nil
}

// Profile returns the named profile or an error listing the available ones.
func (sp *Spec) Profile(name string) (*Profile, error) {
	p, ok := sp.Profiles[name]
	if !ok {
		return nil, fmt.Errorf("unknown profile %q; choose one of %s (or define it in a -spec file with base:)", name, strings.Join(sp.ProfileNames(), ", "))
	}
	return p, nil
}
