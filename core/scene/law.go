package scene

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Law is a distribution over the configurations of a spec's scenes, stored densely:
// P[c] is the probability of configuration index c = Σ_s c_s·(T+1)^s, where c_s = 0 for an
// empty slot s and o ∈ 1…T for object o (slot 0 is the least significant digit).
type Law struct {
	Slots, Kinds int // S and T+1
	P            []float64
}

// Want asks for slot Slot to hold object Object (1…T), or any object when Object is 0.
type Want struct {
	Slot   int `json:"slot" yaml:"slot"`
	Object int `json:"object,omitempty" yaml:"object,omitempty"`
}

func newLaw(sp Spec) Law { return newLawSK(sp.Slots, sp.Kinds()) }

func newLawSK(S, K int) Law { return Law{Slots: S, Kinds: K, P: make([]float64, ipow(K, S))} }

// Config writes the slot contents of configuration index c into out (len S) and returns it.
func (l Law) Config(c int, out []int) []int {
	for s := 0; s < l.Slots; s++ {
		out[s] = c % l.Kinds
		c /= l.Kinds
	}
	return out
}

// Index is the configuration index of the slot contents cfg.
func (l Law) Index(cfg []int) int {
	c := 0
	for s := l.Slots - 1; s >= 0; s-- {
		c = c*l.Kinds + cfg[s]
	}
	return c
}

// Support lists the configuration indices with positive probability, increasing.
func (l Law) Support() []int {
	var out []int
	for c, p := range l.P {
		if p > 0 {
			out = append(out, c)
		}
	}
	return out
}

// Occupancy is the probability that each slot holds an object.
func (l Law) Occupancy() []float64 {
	occ := make([]float64, l.Slots)
	cfg := make([]int, l.Slots)
	for c, p := range l.P {
		if p == 0 {
			continue
		}
		for s, k := range l.Config(c, cfg) {
			if k != 0 {
				occ[s] += p
			}
		}
	}
	return occ
}

// Counts is the distribution of the number of objects, indexed 0…S.
func (l Law) Counts() []float64 {
	out := make([]float64, l.Slots+1)
	cfg := make([]int, l.Slots)
	for c, p := range l.P {
		out[count(l.Config(c, cfg))] += p
	}
	return out
}

// SlotLaw is the marginal law of slot s's content: entry k is P(c_s = k).
func (l Law) SlotLaw(s int) []float64 {
	out := make([]float64, l.Kinds)
	cfg := make([]int, l.Slots)
	for c, p := range l.P {
		out[l.Config(c, cfg)[s]] += p
	}
	return out
}

// Draw returns n configuration indices drawn from the law (inverse CDF).
func (l Law) Draw(r *rand.Rand, n int) []int {
	cdf := make([]float64, len(l.P))
	t := 0.0
	for c, p := range l.P {
		t += p
		cdf[c] = t
	}
	out := make([]int, n)
	for i := range out {
		u := r.Float64() * t
		lo, hi := 0, len(cdf)-1
		for lo < hi { // first c with cdf[c] > u
			mid := (lo + hi) / 2
			if cdf[mid] > u {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		for lo > 0 && l.P[lo] == 0 { // never return a zero-probability configuration
			lo--
		}
		out[i] = lo
	}
	return out
}

// normalize rescales P to sum 1; it fails when the law has no mass.
func (l Law) normalize(what string) (Law, error) {
	t := 0.0
	for _, p := range l.P {
		t += p
	}
	if !(t > 0) || math.IsInf(t, 0) {
		return Law{}, fmt.Errorf("%s has no probability mass (total %v)", what, t)
	}
	for c := range l.P {
		l.P[c] /= t
	}
	return l, nil
}

func (l Law) clone() Law {
	return Law{Slots: l.Slots, Kinds: l.Kinds, P: append([]float64(nil), l.P...)}
}

func count(cfg []int) int {
	n := 0
	for _, k := range cfg {
		if k != 0 {
			n++
		}
	}
	return n
}

// Empty is the empty scene: every slot empty with probability 1.
func Empty(sp Spec) Law {
	l := newLaw(sp)
	l.P[0] = 1
	return l
}

// Cluttered holds an object in each slot independently with probability q, the object
// uniform over the T templates: P(c) = Π_s [c_s = 0]·(1−q) + [c_s ≠ 0]·q/T.
func Cluttered(sp Spec, q float64) (Law, error) {
	if !(q >= 0 && q <= 1) {
		return Law{}, fmt.Errorf("cluttered scene: q = %v; the occupancy probability must lie in [0, 1]", q)
	}
	l := newLaw(sp)
	cfg := make([]int, sp.Slots)
	T := float64(len(sp.Objects))
	for c := range l.P {
		p := 1.0
		for _, k := range l.Config(c, cfg) {
			if k == 0 {
				p *= 1 - q
			} else {
				p *= q / T
			}
		}
		l.P[c] = p
	}
	return l, nil
}

// Data is the training data's marginal: the number of objects n is uniform on 1…m, the n
// occupied slots a uniformly random subset, each object uniform over the T templates:
// P(c) = 1/m · 1/C(S, n) · T^−n for n = #objects(c) ∈ 1…m, 0 otherwise.
func Data(sp Spec, m int) (Law, error) {
	if m < 1 || m > sp.Slots {
		return Law{}, fmt.Errorf("data law: m = %d objects at most; use 1…%d (the number of slots)", m, sp.Slots)
	}
	l := newLaw(sp)
	cfg := make([]int, sp.Slots)
	T := float64(len(sp.Objects))
	for c := range l.P {
		n := count(l.Config(c, cfg))
		if n >= 1 && n <= m {
			l.P[c] = 1 / float64(m) / binom(sp.Slots, n) / math.Pow(T, float64(n))
		}
	}
	return l, nil
}

// At is "an object at slot i with the other slots as in base": base conditioned on slot i
// holding an object when base gives that positive probability; otherwise (e.g. the empty
// scene) a uniform object at slot i with the other slots following base's law of them.
// The two agree in the limit: At(i, Cluttered(q)) → At(i, Empty) as q → 0.
func At(i int, base Law) (Law, error) { return Condition(base, Want{Slot: i}) }

// AtObject is At for object o (1…T) at slot i.
func AtObject(i, o int, base Law) (Law, error) { return Condition(base, Want{Slot: i, Object: o}) }

// Condition applies the wants one after another, each as At does: conditioning when base
// gives the want positive probability, else replacing slot Slot's content by the wanted
// object (uniform over 1…T for Object 0) and keeping base's law of the other slots.
func Condition(base Law, wants ...Want) (Law, error) {
	l := base.clone()
	cfg := make([]int, l.Slots)
	for _, w := range wants {
		if w.Slot < 0 || w.Slot >= l.Slots {
			return Law{}, fmt.Errorf("condition: slot %d is outside 0…%d", w.Slot, l.Slots-1)
		}
		if w.Object < 0 || w.Object >= l.Kinds {
			return Law{}, fmt.Errorf("condition: object %d at slot %d; use 1…%d, or 0 for any object", w.Object, w.Slot, l.Kinds-1)
		}
		one := []Want{w}
		mass := 0.0
		for c, p := range l.P {
			if p > 0 && satisfies(l.Config(c, cfg), one) {
				mass += p
			}
		}
		next := newLawSK(l.Slots, l.Kinds)
		for c, p := range l.P {
			if p == 0 {
				continue
			}
			l.Config(c, cfg)
			switch {
			case mass > 0:
				if satisfies(cfg, one) {
					next.P[c] += p
				}
			case w.Object != 0:
				cfg[w.Slot] = w.Object
				next.P[l.Index(cfg)] += p
			default:
				for o := 1; o < l.Kinds; o++ {
					cfg[w.Slot] = o
					next.P[l.Index(cfg)] += p / float64(l.Kinds-1)
				}
			}
		}
		var err error
		if l, err = next.normalize(fmt.Sprintf("the law with %+v", w)); err != nil {
			return Law{}, fmt.Errorf("condition: %w", err)
		}
	}
	return l, nil
}

// satisfies reports whether cfg meets every want.
func satisfies(cfg []int, wants []Want) bool {
	for _, w := range wants {
		k := cfg[w.Slot]
		if k == 0 || (w.Object != 0 && k != w.Object) {
			return false
		}
	}
	return true
}

func binom(n, k int) float64 {
	r := 1.0
	for j := 1; j <= k; j++ {
		r = r * float64(n-k+j) / float64(j)
	}
	return r
}
