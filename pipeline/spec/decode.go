package spec

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// DecodeStrict decodes node into v (a pointer) and refuses fields v has no place for,
// naming the line and the fields that are read there, so that a typo is an error and not a
// silent default. Line numbers are those of the spec file.
func DecodeStrict(node *yaml.Node, v any) error {
	if err := unknownFields(node, reflect.TypeOf(v)); err != nil {
		return err
	}
	return node.Decode(v)
}

var unmarshaler = reflect.TypeFor[yaml.Unmarshaler]()

// unknownFields walks node beside the Go type t and returns the first mapping key that no
// field of the struct there reads.
func unknownFields(node *yaml.Node, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		if t.Implements(unmarshaler) {
			return nil
		}
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshaler) {
		return nil
	}
	switch {
	case node.Kind == yaml.DocumentNode && len(node.Content) == 1:
		return unknownFields(node.Content[0], t)
	case t.Kind() == reflect.Struct && node.Kind == yaml.MappingNode:
		fields := yamlFields(t)
		for i := 0; i+1 < len(node.Content); i += 2 {
			key := node.Content[i]
			ft, ok := fields[key.Value]
			if !ok {
				names := make([]string, 0, len(fields))
				for n := range fields {
					names = append(names, n)
				}
				sort.Strings(names)
				return fmt.Errorf("line %d: unknown field %q; besides the fields every setting and source has, this family reads %s here (see the README's spec format)",
					key.Line, key.Value, strings.Join(names, ", "))
			}
			if err := unknownFields(node.Content[i+1], ft); err != nil {
				return err
			}
		}
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && node.Kind == yaml.SequenceNode:
		for _, item := range node.Content {
			if err := unknownFields(item, t.Elem()); err != nil {
				return err
			}
		}
	}
	return nil
}

// yamlFields maps the keys yaml.v3 reads into a struct to their field types, following
// inline fields; a field without a tag is read under its lower-cased name.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") && f.Type.Kind() == reflect.Struct {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}
