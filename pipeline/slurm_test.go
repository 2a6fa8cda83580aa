package pipeline

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/compdiff/compdiff/pipeline/plan"
	"github.com/compdiff/compdiff/pipeline/slurm"
)

// needSlurm skips the test when no Slurm controller answers, unless
// COMPDIFF_SLURM_REQUIRED is set (as .ci/slurm.sh does), which makes it a failure.
func needSlurm(t *testing.T) {
	t.Helper()
	if err := slurm.Reachable(); err != nil {
		if os.Getenv("COMPDIFF_SLURM_REQUIRED") != "" {
			t.Fatalf("COMPDIFF_SLURM_REQUIRED is set but %v", err)
		}
		t.Skipf("no reachable Slurm (%v); .ci/slurm.sh starts a single-node cluster and runs this test", err)
	}
}

// slurmBinary is the build command the jobs run (compiled once, shared with the crash tests).
func slurmBinary(t *testing.T) string {
	t.Helper()
	bin, err := buildBinary()
	if err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

func slurmConfig(t *testing.T, bin, only string) Config {
	cfg := smokeConfig(t, only)
	cfg.Executor, cfg.Until = "slurm", "report"
	cfg.Slurm = slurm.Config{CPUs: slurm.PerKind{}, Time: slurm.PerKind{"": "10:00"}, Mem: slurm.PerKind{}, BatchTime: time.Hour,
		BatchNodes: 25, ArrayTasks: 3, Poll: 2 * time.Second, Grace: time.Second, OnInterrupt: "leave", Binary: bin}
	return cfg
}

func slurmExec(s *Session) *slurm.Executor { return s.Runner.Exec.(*slurm.Executor) }

// artifacts maps the file names of every computed artifact except the report's (which
// records wall times) to their bytes, plus the report's results.csv.
func artifacts(t *testing.T, cfg Config, p *plan.Plan) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	for _, n := range p.Nodes {
		if n.Stage == "report" {
			continue
		}
		paths, _ := filepath.Glob(filepath.Join(cfg.Cache, string(n.Key[:2]), string(n.Key)+"*.arrow"))
		if len(paths) == 0 {
			t.Fatalf("%s %q has no artifact in %s", n.Stage, n.Label, cfg.Cache)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			m[filepath.Base(p)] = b
		}
	}
	b, err := os.ReadFile(filepath.Join(cfg.Out, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	m["results.csv"] = b
	return m
}

// The smoke study through Slurm gives the local executor's artifacts byte for byte; a
// second run submits nothing.
func TestSlurmSmokeMatchesLocal(t *testing.T) {
	needSlurm(t)
	bin := slurmBinary(t)
	local := smokeConfig(t, "")
	sl, err := runTasks(t, context.Background(), local)
	if err != nil {
		t.Fatal(err)
	}
	cfg := slurmConfig(t, bin, "")
	s, err := runTasks(t, context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	want, got := artifacts(t, local, sl.Plan), artifacts(t, cfg, s.Plan)
	if len(got) != len(want) {
		t.Fatalf("slurm run wrote %d artifacts, local %d", len(got), len(want))
	}
	for name, b := range want {
		if !bytes.Equal(got[name], b) {
			t.Errorf("%s differs between the local and the Slurm executor", name)
		}
	}
	if n, all := slurmExec(s).Submitted(), len(s.Plan.Nodes)-1; n != all {
		t.Errorf("submitted %d nodes; want every node but the report (%d)", n, all)
	}
	t.Logf("%d artifacts identical; %d nodes in %d arrays", len(want), slurmExec(s).Submitted(), len(slurmExec(s).Arrays("")))
	// Train jobs ask for 2 CPUs (-c) and their multiplies use exactly those.
	logs, _ := filepath.Glob(filepath.Join(slurmExec(s).Dir(), "logs", "train-*.log"))
	for _, l := range logs {
		if b, _ := os.ReadFile(l); !bytes.Contains(b, []byte("multiplies use the job's 2 CPUs")) {
			t.Errorf("train job log %s does not show 2 CPUs for the multiplies:\n%s", l, b)
		}
	}
	if len(logs) == 0 {
		t.Error("no train job logs")
	}
	s2, err := runTasks(t, context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n := slurmExec(s2).Submitted(); n != 0 || len(s2.Runner.Ran()) != 0 {
		t.Fatalf("second run submitted %d nodes and ran %d; want none", n, len(s2.Runner.Ran()))
	}
}

// Cancelling a job array mid-way (scancel) fails the run with the job named; running again
// submits only the missing nodes and completes the study.
func TestSlurmScancelThenRerun(t *testing.T) {
	needSlurm(t)
	cfg := slurmConfig(t, slurmBinary(t), "gmm-id,gauss-nfc-id")
	cfg.Slurm.BatchNodes = 8
	s := NewSession(cfg)
	if err := s.Setup(); err != nil {
		t.Fatal(err)
	}
	cancelled := make(chan []string, 1)
	go func() { // once some sample nodes are done, cancel the sample arrays
		defer close(cancelled)
		deadline := time.Now().Add(2 * time.Minute)
		for time.Now().Before(deadline) {
			done := 0
			for _, n := range s.Plan.Stage("sample") {
				if s.Store.Done(n.Key) {
					done++
				}
			}
			if ids := slurmExec(s).Arrays("sample"); done >= 8 && len(ids) > 0 {
				exec.Command("scancel", ids...).Run()
				cancelled <- ids
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	err := runSession(t, context.Background(), s)
	ids := <-cancelled
	if len(ids) == 0 {
		t.Fatal("the sample jobs were never seen running")
	}
	if err == nil {
		t.Skip("the sample jobs finished before scancel reached them")
	}
	// The message lists the first failed nodes; with several sample arrays cancelled at once
	// they may all come from any of them, so it must name at least one cancelled job.
	named := false
	for _, id := range ids {
		named = named || strings.Contains(err.Error(), "Slurm job "+id+"_")
	}
	if !strings.Contains(err.Error(), "was cancelled") || !named {
		t.Fatalf("error after scancel names none of the cancelled jobs %v:\n%v", ids, err)
	}
	s2, err := runTasks(t, context.Background(), cfg)
	if err != nil {
		t.Fatalf("re-run after scancel: %v", err)
	}
	n := slurmExec(s2).Submitted()
	if n == 0 || n >= len(s2.Plan.Nodes)-1 {
		t.Fatalf("re-run submitted %d of %d nodes; want the missing ones only", n, len(s2.Plan.Nodes)-1)
	}
	if _, err := os.Stat(filepath.Join(cfg.Out, "index.html")); err != nil {
		t.Fatal("the re-run wrote no report")
	}
}

// A node that fails inside its job is reported with the job id and the log, and the jobs
// depending on it are cancelled by Slurm instead of staying pending.
func TestSlurmFailureReported(t *testing.T) {
	needSlurm(t)
	cfg := slurmConfig(t, slurmBinary(t), "gmm-id")
	s := NewSession(cfg)
	if err := s.Setup(); err != nil {
		t.Fatal(err)
	}
	victim := s.Plan.Stage("train")[1]
	t.Setenv(FailNodesEnv, string(victim.Key)) // sbatch passes the environment to the jobs
	err := runSession(t, context.Background(), s)
	if err == nil {
		t.Fatal("the run succeeded although a train node failed")
	}
	m := regexp.MustCompile(`Slurm job (\d+_\d+) .*; log (\S+\.log)`).FindStringSubmatch(err.Error())
	if !strings.Contains(err.Error(), string(victim.Key)) || m == nil {
		t.Fatalf("the error does not name the node, its job and its log:\n%v", err)
	}
	t.Logf("reported: %v", err)
	log, rerr := os.ReadFile(m[2])
	if rerr != nil || !bytes.Contains(log, []byte("failing on purpose")) {
		t.Fatalf("log %s of job %s does not hold the node's error (%v)", m[2], m[1], rerr)
	}
	var status bytes.Buffer
	cfg.Stdout = &status
	if _, err := runTasks(t, context.Background(), cfg, "status"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(status.String(), "Slurm job "+m[1]+", log "+m[2]) {
		t.Errorf("status does not point at job %s and its log:\n%s", m[1], status.String())
	}
	// The sample and metrics arrays depend on the failed train array: Slurm cancels them.
	ex := slurmExec(s)
	deadline := time.Now().Add(time.Minute)
	for len(ex.Alive()) > 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if ids := ex.Alive(); len(ids) > 0 {
		t.Fatalf("jobs %v are still pending or running a minute after the failure", ids)
	}
	for job, state := range ex.States("sample", "metrics") {
		if state != "CANCELLED" && state != "" {
			t.Errorf("dependent job %s ended %s; want CANCELLED", job, state)
		}
	}
}

// Ctrl-C with -slurm-on-interrupt cancel stops the run and cancels its jobs.
func TestSlurmInterruptCancelsJobs(t *testing.T) {
	needSlurm(t)
	cfg := slurmConfig(t, slurmBinary(t), "gmm-id")
	cfg.Slurm.OnInterrupt = "cancel"
	s := NewSession(cfg)
	if err := s.Setup(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(slurmExec(s).Arrays("")) < 5 {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	if err := runSession(t, ctx, s); err == nil {
		t.Fatal("the interrupted run reported success")
	}
	ex := slurmExec(s)
	deadline := time.Now().Add(30 * time.Second)
	for len(ex.Alive()) > 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if ids := ex.Alive(); len(ids) > 0 {
		t.Fatalf("jobs %v still queued 30 s after the interrupt cancelled them", ids)
	}
}

// -executor slurm without a reachable sbatch is a clear error, before anything runs.
func TestSlurmMissingIsClearError(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	cfg := smokeConfig(t, "gmm-id")
	cfg.Executor = "slurm"
	err := NewSession(cfg).Setup()
	if err == nil || !strings.Contains(err.Error(), "sbatch is not on PATH") || !strings.Contains(err.Error(), "-executor local") {
		t.Fatalf("want a clear error naming sbatch and the alternative, got %v", err)
	}
}

// runSession runs every stage of an already set-up session, as the all task does.
func runSession(t *testing.T, ctx context.Context, s *Session) error {
	t.Helper()
	for _, stage := range plan.StageOrder {
		if err := s.RunStage(ctx, stage, t.Logf); err != nil {
			return err
		}
	}
	return nil
}

// Ctrl-C that leaves the jobs running: the next run follows them instead of submitting
// their nodes again, and completes the study.
func TestSlurmInterruptLeaveThenAdopt(t *testing.T) {
	needSlurm(t)
	cfg := slurmConfig(t, slurmBinary(t), "gmm-id")
	s := NewSession(cfg)
	if err := s.Setup(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(slurmExec(s).Arrays("")) < 5 {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	if err := runSession(t, ctx, s); err == nil {
		t.Fatal("the interrupted run reported success")
	}
	left := slurmExec(s).Alive()
	s2, err := runTasks(t, context.Background(), cfg)
	if err != nil {
		t.Fatalf("run after leaving the jobs: %v", err)
	}
	if n := slurmExec(s2).Submitted(); n != 0 {
		t.Fatalf("the second run submitted %d nodes although jobs %v of the first were still queued", n, left)
	}
	if _, err := os.Stat(filepath.Join(cfg.Out, "index.html")); err != nil {
		t.Fatal("no report after following the earlier jobs")
	}
}

func TestLastStage(t *testing.T) {
	for tasks, want := range map[string]string{"": "report", "all": "report", "data": "dataset", "truth,train": "train",
		"status": "", "sample,gc": "sample"} {
		var list []string
		if tasks != "" {
			list = strings.Split(tasks, ",")
		}
		if got := LastStage(list); got != want {
			t.Errorf("LastStage(%q) = %q, want %q", tasks, got, want)
		}
	}
}
