package run

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/compdiff/compdiff/data"
)

// maxKeyFile bounds what -key @FILE reads: 16 MiB hold half a million keys, far beyond a
// job's batch, and a mistaken @/dev/zero fails instead of filling memory.
const maxKeyFile = 16 << 20

// keyRule is what a key is, for the messages (data.Key.Valid; plan.NodeKey writes 32).
const keyRule = "a key is 8 to 128 lowercase hex digits (node keys have 32, as `go run ./build dag` prints them)"

// ParseKeys reads the node task's -key: KEY, KEY1,KEY2,... or @FILE (one key per line,
// blank lines skipped: a cluster job's batch). A key typed on the command line is quoted
// when it is wrong; a line of FILE never is, only its number and why it is not a key,
// since the file may be anything (@/etc/shadow by a slip of the finger).
func ParseKeys(arg string) ([]data.Key, error) {
	if file, ok := strings.CutPrefix(arg, "@"); ok {
		return keysFromFile(file)
	}
	var keys []data.Key
	for _, s := range strings.Split(arg, ",") {
		k, err := data.ParseKey(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("-key: %w; %s", err, keyRule)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func keysFromFile(file string) ([]data.Key, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("-key @%s: %w; give a file with one node key per line", file, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("-key @%s: %w; give a file with one node key per line", file, err)
	}
	if len(b) > maxKeyFile {
		return nil, fmt.Errorf("-key @%s: larger than %d MiB, so not a list of node keys; give a file with one key per line", file, maxKeyFile>>20)
	}
	var keys []data.Key
	var bad []int // line numbers, 1-based
	why := ""
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if r := whyNotKey(line); r != "" {
			if why == "" {
				why = r
			}
			bad = append(bad, i+1)
			continue
		}
		keys = append(keys, data.Key(line))
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("-key @%s: %s; %s, one per line", file, badLines(bad, why), keyRule)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("-key @%s names no node: the file is empty; give one node key per line", file)
	}
	return keys, nil
}

// whyNotKey says why s is not a key without quoting any of it: its length, or the position
// of its first character that is not a lowercase hex digit ("" when s is a key).
func whyNotKey(s string) string {
	if data.Key(s).Valid() == nil {
		return ""
	}
	if n := len(s); n < 8 || n > 128 {
		return fmt.Sprintf("it is %d bytes long", n)
	}
	for i, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return fmt.Sprintf("its byte %d is not a lowercase hex digit", i+1)
		}
	}
	return "it is not a key"
}

// badLines names the lines that are not keys (the first few by number) and why the first
// is not.
func badLines(lines []int, why string) string {
	const show = 5
	if len(lines) == 1 {
		return fmt.Sprintf("line %d is not a node key (%s)", lines[0], why)
	}
	var nums []string
	for _, n := range lines[:min(len(lines), show)] {
		nums = append(nums, fmt.Sprint(n))
	}
	list := strings.Join(nums[:len(nums)-1], ", ") + " and " + nums[len(nums)-1]
	if len(lines) > show {
		list = strings.Join(nums, ", ") + fmt.Sprintf(" and %d more", len(lines)-show)
	}
	return fmt.Sprintf("lines %s are not node keys (line %d: %s)", list, lines[0], why)
}
