// Package htmlcheck checks that a report page is well formed and self-contained (tests of
// the report packages share it).
package htmlcheck

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// SelfContained parses HTML with encoding/xml in non-strict mode, checks that every
// element is closed in order (void elements aside), and that src/href point only at data: URIs
// or anchors that exist in the page.
func SelfContained(b []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	void := map[string]bool{}
	for _, v := range xml.HTMLAutoClose {
		void[v] = true
	}
	var stack []string
	ids := map[string]bool{}
	var anchors []string
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("offset %d: %w", dec.InputOffset(), err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			for _, a := range t.Attr {
				switch strings.ToLower(a.Name.Local) {
				case "id":
					ids[a.Value] = true
				case "src", "href", "srcset", "poster", "data", "action":
					switch {
					case strings.HasPrefix(a.Value, "data:"):
					case strings.HasPrefix(a.Value, "#"):
						anchors = append(anchors, a.Value[1:])
					default:
						return fmt.Errorf("<%s %s=%q> references something outside the file", name, a.Name.Local, a.Value)
					}
				}
			}
			if name == "link" || name == "script" {
				return fmt.Errorf("<%s> element: the report must not load anything", name)
			}
			if !void[name] {
				stack = append(stack, name)
			}
		case xml.EndElement:
			name := strings.ToLower(t.Name.Local)
			if void[name] {
				continue
			}
			if len(stack) == 0 || stack[len(stack)-1] != name {
				return fmt.Errorf("offset %d: </%s> closes %v", dec.InputOffset(), name, stack)
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if bytes.Contains(t, []byte("url(")) || bytes.Contains(t, []byte("@import")) {
				return errors.New("CSS loads an external resource")
			}
		}
	}
	if len(stack) != 0 {
		return fmt.Errorf("unclosed elements %v", stack)
	}
	for _, a := range anchors {
		if !ids[a] {
			return fmt.Errorf("link to #%s, which no element has as id", a)
		}
	}
	return nil
}
