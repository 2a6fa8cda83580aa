package run

import (
	"fmt"
	"os"
	"strings"

	"github.com/compdiff/compdiff/data"
)

// ParseKeys reads the node task's -key: KEY, KEY1,KEY2,... or @FILE (one key per line, a
// cluster job's batch).
func ParseKeys(arg string) ([]data.Key, error) {
	list := strings.Split(arg, ",")
	if file, ok := strings.CutPrefix(arg, "@"); ok {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("-key @%s: %w", file, err)
		}
		list = strings.Fields(string(b))
	}
	var keys []data.Key
	for _, s := range list {
		k, err := data.ParseKey(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("-key: %w", err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("-key %q names no node", arg)
	}
	return keys, nil
}
