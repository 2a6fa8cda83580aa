package gemm

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// Parallel execution of a job: the caller and long-lived helper goroutines share the
// job's work units through per-goroutine segments (own front, steal from the back).

const (
	maxThreads = 64
	closedBit  = 1 << 40
)

// execute runs the job on the caller's goroutine plus up to threads-1 helpers.
// A helper that arrives after the work is done finds the job closed and leaves, so the
// caller never waits for a helper that has not started.
func (j *job) execute() {
	if j.threads == 1 {
		j.run(0)
		return
	}
	startHelpers()
	j.gen.Add(1)
	j.state.Store(0) // open: helpers may join
	posted.Store(j)
	for t := 1; t < j.threads; t++ {
		select {
		case wakeCh <- j:
		default:
		}
	}
	j.run(0)
	units := int64(j.nchk * j.ncu)
	waitFor(func() bool { return j.unitsDone.Load() >= units }, true)
	for {
		s := j.state.Load()
		if j.state.CompareAndSwap(s, s|closedBit) {
			break
		}
	}
	waitFor(func() bool { return j.state.Load() == closedBit }, true)
}

// waitFor spins until done(): what it waits for is short work running on another core.
// With yield (not on a locked helper) it yields the processor now and then once the wait
// gets long (~50µs), in case that core's goroutine was descheduled; not sooner, since a
// runnable caller also tells spinning helpers to park.
func waitFor(done func() bool, yield bool) {
	for i := 1; !done(); i++ {
		if yield && i > 4096 && i%256 == 0 {
			runtime.Gosched()
		} else {
			cpuRelax()
		}
	}
}

// help is a helper's side of execute.
func (j *job) help() {
	for {
		s := j.state.Load()
		if s&closedBit != 0 {
			return
		}
		if j.state.CompareAndSwap(s, s+1) {
			break
		}
	}
	j.run(int(j.joined.Add(1)))
	j.state.Add(-1)
}

var (
	helpers sync.Once
	wakeCh  chan *job
	// posted is the most recently opened parallel job. Idle helpers poll it for a while
	// before parking: waking a parked thread costs ~100µs on a VM, a sixth of a 512³
	// multiply, and the MLP issues multiplies back to back.
	posted atomic.Pointer[job]
)

// helperSpin is how long an idle helper keeps polling before parking on wakeCh.
const helperSpin = 2 * time.Millisecond

func startHelpers() {
	helpers.Do(func() {
		n := runtime.NumCPU() - 1
		wakeCh = make(chan *job, 4*n+4)
		for i := 0; i < n; i++ {
			go helper()
		}
	})
}

func helper() {
	// Own OS thread: the scheduler then never swaps the caller and a helper between
	// threads, so each keeps its half of C and of packed B in its own core's cache.
	// A locked goroutine cannot yield cheaply (Gosched hands its P to another thread and
	// back), so instead of yielding it stops spinning, and parks, as soon as other
	// goroutines are waiting to run.
	runtime.LockOSThread()
	runnable := []metrics.Sample{{Name: "/sched/goroutines/runnable:goroutines"}}
	metrics.Read(runnable) // the runtime builds its metric table on the first read: now, not mid-multiply
	var last *job          // the posted job this helper joined last, and which opening of it
	var lastGen uint64
	for {
		var j *job
		deadline := time.Now().Add(helperSpin)
		busy := 0
		for spins := 1; j == nil; spins++ {
			if p := posted.Load(); p != nil && p.state.Load()&closedBit == 0 {
				if g := p.gen.Load(); p != last || g != lastGen {
					j, last, lastGen = p, p, g
					break
				}
			}
			if spins%256 != 0 {
				cpuRelax()
				continue
			}
			select {
			case j = <-wakeCh:
				continue
			default:
			}
			// Runnable goroutines at two checks in a row (a few µs apart), not a blip.
			metrics.Read(runnable)
			if runnable[0].Value.Kind() == metrics.KindUint64 && runnable[0].Value.Uint64() > 0 {
				busy++
			} else {
				busy = 0
			}
			if busy >= 2 || time.Now().After(deadline) {
				j = <-wakeCh
			}
		}
		j.help()
	}
}

// segment is a range [lo, hi) of unit indices packed into one word: the owner pops from
// the front, thieves from the back, so they meet once and rarely contend.
type segment struct {
	v atomic.Uint64
	_ [56]byte // own cache line
}

func (s *segment) pop(front bool) (int, bool) {
	for {
		v := s.v.Load()
		lo, hi := uint32(v), uint32(v>>32)
		if lo >= hi {
			return 0, false
		}
		if front {
			if s.v.CompareAndSwap(v, v+1) {
				return int(lo), true
			}
		} else if s.v.CompareAndSwap(v, v-1<<32) {
			return int(hi - 1), true
		}
	}
}

// maxThreadsCap bounds the goroutines of one multiply (0: no bound beyond the CPUs).
var maxThreadsCap atomic.Int32

// SetMaxThreads bounds how many goroutines one multiply uses (n ≤ 0: no bound) and returns
// the previous setting. A caller that already keeps every core busy with independent work
// (the pipeline's worker pool) sets 1, so multiplies do not wait on helpers that the other
// workers' multiplies hold. Results do not depend on it.
func SetMaxThreads(n int) (previous int) { return int(maxThreadsCap.Swap(int32(max(n, 0)))) }

// MaxThreads is how many goroutines one multiply may use: the bound set by SetMaxThreads,
// never more than runtime.NumCPU() (more would only share cores).
func MaxThreads() int {
	if n := int(maxThreadsCap.Load()); n > 0 {
		return min(n, runtime.NumCPU())
	}
	return runtime.NumCPU()
}
