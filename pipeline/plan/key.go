package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/compdiff/compdiff/data"
)

// keyLen is the number of hex digits of a node key (128 bits).
const keyLen = 32

// NodeKey is hash(stage kind, stage version, canonical params, keys of inputs). Params are
// canonical because they are Go structs with a fixed field order (maps marshal sorted).
func NodeKey(stage string, version int, params json.RawMessage, inputs map[string]data.Key) data.Key {
	b, _ := json.Marshal(struct {
		Stage   string              `json:"stage"`
		Version int                 `json:"version"`
		Params  json.RawMessage     `json:"params"`
		Inputs  map[string]data.Key `json:"inputs"`
	}{stage, version, params, inputs})
	h := sha256.Sum256(b)
	return data.Key(hex.EncodeToString(h[:])[:keyLen])
}
