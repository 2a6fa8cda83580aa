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
	os.WriteFile(file, []byte(a+"\n\n"+b+"\r\n"), 0o644)
	for arg, want := range map[string]int{a: 1, a + "," + b: 2, "@" + file: 2} {
		keys, err := ParseKeys(arg)
		if err != nil || len(keys) != want || string(keys[0]) != a {
			t.Errorf("ParseKeys(%.40q) = %v, %v; want %d keys starting with %s", arg, keys, err, want, a)
		}
	}
	for _, arg := range []string{"", "xyz", a + ",", "@" + file + ".missing", "@" + os.DevNull, "@" + t.TempDir()} {
		if _, err := ParseKeys(arg); err == nil || !strings.Contains(err.Error(), "-key") {
			t.Errorf("ParseKeys(%q): %v; want an error naming -key", arg, err)
		}
	}
}

// A file of lines that are not keys is refused by file and line number, with why, and no
// byte sequence of a line that is not a key appears in the message: the file may be a
// password file.
func TestParseKeysNeverQuotesTheFile(t *testing.T) {
	key := strings.Repeat("0123456789abcdef", 2)
	secret := "Zq7SECRETtoken"
	for name, c := range map[string]struct {
		content, want string
	}{
		"shadow":      {"root:$6$" + secret + "$x:19000:0:99999:7:::\n", "line 1 is not a node key (its byte 1 is not"},
		"after a key": {key + "\n" + secret + "\n", "line 2 is not a node key (its byte 1 is not"},
		"hex-like":    {key + "\ndeadbeef" + strings.Repeat("0", 20) + "Z" + secret + "\n", "line 2 is not a node key (its byte 29 is not"},
		"many": {strings.Repeat(secret+"\n", 7) + key + "\n",
			"lines 1, 2, 3, 4, 5 and 2 more are not node keys (line 1: its byte 1 is not"},
		"uppercase": {strings.ToUpper(key) + secret + "\n", "line 1 is not a node key (its byte 11 is not"},
		"short":     {key + "\n\n c0ffee \n", "line 3 is not a node key (it is 6 bytes long)"},
	} {
		file := filepath.Join(t.TempDir(), "keys")
		os.WriteFile(file, []byte(c.content), 0o644)
		_, err := ParseKeys("@" + file)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, "-key @"+file+": ") || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %q; want the file and %q", name, msg, c.want)
		}
		// No piece of the secret (nor the password-file syntax around it) may leak.
		for _, frag := range []string{secret, "SECRET", "token", "Zq7", "$6$", "19000", "deadbeef", "c0ffee"} {
			if strings.Contains(msg, frag) {
				t.Errorf("%s: the message quotes the file (%q): %s", name, frag, msg)
			}
		}
	}
}

// A file larger than any key list is refused without reading it all.
func TestParseKeysHugeFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "big")
	f, _ := os.Create(file)
	f.Truncate(maxKeyFile + 1)
	f.Close()
	if _, err := ParseKeys("@" + file); err == nil || !strings.Contains(err.Error(), "larger than 16 MiB") {
		t.Fatalf("ParseKeys(16 MiB + 1 byte) = %v; want refused as too large", err)
	}
}
