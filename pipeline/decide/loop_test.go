package decide

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/pipeline/plan"
	"github.com/compdiff/compdiff/pipeline/spec"
	"github.com/compdiff/compdiff/reports"
)

// study is a stand-in for the pipeline over the smoke profile (2 runs a batch): claim 3 on
// gauss-fc-ood is supported once it has decideAt runs, claim 2 on gauss-nfc-id never
// decides. Nothing is computed; the plans are real.
func study(t *testing.T, decideAt int) (Study, *[]int) {
	t.Helper()
	sp, err := spec.Load("")
	if err != nil {
		t.Fatal(err)
	}
	prof, _ := sp.Profile("smoke")
	settings, _ := sp.Select("gauss-fc-ood,gauss-nfc-id")
	var computed []int // nodes of each plan computed, in order
	return Study{
		Runs:     prof.Runs,
		Settings: settings,
		Plan: func(runs map[string]int, seq *reports.Sequential) *plan.Plan {
			return plan.NewWith(prof, settings, "", sp.Profiles, plan.Options{Runs: runs, Sequential: seq})
		},
		Compute: func(_ context.Context, p *plan.Plan, _ string) (int, error) {
			computed = append(computed, len(p.Nodes))
			return 0, nil
		},
		Verdicts: func(p *plan.Plan, _ *reports.Sequential) ([]reports.Verdict, error) {
			v3 := reports.Verdict{ID: "3/gauss-fc-ood", Outcome: reports.Inconclusive, Runs: p.RunsOf("gauss-fc-ood")}
			if v3.Runs >= decideAt {
				v3.Outcome = reports.Supported
			}
			return []reports.Verdict{v3, {ID: "2/gauss-nfc-id", Outcome: reports.Inconclusive, Runs: p.RunsOf("gauss-nfc-id")}, {ID: "8"}}, nil
		},
		Logf: t.Logf,
	}, &computed
}

// A decided claim stops getting runs; an open one gets a batch per look up to MaxRuns, and
// every look of each claim is recorded with the runs it saw.
func TestLoopDecidesThenReachesMaxRuns(t *testing.T) {
	st, computed := study(t, 6)
	res, err := Run(context.Background(), st, Budget{Nodes: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	// Runs 2, 4, …, 30 for claim 2: 15 looks; claim 3 decided at look 3 with 6 runs.
	if res.Looks != 15 || res.Runs["gauss-fc-ood"] != 6 || res.Runs["gauss-nfc-id"] != MaxRuns {
		t.Fatalf("looks %d, runs %v", res.Looks, res.Runs)
	}
	if got := res.Stops["3/gauss-fc-ood"]; !strings.HasPrefix(got, "decided (SUPPORTED) at look 3 with 6 runs") {
		t.Errorf("claim 3 stop %q", got)
	}
	if got := res.Stops["2/gauss-nfc-id"]; !strings.HasPrefix(got, "still open after 30 runs") {
		t.Errorf("claim 2 stop %q", got)
	}
	if res.Plan == nil || res.Report != res.Plan.Report || len(*computed) != res.Looks+1 {
		t.Fatalf("%d plans computed for %d looks and the report", len(*computed), res.Looks)
	}
	var rp struct {
		Sequential *reports.Sequential `json:"sequential"`
	}
	if err := json.Unmarshal(res.Plan.Report.Params, &rp); err != nil || rp.Sequential == nil {
		t.Fatalf("the final report carries no looks (%v)", err)
	}
	if got := rp.Sequential.Looks["3/gauss-fc-ood"]; len(got) != 3 || got[2] != 6 {
		t.Errorf("claim 3 looks %v, want [2 4 6]", got)
	}
	if got := rp.Sequential.Looks["2/gauss-nfc-id"]; len(got) != 15 || got[14] != MaxRuns {
		t.Errorf("claim 2 looks %v, want 2, 4, …, 30", got)
	}
}

// A node budget stops the loop before the batch that would exceed it, naming the budget.
func TestLoopStopsOnNodeBudget(t *testing.T) {
	st, _ := study(t, 1000)
	limit := len(st.Plan(map[string]int{"gauss-fc-ood": 10, "gauss-nfc-id": 10}, nil).Nodes)
	res, err := Run(context.Background(), st, Budget{Nodes: limit})
	if err != nil {
		t.Fatal(err)
	}
	if res.Looks != 5 || res.Runs["gauss-nfc-id"] != 10 {
		t.Fatalf("looks %d, runs %v; want the budget reached after look 5 with 10 runs", res.Looks, res.Runs)
	}
	for _, id := range []string{"3/gauss-fc-ood", "2/gauss-nfc-id"} {
		if got := res.Stops[id]; !strings.Contains(got, "budget spent: the next batch needs") || !strings.Contains(got, "undecided after look 5, 10 runs") {
			t.Errorf("%s stop %q", id, got)
		}
	}
}

func TestParseBudget(t *testing.T) {
	for in, want := range map[string]Budget{"30m": {Time: 30 * 60e9}, "400": {Nodes: 400}, "2000nodes": {Nodes: 2000}} {
		if got, err := ParseBudget(in); err != nil || got != want {
			t.Errorf("ParseBudget(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-5m", "0nodes", "lots"} {
		if _, err := ParseBudget(in); err == nil || !strings.Contains(err.Error(), "budget") {
			t.Errorf("ParseBudget(%q): %v; want an error naming the budget", in, err)
		}
	}
}
