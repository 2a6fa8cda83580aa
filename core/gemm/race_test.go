//go:build race

package gemm

// raceEnabled: under the race detector sync.Pool drops items on purpose, so pooled
// buffers are reallocated and the no-allocation test does not apply.
const raceEnabled = true
