package run

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// -key takes one key, a comma list or @FILE; anything else is refused naming the fix.
func TestParseKeys(t *testing.T) {
	a, b := strings.Repeat("a", 32), strings.Repeat("b", 32)
	file := filepath.Join(t.TempDir(), "keys")
	os.WriteFile(file, []byte(a+"\n"+b+"\n"), 0o644)
	for arg, want := range map[string]int{a: 1, a + "," + b: 2, "@" + file: 2} {
		keys, err := ParseKeys(arg)
		if err != nil || len(keys) != want || string(keys[0]) != a {
			t.Errorf("ParseKeys(%.40q) = %v, %v; want %d keys starting with %s", arg, keys, err, want, a)
		}
	}
	for _, arg := range []string{"xyz", "@" + file + ".missing", "@" + os.DevNull} {
		if _, err := ParseKeys(arg); err == nil || !strings.Contains(err.Error(), "-key") {
			t.Errorf("ParseKeys(%q): %v; want an error naming -key", arg, err)
		}
	}
}
