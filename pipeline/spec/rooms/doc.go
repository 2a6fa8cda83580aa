// Package rooms is the spec family of the room study (seed 000 §5.3, core/room): it reads
// `family: rooms` settings and brings the study's part of the built-in spec (rooms.yaml: its
// settings and its sizes in the built-in profiles). Linked into the binary by
// pipeline/spec/studies.
package rooms

import (
	_ "embed"

	"github.com/compdiff/compdiff/pipeline/spec"
)

//go:embed rooms.yaml
var builtin []byte

func init() { spec.RegisterBuiltin("rooms", builtin) }
