package run

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/compdiff/compdiff/data"
)

// A full disk met by a writer outside the store gets the fix too; the store's errors,
// which already name it, get nothing added.
func TestDiskHint(t *testing.T) {
	if h := diskHint(fmt.Errorf("reports: write index.html: %w", syscall.ENOSPC)); !strings.Contains(h, "disk is full") {
		t.Errorf("hint %q for ENOSPC", h)
	}
	if h := diskHint(fmt.Errorf("put: %w", &data.WriteError{Path: "p", Op: "write", Err: syscall.ENOSPC})); h != "" {
		t.Errorf("hint %q added to a store error", h)
	}
	if h := diskHint(errors.New("other")); h != "" {
		t.Errorf("hint %q for an unrelated error", h)
	}
}
