package decide

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/compdiff/compdiff/data/cell"
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
		Samples:  func(*cell.Setting) int { return prof.Samples },
		Plan: func(runs, samples map[string]int, seq *reports.Sequential) *plan.Plan {
			return plan.NewWith(prof, settings, "", sp.Profiles, plan.Options{Runs: runs, Samples: samples, Sequential: seq})
		},
		Compute: func(_ context.Context, p *plan.Plan, _ string) (int, error) {
			computed = append(computed, len(p.Nodes))
			return 0, nil
		},
		Verdicts: func(p *plan.Plan, _ *reports.Sequential) ([]reports.Verdict, error) {
			// Open verdicts ask for two more runs at a time, as a power analysis might,
			// until none would help within MaxRuns.
			open := func(id, setting string) reports.Verdict {
				v := reports.Verdict{ID: id, Outcome: reports.Inconclusive, Runs: p.RunsOf(setting), Next: "nothing within the plan"}
				if v.Runs+2 <= MaxRuns {
					v.Needs = []reports.Need{{Runs: v.Runs + 2, Factor: 1}}
				}
				return v
			}
			v3 := open("3/gauss-fc-ood", "gauss-fc-ood")
			if v3.Runs >= decideAt {
				v3.Outcome = reports.Supported
			}
			return []reports.Verdict{v3, open("2/gauss-nfc-id", "gauss-nfc-id"), {ID: "8"}}, nil
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
	if got := res.Stops["2/gauss-nfc-id"]; !strings.HasPrefix(got, "open at look 15 with 30 runs; nothing within the plan") {
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
	if rp.Sequential.Budget != "" || !strings.HasPrefix(rp.Sequential.Ended, "after 15 looks") {
		t.Errorf("a design that ends on its own: budget %q, ended %q", rp.Sequential.Budget, rp.Sequential.Ended)
	}
}

// A node budget stops the loop before the batch that would exceed it, naming the budget.
func TestLoopStopsOnNodeBudget(t *testing.T) {
	st, _ := study(t, 1000)
	limit := len(st.Plan(map[string]int{"gauss-fc-ood": 10, "gauss-nfc-id": 10}, nil, nil).Nodes)
	res, err := Run(context.Background(), st, Budget{Nodes: limit})
	if err != nil {
		t.Fatal(err)
	}
	if res.Looks != 5 || res.Runs["gauss-nfc-id"] != 10 {
		t.Fatalf("looks %d, runs %v; want the budget reached after look 5 with 10 runs", res.Looks, res.Runs)
	}
	for _, id := range []string{"3/gauss-fc-ood", "2/gauss-nfc-id"} {
		if got := res.Stops[id]; !strings.Contains(got, "the next look needs") || !strings.Contains(got, "undecided after look 5, 10 runs") {
			t.Errorf("%s stop %q", id, got)
		}
	}
}

// An open verdict whose cheapest option is more samples per cell gets them on the settings
// it reads (every reader still open): runs restart at the option's count, and the looks of
// every verdict reading those settings restart on the α left.
func TestLoopBuysSamples(t *testing.T) {
	st, _ := study(t, 1000)
	verdicts := st.Verdicts
	st.Verdicts = func(p *plan.Plan, seq *reports.Sequential) ([]reports.Verdict, error) {
		vs, err := verdicts(p, seq)
		for i := range vs {
			if vs[i].ID == "2/gauss-nfc-id" && len(seq.Samples) == 0 {
				vs[i].Needs = []reports.Need{{Runs: 4, Factor: 5}}
			}
			if vs[i].ID == "2/gauss-nfc-id" && len(seq.Samples) > 0 {
				vs[i].Outcome = reports.Supported
			}
		}
		return vs, err
	}
	res, err := Run(context.Background(), st, Budget{Nodes: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	if res.Samples["gauss-nfc-id"] != 5*200 || res.Runs["gauss-nfc-id"] != 4 || res.Samples["gauss-fc-ood"] != 0 {
		t.Fatalf("runs %v, samples %v; want gauss-nfc-id at 1000 samples and 4 runs", res.Runs, res.Samples)
	}
	var rp struct {
		Sequential *reports.Sequential `json:"sequential"`
	}
	if err := json.Unmarshal(res.Plan.Report.Params, &rp); err != nil {
		t.Fatal(err)
	}
	q := rp.Sequential
	if q.Restarts["2/gauss-nfc-id"] != 1 || len(q.Looks["2/gauss-nfc-id"]) != 2 {
		t.Fatalf("restart %d, looks %v", q.Restarts["2/gauss-nfc-id"], q.Looks["2/gauss-nfc-id"])
	}
	// The look after the restart spends a share of what look 1 (2 runs) left.
	left := reports.Alpha - reports.Spending(reports.Alpha, 2.0/MaxRuns)
	if got, want := q.LookAlphaOf("2/gauss-nfc-id"), left/reports.Alpha*reports.Spending(reports.Alpha, 4.0/MaxRuns); math.Abs(got-want) > 1e-15 {
		t.Errorf("α after the restart %v, want %v", got, want)
	}
	if !strings.Contains(string(res.Plan.Report.Params), `"samples":1000`) {
		t.Error("the final plan does not sample gauss-nfc-id at 1000 samples per cell")
	}
}

// A wall-time budget holds: a look estimated beyond what is left is not started, and a look
// still computing when the budget runs out is stopped; either way the verdicts are those of
// the last complete look and the report says which.
func TestLoopBudgetHolds(t *testing.T) {
	st, _ := study(t, 1000)
	st.Cores = 1
	calls := 0
	st.Pending = func(*plan.Plan) float64 { // look 1 all cached; every later look an hour
		calls++
		return map[bool]float64{true: 0, false: 3600}[calls == 1]
	}
	res, err := Run(context.Background(), st, Budget{Time: 40 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if res.Looks != 1 || !strings.Contains(res.Stops["2/gauss-nfc-id"], "look 2 was not started: estimated at 1h0m0s") {
		t.Errorf("looks %d, stop %q", res.Looks, res.Stops["2/gauss-nfc-id"])
	}
	// Mid-look: the second look's computation outlasts the budget (kept short here: the
	// reserve is 30 s, so a 30.5 s budget leaves half a second of looks).
	st, _ = study(t, 1000)
	compute := st.Compute
	looks := 0
	st.Compute = func(ctx context.Context, p *plan.Plan, last string) (int, error) {
		if last == "metrics" {
			looks++
			if looks == 2 {
				<-ctx.Done()
				return 3, ctx.Err()
			}
		}
		return compute(ctx, p, last)
	}
	began := time.Now()
	res, err = Run(context.Background(), st, Budget{Time: 30*time.Second + 500*time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took > 30*time.Second {
		t.Errorf("the look ran past the budget: %s", took)
	}
	if res.Looks != 1 || res.Runs["gauss-nfc-id"] != 2 || !strings.Contains(res.Stops["2/gauss-nfc-id"], "look 2 was stopped when the 30.5s budget ran out (3 of its nodes finished") {
		t.Errorf("looks %d, runs %v, stop %q", res.Looks, res.Runs, res.Stops["2/gauss-nfc-id"])
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
