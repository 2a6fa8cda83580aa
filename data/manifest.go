package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Key addresses an artifact: lowercase hex (a content hash), at least 8 characters.
type Key string

// ParseKey checks s as a key, e.g. one given on the command line.
func ParseKey(s string) (Key, error) {
	k := Key(s)
	return k, k.Valid()
}

// Valid reports why k cannot be a key, or nil.
func (k Key) Valid() error {
	if len(k) < 8 || len(k) > 128 {
		return fmt.Errorf("artifact key %q: want 8 to 128 lowercase hex characters, have %d characters", string(k), len(k))
	}
	for _, c := range []byte(k) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return fmt.Errorf("artifact key %q: %q is not a lowercase hex digit", string(k), c)
		}
	}
	return nil
}

// Manifest statuses.
const (
	StatusPending = "pending" // described, maybe running; not usable
	StatusDone    = "done"    // every part is written and checksummed
)

// Manifest describes one artifact: enough to recompute it (stage, version, params, inputs)
// and to check it (part checksums). It is stored as <key>.json next to the parts.
type Manifest struct {
	Key      Key               `json:"key"`
	Stage    string            `json:"stage"`
	Version  int               `json:"version"`
	Params   json.RawMessage   `json:"params"`
	Inputs   map[string]Key    `json:"inputs,omitempty"`
	Status   string            `json:"status"`          // StatusPending until complete, then StatusDone
	Parts    map[string]string `json:"parts,omitempty"` // part name → sha256 hex of its file
	Started  time.Time         `json:"started,omitzero"`
	Finished time.Time         `json:"finished,omitzero"`
	Seconds  float64           `json:"seconds,omitempty"`
	Host     string            `json:"host,omitempty"`
	Info     map[string]string `json:"info,omitempty"` // free-form diagnostics (acceptance rate, ESS, ...)
}

func (m *Manifest) check() error {
	if err := m.Key.Valid(); err != nil {
		return err
	}
	if m.Stage == "" {
		return fmt.Errorf("manifest %s: empty stage; every artifact names the stage that computes it", m.Key)
	}
	for name, k := range m.Inputs {
		if err := k.Valid(); err != nil {
			return fmt.Errorf("manifest %s: input %q: %w", m.Key, name, err)
		}
	}
	return nil
}

// sameNode reports whether a and b describe the same computation. Two manifests under one
// key that do not would mean the key is not a function of the description: a bug.
func sameNode(a, b *Manifest) bool {
	norm := func(p json.RawMessage) string {
		var buf bytes.Buffer
		if len(p) == 0 || json.Compact(&buf, p) != nil {
			return string(p)
		}
		return buf.String()
	}
	if len(a.Inputs) != len(b.Inputs) {
		return false
	}
	for n, k := range a.Inputs {
		if b.Inputs[n] != k {
			return false
		}
	}
	pa, pb := norm(a.Params), norm(b.Params)
	if pa == "" {
		pa = "null"
	}
	if pb == "" {
		pb = "null"
	}
	return a.Stage == b.Stage && a.Version == b.Version && pa == pb
}
