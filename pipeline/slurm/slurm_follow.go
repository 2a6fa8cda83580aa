package slurm

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/pipeline/plan"
	"github.com/compdiff/compdiff/pipeline/run"
)

// aliveStates are the Slurm job states from which a job may still compute its nodes.
var aliveStates = map[string]bool{"PENDING": true, "RUNNING": true, "CONFIGURING": true, "COMPLETING": true,
	"SUSPENDED": true, "REQUEUED": true, "REQUEUE_HOLD": true, "REQUEUE_FED": true, "RESIZING": true,
	"SIGNALING": true, "STAGE_OUT": true, "STOPPED": true, "RESV_DEL_HOLD": true}

// follow waits until every node of todo is done and verified in the store, or its job has
// left the queue without computing it. It looks at the queue once per cycle for all jobs
// of the run, backing off while nothing changes.
func (e *Executor) follow(ctx context.Context, r *run.Runner, stage string, todo []*plan.Node, prog *run.Progress) error {
	waiting := map[data.Key]*plan.Node{}
	for _, n := range todo {
		waiting[n.Key] = n
	}
	var failed []string
	// One look at the queue per cycle; never more often than every sixth of -slurm-poll
	// (10 s by default: per-job polling is what cluster admins complain of).
	floor := max(time.Second, e.pollMax()/6)
	interval, queueErrs := floor, 0
	for {
		changed := false
		for k, n := range waiting {
			e.mu.Lock()
			queued := e.tasks[k] != nil && e.tasks[k].state == "PENDING"
			e.mu.Unlock()
			if queued || !r.Store.Done(k) { // a queued job has computed nothing yet
				continue
			}
			delete(waiting, k)
			changed = true
			if ok, why := r.Done(n); !ok { // the artifact must verify, whatever Slurm says
				failed = append(failed, e.failure(n, "its artifact did not verify ("+why+")"))
				continue
			}
			r.MarkRan(k)
			prog.Done(k)
		}
		if len(waiting) > 0 {
			if err := e.poll(); err != nil {
				if queueErrs++; queueErrs > 10 {
					return fmt.Errorf("%s: %w (10 times in a row)", stage, err)
				}
				r.Log("warning: %v; trying again", err)
			} else {
				queueErrs = 0
			}
			for k, n := range waiting {
				e.mu.Lock()
				t := e.tasks[k]
				e.mu.Unlock()
				if t == nil { // became stale after submission (e.g. removed meanwhile)
					return fmt.Errorf("%s %q (key %s) is not done and no job of this run computes it; run the same command again", n.Stage, n.Label, k)
				}
				// A file written on another machine may show up late on a network file
				// system: a node counts as failed only a grace period after its job ended.
				if !t.ended.IsZero() && time.Since(t.ended) > e.grace() && !r.Store.Done(k) {
					delete(waiting, k)
					changed = true
					failed = append(failed, e.failure(n, t.reason()))
				}
			}
		}
		if len(waiting) == 0 {
			break
		}
		if changed {
			interval = floor
		} else {
			interval = min(interval+interval/2+time.Second, e.pollMax())
		}
		select {
		case <-ctx.Done():
			e.interrupted(r)
			return ctx.Err()
		case <-time.After(interval):
		}
	}
	if len(failed) == 0 {
		r.Log("%s: %d nodes computed by Slurm jobs", stage, len(todo))
		return nil
	}
	if len(failed) > 10 {
		failed = append(failed[:10], fmt.Sprintf("… and %d more nodes", len(failed)-10))
	}
	return fmt.Errorf("%s: %d of %d nodes failed:\n  %s\njobs depending on them are cancelled by Slurm (--kill-on-invalid-dep=yes); fix the cause and run the same command again: only missing nodes are submitted",
		stage, len(failed), len(todo), strings.Join(failed, "\n  "))
}

func (e *Executor) grace() time.Duration {
	if e.Cfg.Grace > 0 {
		return e.Cfg.Grace
	}
	return 15 * time.Second
}

func (e *Executor) pollMax() time.Duration {
	if e.Cfg.Poll > 0 {
		return e.Cfg.Poll
	}
	return time.Minute
}

// failure describes a node its job did not compute: job id, log and the log's error line.
func (e *Executor) failure(n *plan.Node, why string) string {
	e.mu.Lock()
	t := e.tasks[n.Key]
	e.mu.Unlock()
	log := e.logPath(t)
	s := fmt.Sprintf("%s %q (key %s): Slurm job %s %s; log %s", n.Stage, n.Label, n.Key, t.jobID(), why, log)
	if line := errorLine(log, n.Key); line != "" {
		s += ": " + line
	}
	return s
}

func (t *slurmTask) reason() string {
	switch t.state {
	case "":
		return "left the queue without computing it"
	case "COMPLETED":
		return "completed but did not compute it"
	case "FAILED":
		return "failed"
	case "PENDING":
		return "can never start: a job computing its inputs failed"
	case "CANCELLED":
		if strings.Contains(t.why, "Dependency") {
			return "was cancelled: a job computing its inputs failed"
		}
		return "was cancelled (scancel or an administrator)"
	case "TIMEOUT":
		return "hit its time limit (raise -slurm-time or lower -slurm-batch)"
	case "OUT_OF_MEMORY":
		return "ran out of memory (raise -slurm-mem)"
	case "NODE_FAIL", "BOOT_FAIL":
		return "lost its compute node (" + t.state + ")"
	case "PREEMPTED":
		return "was preempted"
	}
	return "ended " + t.state
}

// errorLine returns the last line of the log naming key (the job prints why a node failed).
func errorLine(path string, key data.Key) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	line := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.Contains(sc.Text(), string(key)) && strings.Contains(sc.Text(), "fail") {
			line = strings.TrimSpace(sc.Text())
		}
	}
	return line
}

// poll asks the queue once about every job of the run and notes the tasks that ended.
func (e *Executor) poll() error {
	names := map[string]bool{e.JobName(): true}
	e.mu.Lock()
	for _, a := range e.arrays {
		names[a.Name] = true
	}
	e.mu.Unlock()
	out, err := exec.Command("squeue", "-h", "-t", "all", "-r", "-n", strings.Join(sortedSet(names), ","), "-o", "%i|%T|%r").CombinedOutput()
	if err != nil {
		return fmt.Errorf("squeue: %v: %s", err, strings.TrimSpace(string(out)))
	}
	state := map[string][2]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Split(strings.TrimSpace(line), "|"); len(f) == 3 {
			state[f[0]] = [2]string{f[1], f[2]}
		}
	}
	now := time.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, a := range e.arrays {
		for _, t := range a.Tasks {
			st, ok := state[t.jobID()]
			if ok {
				t.state, t.why = st[0], st[1]
			}
			// Pending on a failed dependency never starts, even where Slurm does not kill it.
			never := st[0] == "PENDING" && st[1] == "DependencyNeverSatisfied"
			if (!ok || !aliveStates[st[0]] || never) && t.ended.IsZero() {
				t.ended = now
			}
		}
	}
	return nil
}

// Alive lists the arrays of this run with a task that may still run (it asks the queue).
func (e *Executor) Alive() []string {
	e.poll()
	e.mu.Lock()
	defer e.mu.Unlock()
	var ids []string
	for _, a := range e.arrays {
		for _, t := range a.Tasks {
			if t.ended.IsZero() {
				ids = append(ids, a.ID)
				break
			}
		}
	}
	return ids
}

// interrupted asks (or -slurm-on-interrupt says) whether to cancel the run's jobs.
func (e *Executor) interrupted(r *run.Runner) {
	ids := e.Alive()
	if len(ids) == 0 {
		return
	}
	choice := e.Cfg.OnInterrupt
	if choice == "" || choice == "ask" {
		choice = "leave"
		if isTerminal(os.Stdin) {
			fmt.Fprintf(os.Stderr, "cancel the %d Slurm jobs of this run (scancel %s)? [y/N] ", len(ids), strings.Join(ids, " "))
			if line, _ := bufio.NewReader(os.Stdin).ReadString('\n'); strings.HasPrefix(strings.ToLower(strings.TrimSpace(line)), "y") {
				choice = "cancel"
			}
		}
	}
	if choice == "cancel" {
		if out, err := exec.Command("scancel", ids...).CombinedOutput(); err != nil {
			r.Log("scancel %s: %v: %s", strings.Join(ids, " "), err, out)
			return
		}
		r.Log("cancelled Slurm jobs %s; finished nodes stay in the store", strings.Join(ids, " "))
		return
	}
	r.Log("left Slurm jobs %s running (name %s): their nodes land in the store; `scancel --name=%s` cancels them, running the same command again picks up what is missing",
		strings.Join(ids, " "), e.JobName(), e.JobName())
}

func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// PrintLogs points at the job and log of stale nodes that a Slurm run over this store
// tried last (the newest run directory naming them).
func PrintLogs(w io.Writer, cache string, stale []*plan.Node) {
	runs, _ := filepath.Glob(filepath.Join(cache, "slurm", "*", "jobs.json"))
	last := map[data.Key]jobRecord{}
	for _, path := range runs { // names start with the UTC time: oldest first
		b, err := os.ReadFile(path)
		var recs []jobRecord
		if err != nil || json.Unmarshal(b, &recs) != nil {
			continue
		}
		for _, r := range recs {
			for _, k := range r.Keys {
				last[k] = r
			}
		}
	}
	var lines []string
	for _, st := range plan.StageOrder { // upstream first: there a failure's cause is
		for _, n := range stale {
			r, ok := last[n.Key]
			if !ok || n.Stage != st {
				continue
			}
			if _, err := os.Stat(r.Log); err != nil {
				lines = append(lines, fmt.Sprintf("    %s %q: Slurm job %s, which never started (no log)", n.Stage, n.Label, r.Job))
			} else {
				lines = append(lines, fmt.Sprintf("    %s %q: Slurm job %s, log %s", n.Stage, n.Label, r.Job, r.Log))
			}
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "slurm: %d stale nodes were submitted before (still queued, cancelled or failed):\n", len(lines))
	if len(lines) > 5 {
		lines = append(lines[:5], fmt.Sprintf("    … %d more", len(lines)-5))
	}
	fmt.Fprintln(w, strings.Join(lines, "\n"))
}
