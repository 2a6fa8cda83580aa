package reports

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/data/cell"
)

// The toy study's verdicts reach verdicts.json and verdicts.csv, and both read back into the
// same rows: one row per comparison, nulls (never NaN) where a value does not apply.
func TestVerdictsRoundTrip(t *testing.T) {
	r := toyReport()
	dir := t.TempDir()
	if err := Render(r, dir); err != nil {
		t.Fatal(err)
	}
	want := VerdictRows(r.Profile, CheckClaims(r))
	if len(want) != 1 {
		t.Fatalf("toy study: %d rows, want 1 (one verdict, one comparison)", len(want))
	}
	w := want[0]
	// Per-run differences K=1 − K=4 are 0.75 in every run (run%2 adds the same to both), so
	// the mean is 0.75 with SE 0; the claimed side is established at p = 0.
	if w.Verdict != "t/toy-1" || *w.Setting != "toy-1" || *w.Part != "a" || *w.PartState != "established" ||
		*w.N != 4 || math.Abs(*w.Estimate-0.75) > 1e-12 || *w.SE > 1e-12 || *w.PClaimed != 0 || !*w.RejectedClaimed ||
		*w.RejectedOpposite || *w.Alpha != Alpha || w.Missing != nil || *w.Direction != "above" || w.Runs != 4 {
		t.Errorf("toy row %+v", w)
	}
	for _, name := range []string{"verdicts.json", "verdicts.csv"} {
		got, err := ReadVerdicts(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s read back\n got %+v\nwant %+v", name, got, want)
		}
	}
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	if !strings.Contains(string(md), "| toy | t | toy-1 | **SUPPORTED (reduced protocol)** | a ✓ — 1 of 1 comparison established | 4 |") {
		t.Errorf("report.md's summary row lacks the parts:\n%s", md)
	}
}

// A verdict with a missing comparison, a part with nothing to compare and a verdict without
// structured parts: the columns that do not apply are null in JSON and empty in CSV, and
// both files round-trip.
func TestVerdictsNulls(t *testing.T) {
	r := toyReport()
	at := func(k int) CellKey {
		return CellKey{Setting: "toy-1", Column: cell.Exact(), Method: cell.FKC, K: k, Metric: "sw2"}
	}
	j := NewJudge(r, "t/toy-1")
	j.Part("a", j.Effect("K=1 worse than K=4", at(1), at(4), func(x, y float64) float64 { return x - y }, true),
		j.Effect("K=1 worse than K=16", at(1), at(16), func(x, y float64) float64 { return x - y }, true))
	j.Part("b")
	j.Part("c", Missing("K=64 against K=1", "needs some K ≥ 16"))
	v := j.Verdict("toy", "t", "toy-1", "K=4 beats K=1", "paired t-test", "SW2")
	if v.Outcome != Inconclusive || len(v.Parts) != 3 || v.Parts[0].State != Undecided || v.Parts[1].Missing == "" {
		t.Fatalf("verdict %s, parts %+v", v.Outcome, v.Parts)
	}
	if g := v.Glance(); g != "a ? 1/2 · b ? · c ? — 1 of 4 comparisons established" {
		t.Errorf("glance %q", g)
	}
	exact := Verdict{Parts: []VerdictPart{{Label: "x", State: Yes}, {Label: "y", State: No}, {Label: "z", State: Undecided, Missing: "no cells"}}}
	if g := exact.Glance(); g != "x ✓ · y ✗ · z ? — 1 of 3 comparisons established, 1 the other way" {
		t.Errorf("glance of parts without comparisons %q", g)
	}
	wide := Verdict{ID: "w", Study: "toy", Claim: "w", Outcome: Supported, Protocol: "by hand"}
	rows := VerdictRows("toyprof", []Verdict{v, wide})
	if len(rows) != 5 {
		t.Fatalf("%d rows, want 2 + 1 + 1 + 1", len(rows))
	}
	miss := rows[1]
	if miss.Missing == nil || !strings.Contains(*miss.Missing, "not computed") || *miss.N != 0 || miss.Estimate != nil ||
		miss.SE != nil || miss.PClaimed != nil || miss.POpposite != nil || miss.RejectedClaimed != nil || miss.RejectedOpposite != nil {
		t.Errorf("missing comparison row %+v", miss)
	}
	if p := rows[2]; p.Comparison != nil || p.N != nil || p.Missing == nil || *p.PartState != "open" {
		t.Errorf("empty part row %+v", p)
	}
	if c := rows[3]; c.Direction != nil || c.YesBound != nil || c.NoBound != nil || c.Missing == nil || *c.N != 0 {
		t.Errorf("stand-in comparison row %+v: side and bounds do not apply", c)
	}
	if w := rows[4]; w.Setting != nil || w.Part != nil || w.Alpha != nil || w.Departures != nil {
		t.Errorf("verdict without parts %+v", w)
	}
	dir := t.TempDir()
	if err := writeVerdicts(dir, "toyprof", []Verdict{v, wide}); err != nil {
		t.Fatal(err)
	}
	js, _ := os.ReadFile(filepath.Join(dir, "verdicts.json"))
	if strings.Contains(string(js), "NaN") || !strings.Contains(string(js), `"p_claimed": null`) {
		t.Errorf("verdicts.json: want nulls, never NaN:\n%s", js)
	}
	f, _ := os.Open(filepath.Join(dir, "verdicts.csv"))
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Join(recs[0], ",")
	if head != "profile,verdict,study,claim,setting,outcome,reduced,part,part_state,comparison,comparison_state,n,estimate,se,direction,yes_bound,no_bound,p_claimed,p_opposite,alpha,rejected_claimed,rejected_opposite,runs,protocol,departures,missing" {
		t.Errorf("verdicts.csv header %s", head)
	}
	if s := strings.Join(recs[2], ","); strings.Contains(s, "NaN") || recs[2][12] != "" || recs[2][17] != "" {
		t.Errorf("missing comparison's CSV row %q: estimate and p_claimed must be empty", s)
	}
	for _, name := range []string{"verdicts.json", "verdicts.csv"} {
		got, err := ReadVerdicts(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, rows) {
			t.Errorf("%s read back\n got %+v\nwant %+v", name, got, rows)
		}
	}
}
