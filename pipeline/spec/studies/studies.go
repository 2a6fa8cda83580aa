// Package studies links every study's spec family into the binary: each registers its
// family and its part of the built-in spec when imported. A new study adds one line here
// (its report study has its line in reports/studies).
package studies

import (
	_ "github.com/compdiff/compdiff/pipeline/spec/local"      // seed 001: local score models
	_ "github.com/compdiff/compdiff/pipeline/spec/projective" // seed 002: scenes, linear maps
	_ "github.com/compdiff/compdiff/pipeline/spec/rooms"      // seed 000 §5.3: objects in a room
)
