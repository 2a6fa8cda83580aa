// Package rng derives independent, reproducible random streams.
//
// Every random draw of the pipeline comes from a stream named by (seed, name), where
// the name is usually a node key plus a purpose. Streams therefore do not depend on
// the order in which nodes run or on how many workers run them.
package rng

import (
	"hash/fnv"
	"math/rand/v2"
)

// New returns the generator of the stream (seed, name).
func New(seed uint64, name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// Normals fills x with independent standard normal draws.
func Normals(r *rand.Rand, x []float64) {
	for i := range x {
		x[i] = r.NormFloat64()
	}
}
