package spec

// The fuzz tests (package spec_test, which may import plan) drive parsing and resolving
// without files.
var (
	ParseSpec   = parseSpec
	Resolve     = resolve
	BuiltinSpec = builtinSpec
)

const MaxSpecBytes = maxSpecBytes
