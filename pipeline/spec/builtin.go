package spec

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// A study's part of the built-in spec lives with its family (RegisterBuiltin): its settings
// and its blocks of the built-in profiles (families: {rooms: …}), merged into spec.yaml — which
// holds the profiles and the first study's settings — whenever a spec is loaded.

type fragment struct {
	name string
	doc  []byte
}

// fragments are registered by init functions before any spec is loaded (no lock needed).
var fragments []fragment

// RegisterBuiltin adds a study's part of the built-in spec: settings, and fields of built-in
// profiles (mappings merge key by key, so a study adds its own families: block). Call it
// from an init function of the study's family package.
func RegisterBuiltin(name string, doc []byte) { fragments = append(fragments, fragment{name, doc}) }

// builtin is spec.yaml with every registered study's part merged in.
func builtin() (*specFile, error) {
	base, err := parseSpec(builtinSpec, "built-in spec")
	if err != nil {
		return nil, err
	}
	for _, f := range fragments {
		where := "built-in spec (" + f.name + ")"
		part, err := parseSpec(f.doc, where)
		if err != nil {
			return nil, err
		}
		if part.ReplaceSettings {
			return nil, fmt.Errorf("%s: replace_settings belongs to a user's -spec file", where)
		}
		base.Settings = append(base.Settings, part.Settings...)
		for name, node := range part.Profiles {
			b, ok := base.Profiles[name]
			if !ok {
				return nil, fmt.Errorf("%s: profile %q is not a built-in profile; a study adds fields to smoke, default and paper only", where, name)
			}
			merge(&b, &node)
			base.Profiles[name] = b
		}
	}
	return base, nil
}

// merge copies src's keys into the mapping dst: a key both map to mappings is merged in
// turn, any other replaces dst's value.
func merge(dst, src *yaml.Node) {
	if dst.Kind == yaml.DocumentNode && len(dst.Content) == 1 {
		dst = dst.Content[0]
	}
	if src.Kind == yaml.DocumentNode && len(src.Content) == 1 {
		src = src.Content[0]
	}
	for i := 0; i+1 < len(src.Content); i += 2 {
		k, v := src.Content[i], src.Content[i+1]
		found := false
		for j := 0; j+1 < len(dst.Content); j += 2 {
			if dst.Content[j].Value == k.Value {
				found = true
				if dst.Content[j+1].Kind == yaml.MappingNode && v.Kind == yaml.MappingNode {
					merge(dst.Content[j+1], v)
				} else {
					dst.Content[j+1] = v
				}
			}
		}
		if !found {
			dst.Content = append(dst.Content, k, v)
		}
	}
}
