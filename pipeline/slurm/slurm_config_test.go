package slurm

import (
	"strings"
	"testing"
	"time"

	"github.com/compdiff/compdiff/pipeline/plan"
	"github.com/compdiff/compdiff/pipeline/spec"
)

func TestPerKind(t *testing.T) {
	p := PerKind{}
	if err := p.Set("train=4:00:00, 1:00:00,sample=8:00:00"); err != nil {
		t.Fatal(err)
	}
	for kind, want := range map[string]string{"train": "4:00:00", "sample": "8:00:00", "metrics": "1:00:00"} {
		if got := p.Of(kind); got != want {
			t.Errorf("Of(%s) = %q, want %q", kind, got, want)
		}
	}
	if got := p.String(); got != "train=4:00:00,sample=8:00:00,1:00:00" {
		t.Errorf("String() = %q", got)
	}
	if err := p.Set("trian=2"); err == nil || !strings.Contains(err.Error(), "unknown stage kind") {
		t.Errorf("a misspelt kind gave %v", err)
	}
	// CPUs fall back to the defaults for kinds the flag leaves out; a bare value covers all.
	c := Config{CPUs: PerKind{"sample": "8"}}
	if n, _ := c.CPUsOf("sample"); n != 8 {
		t.Errorf("sample CPUs %d, want 8", n)
	}
	if n, _ := c.CPUsOf("train"); n != 2 {
		t.Errorf("train CPUs %d, want the default 2", n)
	}
	c.CPUs.Set("16")
	if n, _ := c.CPUsOf("truth"); n != 16 {
		t.Errorf("truth CPUs %d, want 16", n)
	}
	c.CPUs.Set("metrics=0")
	if err := c.Check(); err == nil || !strings.Contains(err.Error(), "positive") {
		t.Errorf("0 CPUs gave %v", err)
	}
}

// Batches follow plan order, close when the estimated time or the node cap is reached, and
// together hold every node once.
func TestSlurmBatches(t *testing.T) {
	sp, err := spec.Load("")
	if err != nil {
		t.Fatal(err)
	}
	prof, _ := sp.Profile("paper")
	sel, _ := sp.Select("gmm-id")
	p := plan.New(prof, sel, "", sp.Profiles)
	nodes := p.Stage("sample")
	e := &Executor{Cfg: Config{CPUs: PerKind{}, BatchTime: 2 * time.Hour, BatchNodes: 7}}
	batches, err := e.Batch("sample", nodes)
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for _, b := range batches {
		sec := 0.0
		for j, n := range b {
			if n != nodes[i] {
				t.Fatalf("batch order differs from plan order at node %d", i)
			}
			i++
			sec += plan.CoreSeconds(n) / 2
			if j < len(b)-1 && sec >= e.Cfg.BatchTime.Seconds() {
				t.Fatalf("batch continues past %s of estimated work", e.Cfg.BatchTime)
			}
		}
		if len(b) > 7 {
			t.Fatalf("batch of %d nodes exceeds -slurm-batch-nodes 7", len(b))
		}
	}
	if i != len(nodes) {
		t.Fatalf("batches hold %d of %d nodes", i, len(nodes))
	}
}
