package run

import (
	"fmt"
	"sync"
	"time"

	"github.com/compdiff/compdiff/data"
)

// Progress counts a stage's finished nodes (and the finished part of running ones) and
// prints "stage: done/total nodes, elapsed, ETA" at intervals.
type Progress struct {
	stage string
	total int
	start time.Time
	logf  func(string, ...any)

	mu      sync.Mutex
	nDone   int
	partial map[data.Key]float64
}

func newProgress(stage string, total int, logf func(string, ...any)) *Progress {
	return &Progress{stage: stage, total: total, start: time.Now(), logf: logf, partial: map[data.Key]float64{}}
}

// SetPartial records that fraction f of node k's work is done.
func (p *Progress) SetPartial(k data.Key, f float64) {
	p.mu.Lock()
	p.partial[k] = f
	p.mu.Unlock()
}

// Done counts node k as finished.
func (p *Progress) Done(k data.Key) {
	p.mu.Lock()
	p.nDone++
	delete(p.partial, k)
	p.mu.Unlock()
}

// Finished is the number of nodes counted as finished.
func (p *Progress) Finished() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.nDone
}

func (p *Progress) line() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	work := float64(p.nDone)
	for _, f := range p.partial {
		work += min(f, 1)
	}
	el := time.Since(p.start)
	eta := "?"
	if work > 0 {
		eta = (time.Duration(float64(el) * (float64(p.total) - work) / work)).Round(time.Second).String()
	}
	return fmt.Sprintf("%s: %d/%d nodes done (%.0f%% of the work), elapsed %s, ETA %s", p.stage, p.nDone, p.total,
		100*work/float64(p.total), el.Round(time.Second), eta)
}

func (p *Progress) ticker(every time.Duration) (stop func()) {
	t := time.NewTicker(every)
	quit := make(chan struct{})
	go func() {
		for {
			select {
			case <-t.C:
				p.logf("%s", p.line())
			case <-quit:
				return
			}
		}
	}()
	return func() { t.Stop(); close(quit) }
}
