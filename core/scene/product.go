package scene

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/compdiff/compdiff/core/dist"
)

// SlotProduct is the scene distribution of a law whose slots are independent:
// Π_s Σ_k π_s(k)·N(x_s; t_k, σ0² I_P), x_s the pixels of slot s and t_k the cell templates.
// It is the same distribution as Mixture(sp, l) — densities, scores and samples — but a
// score costs S·(T+1)·P instead of |supp l|·S·P (243 → 15 template comparisons for a
// cluttered background of the default scene). Noising acts pixel-wise, so the noised law
// is the product of the noised slot mixtures.
type SlotProduct struct {
	sp    Spec
	logp  [][]float64 // logp[s][k] = log π_s(k) (−Inf for 0)
	probs [][]float64
	tmpl  [][]float64
	only  []int // per slot, its one possible content, or −1
}

// NewSlotProduct returns the product form of l; it fails when l's slots are not
// independent (use Mixture then).
func NewSlotProduct(sp Spec, l Law) (*SlotProduct, error) {
	if err := sp.checkLaw(l); err != nil {
		return nil, err
	}
	parts := make([][]int, sp.Slots)
	laws := make([]Law, sp.Slots)
	for s := range parts {
		parts[s], laws[s] = []int{s}, l
	}
	if c, ok := equalsProduct(l, parts, laws); !ok {
		return nil, fmt.Errorf("slot product: the law's slots are not independent (configuration %v); use Mixture", l.Config(c, make([]int, sp.Slots)))
	}
	p := &SlotProduct{sp: sp}
	for s := 0; s < sp.Slots; s++ {
		pr := l.SlotLaw(s)
		lp := make([]float64, len(pr))
		for k, v := range pr {
			lp[k] = math.Log(v)
		}
		p.probs = append(p.probs, pr)
		p.logp = append(p.logp, lp)
		only := -1
		for k, v := range pr {
			if v == 1 {
				only = k
			}
		}
		p.only = append(p.only, only)
	}
	for k := 0; k < sp.Kinds(); k++ {
		p.tmpl = append(p.tmpl, sp.Template(k))
	}
	return p, nil
}

// Source is the cheaper exact scene distribution of a law: its SlotProduct when the slots
// are independent and the product has fewer slot terms (one per slot and possible content,
// each with an exp) than the mixture has components, else its Mixture.
func Source(sp Spec, l Law) (dist.Dist, error) {
	if p, err := NewSlotProduct(sp, l); err == nil {
		terms := 0
		for _, pr := range p.probs {
			for _, v := range pr {
				if v > 0 {
					terms++
				}
			}
		}
		if terms < len(l.Support()) {
			return p, nil
		}
	}
	return Mixture(sp, l)
}

func (p *SlotProduct) Dim() int { return p.sp.Dim() }

// slot writes, for slot s at noise (a, v), the log of π_s(k)·N(x_s; a·t_k, v·I) into lk and
// returns their log-sum-exp.
func (p *SlotProduct) slot(s int, a, v float64, x []float64, lk []float64) float64 {
	P := p.sp.Cell
	norm := -0.5 * float64(P) * (log2Pi + math.Log(v))
	mx := p.logits(s, a, v, x[s*P:(s+1)*P], lk) + norm
	sum := 0.0
	for k := range lk {
		lk[k] += norm
		sum += math.Exp(lk[k] - mx)
	}
	return mx + math.Log(sum)
}

// logits writes log π_s(k) − |cell − a·t_k|²/2v into lk (−Inf where π_s(k) = 0) and
// returns their maximum.
func (p *SlotProduct) logits(s int, a, v float64, cell, lk []float64) float64 {
	mx := math.Inf(-1)
	for k, t := range p.tmpl {
		if math.IsInf(p.logp[s][k], -1) {
			lk[k] = math.Inf(-1)
			continue
		}
		q := 0.0
		for j, xv := range cell {
			e := xv - a*t[j]
			q += e * e
		}
		lk[k] = p.logp[s][k] - 0.5*q/v
		mx = math.Max(mx, lk[k])
	}
	return mx
}

func (p *SlotProduct) LogProb(x []float64) float64 {
	var buf [MaxObjects + 1]float64
	lk := buf[:p.sp.Kinds()]
	s2 := p.sp.Noise * p.sp.Noise
	out := 0.0
	for s := 0; s < p.sp.Slots; s++ {
		out += p.slot(s, 1, s2, x, lk)
	}
	return out
}

// NoisedScore: per slot, Σ_k r_k(a·t_k − x_s)/v with responsibilities r_k and
// v = α²σ0² + σ². The responsibilities are a softmax of log π_s(k) − |x_s − a·t_k|²/2v (the
// Gaussian normaliser is the same for every k and cancels); a slot with one possible
// content has r = 1 there and needs no exp.
func (p *SlotProduct) NoisedScore(alpha, sigma float64, x, out []float64) {
	var buf [MaxObjects + 1]float64
	r := buf[:p.sp.Kinds()]
	v := alpha*alpha*p.sp.Noise*p.sp.Noise + sigma*sigma
	P := p.sp.Cell
	for s := 0; s < p.sp.Slots; s++ {
		cell := x[s*P : (s+1)*P]
		if only := p.only[s]; only >= 0 {
			for k := range r {
				r[k] = 0
			}
			r[only] = 1
		} else {
			mx := p.logits(s, alpha, v, cell, r)
			sum := 0.0
			for k := range r {
				r[k] = math.Exp(r[k] - mx)
				sum += r[k]
			}
			for k := range r {
				r[k] /= sum
			}
		}
		o := out[s*P : (s+1)*P]
		for j := range o {
			o[j] = 0
		}
		for k, t := range p.tmpl {
			if r[k] == 0 {
				continue
			}
			for j := range o {
				o[j] += r[k] * (alpha*t[j] - cell[j])
			}
		}
		for j := range o {
			o[j] /= v
		}
	}
}

// Sample draws each slot's content from its law, then the noise (row-major n×S·P).
func (p *SlotProduct) Sample(r *rand.Rand, n int) []float64 {
	d, P := p.sp.Dim(), p.sp.Cell
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
		for s := 0; s < p.sp.Slots; s++ {
			u, k := r.Float64(), 0
			for c := p.probs[s][0]; k < len(p.probs[s])-1 && u >= c; c += p.probs[s][k] {
				k++
			}
			for k > 0 && p.probs[s][k] == 0 { // rounding at the top of the CDF
				k--
			}
			for j := 0; j < P; j++ {
				x[i*d+s*P+j] = p.tmpl[k][j] + p.sp.Noise*r.NormFloat64()
			}
		}
	}
	return x
}

func (p *SlotProduct) Describe() string {
	parts := make([]string, len(p.probs))
	for s, pr := range p.probs {
		parts[s] = fmt.Sprintf("%.6g", pr)
	}
	return fmt.Sprintf("SceneProduct(noise=%g; slots %s)", p.sp.Noise, strings.Join(parts, " "))
}
