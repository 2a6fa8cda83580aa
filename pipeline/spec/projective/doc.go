// Package projective is the spec families of the projective-composition study (seed 002,
// core/scene, core/linmap): `family: scenes` and `family: linear-map` settings, and the
// study's part of the built-in spec (projective.yaml: its settings and its sizes in the
// built-in profiles). Linked into the binary by pipeline/spec/studies.
package projective

import (
	_ "embed"

	"github.com/compdiff/compdiff/pipeline/spec"
)

//go:embed projective.yaml
var builtin []byte

func init() { spec.RegisterBuiltin("projective", builtin) }
