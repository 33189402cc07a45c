// Package memtest measures the heap for the memory tests of lsp and
// lsp/proxy (figures are logged, never asserted as timings).
package memtest

import "runtime"

// HeapInUse returns the heap in use after two collections.
func HeapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// MB converts bytes to MiB.
func MB(n uint64) float64 { return float64(n) / (1 << 20) }
