package nn

import "math"

// ref64 is a plain float64 re-implementation of the MLP, used as ground truth.
type ref64 struct {
	act    string
	layers []refLayer
}

type refLayer struct {
	in, out int
	w, b    []float64
}

func newRef64(m *MLP) *ref64 {
	r := &ref64{act: m.cfg.Act}
	for _, l := range m.Layers() {
		rl := refLayer{in: l.In, out: l.Out}
		for _, v := range l.W {
			rl.w = append(rl.w, float64(v))
		}
		for _, v := range l.B {
			rl.b = append(rl.b, float64(v))
		}
		r.layers = append(r.layers, rl)
	}
	return r
}

// params returns pointers to every parameter in the flat order of MLP.Params.
func (r *ref64) params() []*float64 {
	var p []*float64
	for _, l := range r.layers {
		for i := range l.w {
			p = append(p, &l.w[i])
		}
		for i := range l.b {
			p = append(p, &l.b[i])
		}
	}
	return p
}

func (r *ref64) activate(z float64) float64 {
	switch r.act {
	case "relu":
		return math.Max(z, 0)
	case "tanh":
		return math.Tanh(z)
	}
	return z / (1 + math.Exp(-z))
}

// forward returns the outputs and the smallest |pre-activation| seen (ReLU kinks).
func (r *ref64) forward(x []float64, rows int) ([]float64, float64) {
	minAbsZ := math.Inf(1)
	a := x
	for li, l := range r.layers {
		next := make([]float64, rows*l.out)
		for i := 0; i < rows; i++ {
			for j := 0; j < l.out; j++ {
				z := l.b[j]
				for k := 0; k < l.in; k++ {
					z += a[i*l.in+k] * l.w[k*l.out+j]
				}
				if li < len(r.layers)-1 {
					minAbsZ = math.Min(minAbsZ, math.Abs(z))
					z = r.activate(z)
				}
				next[i*l.out+j] = z
			}
		}
		a = next
	}
	return a, minAbsZ
}

func (r *ref64) loss(x, t []float64, rows int) float64 {
	out, _ := r.forward(x, rows)
	s := 0.0
	for k, o := range out {
		s += (o - t[k]) * (o - t[k])
	}
	return s / float64(rows)
}

func to64(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}
