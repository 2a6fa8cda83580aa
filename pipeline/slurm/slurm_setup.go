package slurm

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compdiff/compdiff/data"
	"github.com/compdiff/compdiff/pipeline/run"
)

// setup checks that Slurm answers, reads its array limit and places the binary in the
// store, where every compute node sees it.
func (e *Executor) setup(r *run.Runner) error {
	e.once.Do(func() { e.setupErr = e.doSetup(r) })
	return e.setupErr
}

func (e *Executor) doSetup(r *run.Runner) error {
	if err := e.Cfg.Check(); err != nil {
		return err
	}
	if err := Reachable(); err != nil {
		return err
	}
	e.maxArray = 1001
	if out, err := exec.Command("scontrol", "show", "config").Output(); err == nil {
		for _, line := range strings.Split(string(out), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == "MaxArraySize" {
				if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
					e.maxArray = n
				}
			}
		}
	}
	var err error
	if e.cache, err = filepath.Abs(r.Store.Dir); err != nil {
		return err
	}
	if e.out, err = filepath.Abs(r.OutDir); err != nil {
		return err
	}
	var id [3]byte
	rand.Read(id[:])
	e.runID = time.Now().UTC().Format("20060102-150405") + "-" + hex.EncodeToString(id[:])
	e.dir = filepath.Join(e.cache, "slurm", e.runID)
	if err := os.MkdirAll(filepath.Join(e.dir, "logs"), 0o755); err != nil {
		return fmt.Errorf("-executor slurm: %w", err)
	}
	e.bin, err = installBinary(e.Cfg.Binary, filepath.Join(e.cache, "slurm", "bin"))
	e.tasks = map[data.Key]*slurmTask{}
	if err == nil {
		e.adopt(r)
	}
	return err
}

// adopt follows the live jobs of earlier runs over this store (left running after Ctrl-C)
// instead of submitting their nodes again.
func (e *Executor) adopt(r *run.Runner) {
	out, err := exec.Command("squeue", "-h", "-r", "--me", "-o", "%i|%T|%j").Output()
	if err != nil {
		return
	}
	alive, runs := map[string]bool{}, map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(strings.TrimSpace(line), "|")
		if run, ok := strings.CutPrefix(f[len(f)-1], "compdiff-"); ok && len(f) == 3 && aliveStates[f[1]] {
			alive[f[0]], runs[run] = true, true
		}
	}
	for _, run := range sortedSet(runs) {
		dir := filepath.Join(e.cache, "slurm", run)
		b, err := os.ReadFile(filepath.Join(dir, "jobs.json"))
		var recs []jobRecord
		if err != nil || json.Unmarshal(b, &recs) != nil {
			continue // a run over another store
		}
		arrays, nodes := map[string]*slurmArray{}, 0
		for _, jr := range recs {
			id, idx, _ := strings.Cut(jr.Job, "_")
			i, err := strconv.Atoi(idx)
			if !alive[jr.Job] || err != nil {
				continue
			}
			a := arrays[id]
			if a == nil {
				a = &slurmArray{ID: id, Stage: jr.Stage, Dir: dir, Name: "compdiff-" + run}
				arrays[id] = a
				e.arrays = append(e.arrays, a)
			}
			t := &slurmTask{array: a, index: i, Keys: jr.Keys}
			a.Tasks = append(a.Tasks, t)
			for _, k := range jr.Keys {
				if e.tasks[k] == nil && !r.Store.Done(k) {
					e.tasks[k] = t
					nodes++
				}
			}
		}
		if len(arrays) > 0 {
			r.Log("slurm: following %d nodes in the running jobs of run %s (%s)", nodes, run, strings.Join(numericSorted(slices.Collect(maps.Keys(arrays))), ", "))
		}
	}
}

// Reachable tells why sbatch cannot be used here, or nil.
func Reachable() error {
	for _, c := range []string{"sbatch", "squeue", "scancel"} {
		if _, err := exec.LookPath(c); err != nil {
			return fmt.Errorf("-executor slurm: %s is not on PATH (%v); run on a Slurm login node (perhaps after `module load slurm`) or use -executor local", c, err)
		}
	}
	if out, err := exec.Command("squeue", "-h", "-o", "%i", "--me").CombinedOutput(); err != nil {
		return fmt.Errorf("-executor slurm: the Slurm controller does not answer (squeue: %v: %s); check SLURM_CONF and that slurmctld runs, or use -executor local",
			err, strings.TrimSpace(string(out)))
	}
	return nil
}

// installBinary copies the build binary (default: this executable) into dir under a name
// derived from its content, so running jobs keep their code when the checkout changes.
func installBinary(src, dir string) (string, error) {
	if src == "" {
		var err error
		if src, err = os.Executable(); err != nil {
			return "", fmt.Errorf("-executor slurm: cannot find this program's binary: %w", err)
		}
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return "", fmt.Errorf("-executor slurm: reading the binary for the jobs: %w", err)
	}
	sum := sha256.Sum256(b)
	dst := filepath.Join(dir, "build-"+hex.EncodeToString(sum[:6]))
	if _, err := os.Stat(dst); err == nil {
		return dst, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("-executor slurm: %w", err)
	}
	f, err := os.CreateTemp(dir, ".tmp-build-*")
	if err != nil {
		return "", fmt.Errorf("-executor slurm: %w", err)
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o755)
	}
	if err == nil {
		err = os.Rename(f.Name(), dst)
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("-executor slurm: installing the binary into %s: %w", dir, err)
	}
	return dst, nil
}

// jobRecord is one array task in <run dir>/jobs.json.
type jobRecord struct {
	Job   string     `json:"job"`
	Stage string     `json:"stage"`
	Log   string     `json:"log"`
	Keys  []data.Key `json:"keys"`
}

// record writes the run's arrays to <run dir>/jobs.json, for people, status and later runs.
func (e *Executor) record() error {
	var all []jobRecord
	e.mu.Lock()
	for _, a := range e.arrays {
		if a.Dir != e.dir {
			continue // adopted from an earlier run
		}
		for _, t := range a.Tasks {
			all = append(all, jobRecord{t.jobID(), a.Stage, e.logPath(t), t.Keys})
		}
	}
	e.mu.Unlock()
	b, _ := json.MarshalIndent(all, "", " ")
	return os.WriteFile(filepath.Join(e.dir, "jobs.json"), b, 0o644)
}
