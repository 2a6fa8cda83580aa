package nn

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// Adam is PyTorch's torch.optim.Adam without weight decay or amsgrad, in the same
// operation order:
//
//	m ← m + (1−β1)·(g − m)   (lerp),   v ← β2·v + (1−β2)·g·g
//	p ← p − (LR/(1−β1^t)) · (m / (√v/√(1−β2^t) + Eps))
//
// with the bias corrections computed in float64 (as Python does) and the moments kept in
// float32. The state is created on the first Step; set the fields before it.
type Adam struct {
	LR, Beta1, Beta2, Eps float64

	t    int
	m, v []float32
}

// Steps is the number of steps taken so far.
func (a *Adam) Steps() int { return a.t }

// Step applies one update to params given their gradient.
func (a *Adam) Step(params, grad []float32) {
	if len(grad) != len(params) {
		panic(fmt.Sprintf("nn.Adam: %d parameters but %d gradient entries", len(params), len(grad)))
	}
	if a.m == nil {
		a.m = make([]float32, len(params))
		a.v = make([]float32, len(params))
	} else if len(a.m) != len(params) {
		panic(fmt.Sprintf("nn.Adam: state is for %d parameters, got %d", len(a.m), len(params)))
	}
	a.t++
	k := adamConsts{
		c1:  float32(1 - a.Beta1),
		b2:  float32(a.Beta2),
		c2:  float32(1 - a.Beta2),
		eps: float32(a.Eps),
	}
	bc1 := 1 - math.Pow(a.Beta1, float64(a.t))
	bc2 := 1 - math.Pow(a.Beta2, float64(a.t))
	k.step = float32(a.LR / bc1)
	k.bc2sqrt = float32(math.Sqrt(bc2))
	parallelRange(len(params), adamGrain, func(i0, i1 int) {
		adamUpdate(params[i0:i1], grad[i0:i1], a.m[i0:i1], a.v[i0:i1], &k)
	})
}

type adamConsts struct {
	c1, b2, c2, eps, step, bc2sqrt float32 // order fixed: adamAVX512 reads them by offset
}

// adamGrain is the smallest slice worth a goroutine; the update is elementwise, so how
// the range is split never changes the result.
const adamGrain = 1 << 16

func adamUpdateGo(p, g, m, v []float32, k *adamConsts) {
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	for i := range p {
		gi := g[i]
		mi := m[i] + k.c1*(gi-m[i])
		vi := k.b2*v[i] + k.c2*gi*gi
		m[i], v[i] = mi, vi
		den := float32(math.Sqrt(float64(vi)))/k.bc2sqrt + k.eps
		p[i] -= k.step * (mi / den)
	}
}

// parallelRange splits [0,n) into at most GOMAXPROCS pieces of at least grain elements
// and runs f on them concurrently.
func parallelRange(n, grain int, f func(i0, i1 int)) {
	parts := min(runtime.GOMAXPROCS(0), n/grain)
	if parts <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for p := 0; p < parts; p++ {
		i0, i1 := n*p/parts, n*(p+1)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(i0, i1)
		}()
	}
	wg.Wait()
}
