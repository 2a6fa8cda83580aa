package pipeline

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// From a cold store the plan task describes every node, status says so, and any node whose
// inputs are done runs from its key alone.
func TestPlanOnStore(t *testing.T) {
	cfg := smokeConfig(t, "gauss-fc-id")
	s, err := runTasks(t, context.Background(), cfg, "plan")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range s.Plan.Nodes {
		m, err := s.Store.Manifest(n.Key)
		if err != nil || m.Stage != n.Stage || m.Status != "pending" || len(m.Inputs) != len(n.Inputs) {
			t.Fatalf("%s %q: manifest %+v (%v)", n.Stage, n.Label, m, err)
		}
	}
	var out bytes.Buffer
	cfg.Stdout = &out
	if _, err := runTasks(t, context.Background(), cfg, "status"); err != nil {
		t.Fatal(err)
	}
	if want := "planned on the store, not computed yet"; !strings.Contains(out.String(), want) {
		t.Fatalf("status does not say %q:\n%s", want, out.String())
	}
	// Every dataset node at once from its key: the job of a cluster batch.
	var keys []string
	for _, n := range s.Plan.Stage("dataset") {
		keys = append(keys, string(n.Key))
	}
	cfg.Key = strings.Join(keys, ",")
	if _, err := runTasks(t, context.Background(), cfg, "node"); err != nil {
		t.Fatal(err)
	}
	for _, n := range s.Plan.Stage("dataset") {
		if !s.Store.Done(n.Key) {
			t.Errorf("dataset %q not computed by the node task", n.Label)
		}
	}
}
