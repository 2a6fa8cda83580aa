package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
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
// and to check it (part checksums). It is stored as <key>.json next to the parts, opened by
// a checksum of the rest of the file (see marshalManifest).
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

// sumField opens every manifest the store writes: {"sum":"<sha256 hex of the rest>",...
// where the rest is the manifest's compact JSON. It makes any damage to a manifest, even a
// flipped byte inside a string that leaves valid JSON, a checksum mismatch.
const sumField = `{"sum":"`

// marshalManifest writes compact JSON, which keeps Params byte for byte as the caller
// hashed them (if they were compact), so a key can be re-derived from its manifest.
func marshalManifest(m *Manifest) ([]byte, error) {
	body, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", m.Key, err)
	}
	b := make([]byte, 0, len(sumField)+66+len(body))
	b = append(b, sumField...)
	b = append(b, sha256hex(body)...)
	b = append(b, '"', ',')
	b = append(b, body[1:]...)
	return append(b, '\n'), nil
}

// parseManifest reads what marshalManifest wrote. Manifests written before the checksum
// are read with every field name checked instead, so a garbled name is caught there too.
func parseManifest(b []byte) (*Manifest, error) {
	var m Manifest
	if rest, ok := bytes.CutPrefix(b, []byte(sumField)); ok {
		if len(rest) < 66 || rest[64] != '"' || rest[65] != ',' {
			return nil, errors.New("its checksum field is damaged")
		}
		body := append([]byte{'{'}, bytes.TrimSuffix(rest[66:], []byte("\n"))...)
		if got, want := sha256hex(body), string(rest[:64]); got != want {
			return nil, fmt.Errorf("checksum mismatch: the manifest says %.12s…, its content hashes to %.12s…", want, got)
		}
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, err
		}
		return &m, nil
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("empty (%d bytes)", len(b))
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the manifest")
	}
	return &m, nil
}

// finding is one thing wrong under a key: which file (part, if it is one) and why.
type finding struct{ part, path, reason string }

// readManifest reads and checks the manifest of a valid key k. It returns the manifest, or
// what is wrong with it (damage: unreadable, not a manifest, not one of k, a directory), or
// err when there is none (wrapping fs.ErrNotExist).
func (s *Store) readManifest(k Key) (m *Manifest, f *finding, err error) {
	path := s.manifestPath(k)
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil, err
	case errors.Is(err, syscall.ENOTDIR):
		return nil, &finding{path: s.shardDir(k), reason: "a file where the shard directory goes"}, nil
	case errors.Is(err, syscall.EISDIR):
		return nil, &finding{path: path, reason: "a directory where the manifest goes"}, nil
	case err != nil:
		return nil, &finding{path: path, reason: "unreadable: " + err.Error()}, nil
	}
	m, err = parseManifest(b)
	if err != nil {
		return nil, &finding{path: path, reason: "not a manifest: " + err.Error()}, nil
	}
	if err := m.valid(k); err != nil {
		return nil, &finding{path: path, reason: err.Error()}, nil
	}
	return m, nil, nil
}

// valid checks a parsed manifest found under key k.
func (m *Manifest) valid(k Key) error {
	if m.Key != k {
		return fmt.Errorf("a manifest of key %.40q, not of this key", string(m.Key))
	}
	if err := m.check(); err != nil {
		return err
	}
	switch m.Status {
	case StatusPending:
	case StatusDone:
		if m.Parts["main"] == "" {
			return errors.New(`a done manifest without a "main" part`)
		}
		for p, sum := range m.Parts {
			if err := validPart(p); err != nil {
				return fmt.Errorf("the manifest lists a bad part: %w", err)
			}
			if Key(sum).Valid() != nil || len(sum) != 64 {
				return fmt.Errorf("part %q: checksum %.70q is not 64 hex digits", p, sum)
			}
		}
	default:
		return fmt.Errorf("status %.20q: want %s or %s", m.Status, StatusPending, StatusDone)
	}
	return nil
}

// Manifest reads the manifest of k. The error wraps os.ErrNotExist when there is none; a
// damaged one is reported (Check moves it aside).
func (s *Store) Manifest(k Key) (*Manifest, error) {
	if err := k.Valid(); err != nil {
		return nil, err
	}
	m, f, err := s.readManifest(k)
	if f != nil {
		return nil, fmt.Errorf("artifact %s: %s: %s", k, f.path, f.reason)
	}
	if err != nil {
		return nil, fmt.Errorf("artifact %s: no manifest: %w", k, err)
	}
	return m, nil
}

func (s *Store) writeManifest(m *Manifest) error {
	b, err := marshalManifest(m)
	if err != nil {
		return err
	}
	_, err = writeAtomic(s.manifestPath(m.Key), func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
	return err
}

// Describe records m as a pending node so any process can run it from its key alone.
// An existing manifest (pending or done) is left alone; it is an error if it describes a
// different computation (Check, given the planned node, moves such a manifest aside
// first). A damaged manifest is moved aside and replaced.
func (s *Store) Describe(m *Manifest) error {
	if err := m.check(); err != nil {
		return err
	}
	if err := s.ensureShard(m.Key); err != nil {
		return err
	}
	old, f, _ := s.readManifest(m.Key)
	if f != nil {
		if ce := s.quarantine(m.Key, f.part, f.path, f.reason); ce.MovedTo == "" {
			return ce
		}
	} else if old != nil {
		if !sameNode(old, m) {
			return fmt.Errorf("describe %s: the store already has this key for a different node (stage %s v%d, params %s); keys must hash stage, version, params and inputs",
				m.Key, old.Stage, old.Version, old.Params)
		}
		return nil
	}
	p := *m
	p.Status, p.Parts = StatusPending, nil
	b, err := marshalManifest(&p)
	if err != nil {
		return err
	}
	// Describe may run without k's lock (the plan task), so Check in another process may
	// take the temp file for an interrupted write's and delete it: then write it again.
	for attempt := 1; ; attempt++ {
		err := createOnce(s.manifestPath(m.Key), b)
		if err == nil || !errors.Is(err, fs.ErrNotExist) || attempt == 3 {
			return err
		}
	}
}

// createOnce writes path atomically unless it exists. Linking the finished temp file fails
// when path exists, so a manifest finished meanwhile by another process is never replaced.
func createOnce(path string, b []byte) error {
	dir, base := filepath.Split(path)
	f, err := createTemp(dir, tmpPrefix+base+"-*")
	if err != nil {
		return writeError(path, "create", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	_, err = f.Write(b)
	op := "write"
	if err == nil {
		err, op = f.Sync(), "fsync"
	}
	if cerr := f.Close(); err == nil {
		err, op = cerr, "close"
	}
	if err != nil {
		return writeError(path, op, err)
	}
	switch err := os.Link(tmp, path); {
	case err == nil:
	case errors.Is(err, fs.ErrExist):
		return nil
	default:
		// No hard links on this file system: fall back to rename.
		if _, serr := os.Stat(path); serr == nil {
			return nil
		}
		if err := os.Rename(tmp, path); err != nil {
			return writeError(path, "rename", err)
		}
	}
	if err := syncDir(dir); err != nil {
		return writeError(path, "fsync directory", err)
	}
	return nil
}
