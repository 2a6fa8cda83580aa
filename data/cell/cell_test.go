package cell

import (
	"strings"
	"testing"
)

func TestMetaRoundTrip(t *testing.T) {
	for _, c := range []Cell{
		{Setting: "gauss-nfc-id", Column: Learned(Separate, 1000), Method: FKC, K: 16, Run: 4},
		{Setting: "gmm-ood-alt", Column: Exact(), Method: FKC, K: 1, Run: 0},
	} {
		got, err := FromMeta(c.Meta())
		if err != nil || got != c {
			t.Errorf("%v: round trip gave %v, %v", c, got, err)
		}
	}
	if _, err := FromMeta(map[string]string{}); err == nil || !strings.Contains(err.Error(), "-force sample,metrics") {
		t.Errorf("an artifact without a cell: %v", err)
	}
}

func TestColumnOrderAndNames(t *testing.T) {
	a, b, e := Learned(Conditional, 100), Learned(Conditional, 10000), Exact()
	if !a.Less(b) || !b.Less(e) || e.Less(a) {
		t.Error("columns not ordered learned N ascending, exact last")
	}
	if a.Header() != "N=100" || e.Header() != "analytical" || e.String() != "analytic" || a.String() != "conditional N=100" {
		t.Errorf("names: %q %q %q %q", a.Header(), e.Header(), e.String(), a.String())
	}
	if e.WithModel(Separate) != e || a.WithModel(Separate) != Learned(Separate, 100) {
		t.Error("WithModel")
	}
}
