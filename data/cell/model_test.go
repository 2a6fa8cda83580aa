package cell

import (
	"strings"
	"testing"
)

// A study's registered model parses and travels through an artifact's metadata; an
// unregistered one is refused with the names there are; registering a built-in panics.
func TestRegisterModel(t *testing.T) {
	RegisterModel("test-model")
	c := Cell{Setting: "s", Column: Learned("test-model", 10), Method: FKC, K: 1}
	got, err := FromMeta(c.Meta())
	if err != nil || got != c {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	if _, err := ParseModel("no-such-model"); err == nil || !strings.Contains(err.Error(), "test-model") {
		t.Fatalf("unregistered model: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("registering the built-in conditional model did not panic")
		}
	}()
	RegisterModel(Conditional)
}
