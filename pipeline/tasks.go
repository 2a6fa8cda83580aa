package pipeline

import (
	"github.com/goyek/goyek/v2"

	"github.com/compdiff/compdiff/pipeline/decide"
	"github.com/compdiff/compdiff/pipeline/plan"
)

// Define registers the pipeline's goyek tasks on flow: one per stage kind, chained with
// Deps in plan.StageOrder, plus all (the default), status, dag, gc, node and bench.
func Define(flow *goyek.Flow, s *Session) {
	var prev *goyek.DefinedTask
	usage := map[string]string{
		"dataset": "draw the training pools",
		"truth":   "draw ground-truth samples of each composition",
		"train":   "train the score models",
		"sample":  "sample compositions (naive and FKC)",
		"metrics": "compute SW2 and MMD² against the ground truth",
		"report":  "render tables, figures and the claims check into -out",
	}
	for _, stage := range plan.StageOrder {
		stage := stage
		t := goyek.Task{
			Name:  stageTask(stage),
			Usage: usage[stage],
			Action: func(a *goyek.A) {
				if err := s.RunStage(a.Context(), stage, a.Logf); err != nil {
					a.Fatal(err)
				}
			},
		}
		if prev != nil {
			t.Deps = goyek.Deps{prev}
		}
		prev = flow.Define(t)
	}
	all := flow.Define(goyek.Task{
		Name:  "all",
		Usage: "run every stage (the default)",
		Deps:  goyek.Deps{prev},
		Action: func(a *goyek.A) {
			ran := len(s.Runner.Ran())
			if s.Cfg.DryRun {
				a.Log("dry run: nothing was computed")
			} else if ran == 0 {
				a.Log("nothing ran: every node was already in the cache")
			} else {
				a.Logf("%d nodes ran; outputs in %s", ran, s.Cfg.Out)
			}
		},
	})
	flow.SetDefault(all)
	defineDecide(flow, s)
	defineCalibrate(flow, s)
	flow.Define(goyek.Task{Name: "status", Usage: "show which nodes are stale and why", Action: func(a *goyek.A) {
		if err := s.Status(); err != nil {
			a.Fatal(err)
		}
	}})
	flow.Define(goyek.Task{Name: "plan", Usage: "write every pending node's manifest to the store (any machine seeing it can run any node)", Action: func(a *goyek.A) {
		if err := s.PlanOnStore(a.Logf); err != nil {
			a.Fatal(err)
		}
	}})
	flow.Define(goyek.Task{Name: "dag", Usage: "print the graph (-format text or dot)", Action: func(a *goyek.A) {
		if err := s.DAG(); err != nil {
			a.Fatal(err)
		}
	}})
	flow.Define(goyek.Task{Name: "gc", Usage: "drop artifacts that no profile of the current spec reaches", Action: func(a *goyek.A) {
		if err := s.GC(a.Logf); err != nil {
			a.Fatal(err)
		}
	}})
	flow.Define(goyek.Task{Name: "node", Usage: "run the single node -key KEY from the store alone", Action: func(a *goyek.A) {
		if err := s.RunKey(a.Context(), a.Logf); err != nil {
			a.Fatal(err)
		}
	}})
	flow.Define(goyek.Task{Name: "bench", Usage: "measure the kernels against the machine's FMA peak", Action: func(a *goyek.A) {
		if err := s.Bench(a.Context()); err != nil {
			a.Fatal(err)
		}
	}})
}

// defineDecide registers the decide task (-decide -budget select it).
func defineDecide(flow *goyek.Flow, s *Session) {
	flow.Define(goyek.Task{Name: "decide", Usage: "add runs where claims are open until decided or -budget is spent", Action: func(a *goyek.A) {
		b, err := decide.ParseBudget(s.Cfg.Budget)
		if err != nil {
			a.Fatal(err)
		}
		res, err := s.Decide(a.Context(), b, a.Logf)
		if err != nil {
			a.Fatal(err)
		}
		a.Logf("decide: %d looks, %d nodes ran; report in %s", res.Looks, res.Ran, s.Cfg.Out)
	}})
}
