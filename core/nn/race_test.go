//go:build race

package nn

// The race detector makes sync.Pool (used by gemm) drop items at random, so allocation
// counts mean nothing under -race.
const raceEnabled = true
