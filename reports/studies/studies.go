// Package studies links every study and document of the report into the binary: each
// registers itself with reports (reports.Register, reports.RegisterDocument) when imported.
// A new study adds one line here.
package studies

import (
	_ "github.com/compdiff/compdiff/reports/local"      // seed 001: local score models and length generalisation
	_ "github.com/compdiff/compdiff/reports/methods"    // methods.md
	_ "github.com/compdiff/compdiff/reports/projective" // seed 002: object scenes and linear maps
	_ "github.com/compdiff/compdiff/reports/rooms"      // seed 000 §5.3: objects in a room
	_ "github.com/compdiff/compdiff/reports/synthetic"  // seed 000's synthetic settings
)
