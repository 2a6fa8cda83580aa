package pipeline

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/compdiff/compdiff/data"
)

// Killing the real binary with SIGKILL mid-run (no chance to clean up) leaves no corrupt
// artifact, and running the same command again completes the study from where it stopped.
func TestKillThenResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "build")
	if out, err := exec.Command("go", "build", "-o", bin, "../build").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cache, out := filepath.Join(dir, "cache"), filepath.Join(dir, "out")
	args := []string{"-profile", "smoke", "-only", "gmm-id,gauss-nfc-id", "-cache", cache, "-out", out}
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill once a good part of the work is cached but before the end.
	deadline := time.Now().Add(2 * time.Minute)
	for countManifests(cache) < 30 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	before := countManifests(cache)
	if before == 0 {
		t.Fatal("nothing was cached before the kill")
	}
	res, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("re-run after SIGKILL failed: %v\n%s", err, res)
	}
	if !strings.Contains(string(res), "cached") {
		t.Fatalf("re-run did not reuse the cache:\n%s", res)
	}
	st, err := data.Open(cache)
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := st.Keys()
	for _, k := range keys {
		if err := st.Verify(k); err != nil {
			t.Errorf("artifact %s after kill and resume: %v", k, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Fatal("the resumed run wrote no report")
	}
}

func countManifests(cache string) int {
	n := 0
	filepath.WalkDir(cache, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".json") {
			n++
		}
		return nil
	})
	return n
}
