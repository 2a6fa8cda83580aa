package pipeline

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runBinary runs the build binary and returns its combined output and exit status.
func runBinary(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	}
	t.Fatalf("%s %v: %v", bin, args, err)
	return "", -1
}

// The command lines — -j 0, -j -3, -out naming a file, an unwritable -cache — are
// refused with status 2 and every problem named, before any task starts: no task header
// is printed and no store or report directory appears.
func TestCLIRefusesBeforeRunning(t *testing.T) {
	bin := crashBinary(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "results")
	os.WriteFile(file, []byte("not a directory"), 0o644)
	cache, out := filepath.Join(dir, "cache"), filepath.Join(dir, "out")
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"-j", "0", "-cache", cache, "-out", out}, []string{"-j 0: want a positive"}},
		{[]string{"-j", "-3", "-cache", cache, "-out", out}, []string{"-j -3: want a positive"}},
		{[]string{"-cache", cache, "-out", file}, []string{"-out " + file + ": is a file, not a directory"}},
		{[]string{"-cache", file + "/cache", "-out", out}, []string{"-cache " + file + "/cache: cannot be created"}},
		{[]string{"-j", "0", "-cache", file, "-out", file, "-budget", "1h"}, []string{"4 problems", "-j 0", "-cache " + file, "-out " + file, "-budget 1h"}},
	} {
		res, code := runBinary(t, bin, append(append([]string{}, crashArgs...), c.args...)...)
		if code != 2 {
			t.Errorf("%v: exit status %d, want 2 (usage error)\n%s", c.args, code, res)
		}
		for _, w := range c.want {
			if !strings.Contains(res, w) {
				t.Errorf("%v: output lacks %q:\n%s", c.args, w, res)
			}
		}
		if strings.Contains(res, "TASK") || strings.Contains(res, "running") {
			t.Errorf("%v: a task started:\n%s", c.args, res)
		}
		for _, d := range []string{cache, out} {
			if _, err := os.Stat(d); err == nil {
				t.Fatalf("%v: %s was created", c.args, d)
			}
		}
	}
}

// -key @FILE on a file that is not a key list names the file and the line, exits 2, and no
// byte sequence of the file's secret appears in the output.
func TestCLIKeyFileNotEchoed(t *testing.T) {
	bin := crashBinary(t)
	dir := t.TempDir()
	secret := "q8Xv2SECRETtoken"
	file := filepath.Join(dir, "shadow")
	os.WriteFile(file, []byte("root:$6$"+secret+"$Kx9:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"), 0o600)
	res, code := runBinary(t, bin, "-cache", filepath.Join(dir, "cache"), "-key", "@"+file, "node")
	if code != 2 {
		t.Errorf("exit status %d, want 2\n%s", code, res)
	}
	if !strings.Contains(res, "-key @"+file+": lines 1 and 2 are not node keys (line 1: its byte 1 is not a lowercase hex digit)") {
		t.Errorf("the message does not name the file and lines:\n%s", res)
	}
	for _, frag := range []string{secret, "SECRET", "token", "q8Xv2", "$6$", "Kx9", "root:", "daemon", "99999"} {
		if strings.Contains(res, frag) {
			t.Errorf("the output quotes the file (%q):\n%s", frag, res)
		}
	}
}

// A run stopped by SIGINT exits 130 and one stopped by SIGTERM 143 (128 + the signal, the
// shell convention); running the same command again completes the study (status 0).
func TestCLIInterruptExitStatus(t *testing.T) {
	bin := crashBinary(t)
	dir := t.TempDir()
	cache, out := filepath.Join(dir, "cache"), filepath.Join(dir, "out")
	args := append(append([]string{}, crashArgs...), "-cache", cache, "-out", out)
	for _, c := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		cmd := exec.Command(bin, args...)
		var log bytes.Buffer
		cmd.Stdout, cmd.Stderr = &log, &log
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		// Signal once the run has computed some nodes of its own (the smoke study has 188).
		start := countManifests(cache)
		deadline := time.Now().Add(2 * time.Minute)
		for countManifests(cache) < start+20 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		cmd.Process.Signal(c.sig)
		select {
		case <-exited:
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			t.Fatalf("%v: still running a minute after the signal\n%s", c.sig, log.String())
		}
		if got := cmd.ProcessState.ExitCode(); got != c.code || !strings.Contains(log.String(), "interrupted: stopping") {
			t.Fatalf("%v: exit status %d, want %d (stopped by the signal)\n%s", c.sig, got, c.code, log.String())
		}
	}
	res, code := runBinary(t, bin, args...)
	if code != 0 || !strings.Contains(res, "cached") {
		t.Fatalf("the run after the interruptions: status %d, want 0 with cached nodes reused\n%s", code, res)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Fatal("the completed run wrote no report")
	}
}
