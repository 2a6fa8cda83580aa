// Package spectest helps the tests of spec families: a spec file written for a test, and the
// check that an error names each problem on exactly one line.
package spectest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// WriteSpec writes body as a spec file in a temporary directory and returns its path.
func WriteSpec(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// WantAll checks that err names each wanted problem on exactly one of its lines.
func WantAll(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one naming %q", want)
	}
	lines := strings.Split(err.Error(), "\n")
	for _, w := range want {
		n := 0
		for _, l := range lines {
			if strings.Contains(l, w) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d lines contain %q; want one:\n%v", n, w, err)
		}
	}
}
