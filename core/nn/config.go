// Package nn is a float32 multilayer perceptron for batched, row-major matrices: inference,
// training (loss and gradient) and the Adam optimizer. All layer products run on core/gemm;
// bias and activation are fused into the products through gemm epilogues.
package nn

import "fmt"

// Config is the shape of an MLP: In inputs, Depth hidden layers of Width units with
// activation Act ("silu", the default when empty, "relu" or "tanh"), and a linear output
// layer of Out units.
type Config struct {
	In, Out, Width, Depth int
	Act                   string
}

// Validate reports the first thing wrong with c.
func (c Config) Validate() error {
	switch {
	case c.In < 1:
		return fmt.Errorf("nn config: In = %d; the network needs at least one input", c.In)
	case c.Out < 1:
		return fmt.Errorf("nn config: Out = %d; the network needs at least one output", c.Out)
	case c.Depth < 0:
		return fmt.Errorf("nn config: Depth = %d; the number of hidden layers cannot be negative", c.Depth)
	case c.Depth > 0 && c.Width < 1:
		return fmt.Errorf("nn config: Width = %d with Depth = %d; hidden layers need Width ≥ 1", c.Width, c.Depth)
	}
	if _, err := parseAct(c.Act); err != nil {
		return err
	}
	return nil
}

// NumParams is the length of the flat parameter vector of an MLP with this shape.
func (c Config) NumParams() int {
	n := 0
	for _, s := range c.layerShapes() {
		n += (s[0] + 1) * s[1]
	}
	return n
}

// layerShapes lists (fan_in, fan_out) of every linear layer, hidden layers first.
func (c Config) layerShapes() [][2]int {
	shapes := make([][2]int, 0, c.Depth+1)
	in := c.In
	for l := 0; l < c.Depth; l++ {
		shapes = append(shapes, [2]int{in, c.Width})
		in = c.Width
	}
	return append(shapes, [2]int{in, c.Out})
}

type activation int

const (
	actSiLU activation = iota
	actReLU
	actTanh
)

func parseAct(s string) (activation, error) {
	switch s {
	case "", "silu":
		return actSiLU, nil
	case "relu":
		return actReLU, nil
	case "tanh":
		return actTanh, nil
	}
	return 0, fmt.Errorf("nn config: unknown activation %q; use \"silu\", \"relu\" or \"tanh\"", s)
}
