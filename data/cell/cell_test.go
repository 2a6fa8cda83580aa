package cell

import (
	"strings"
	"testing"
)

func TestMetaRoundTrip(t *testing.T) {
	for _, c := range []Cell{
		{Setting: "gauss-nfc-id", Column: Learned(Separate, 1000), Method: FKC, K: 16, Run: 4},
		{Setting: "gmm-ood-alt", Column: Exact(), Method: FKC, K: 1, Run: 0},
		{Setting: "gmm-id", Column: CoInDModel(1000, 0), Method: FKC, K: 4, Run: 2},
		{Setting: "gmm-id", Column: CoInDModel(100, 0.25), Method: SuperOr, K: 1, Run: 1},
		{Setting: "gauss-fc-ood", Column: Exact(), Method: ODE, K: 1, Run: 3},
	} {
		got, err := FromMeta(c.Meta())
		if err != nil || got != c {
			t.Errorf("%v: round trip gave %v, %v", c, got, err)
		}
	}
	bad := Cell{Setting: "s", Column: Exact(), Method: "langevin", K: 1}.Meta()
	if _, err := FromMeta(bad); err == nil || !strings.Contains(err.Error(), `"langevin"`) {
		t.Errorf("an unknown sampler in a cell: %v", err)
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
	c0, c1 := CoInDModel(100, 0), CoInDModel(100, 1)
	if !c0.Less(c1) || c1.Less(c0) || c1.String() != "coind λ=1 N=100" {
		t.Errorf("CoInD columns: %q, order %v", c1.String(), c0.Less(c1))
	}
	if (Cell{Column: c0, Method: FKC}).OnPaperGrid() || (Cell{Column: a, Method: ODE}).OnPaperGrid() || !(Cell{Column: a, Method: FKC}).OnPaperGrid() {
		t.Error("OnPaperGrid: the paper's grid is FKC on conditional, separate and exact scores")
	}
	if e.WithModel(Separate) != e || a.WithModel(Separate) != Learned(Separate, 100) {
		t.Error("WithModel")
	}
}
