package index

import (
	"sync"
	"sync/atomic"
)

// derivedEntry is one lazily computed value of a snapshot (see Derived).
type derivedEntry struct {
	ready atomic.Bool // v is set: read it without the lock
	mu    sync.Mutex
	v     any
}

// Derived returns the value build computes for key on this snapshot,
// computing it once, on first use, and sharing it with every later caller
// (concurrent callers of the same key wait for the first). It lets layers
// above the index (the LSP navigation features) keep one view derived from
// a snapshot, with the snapshot's lifetime, instead of one copy per user.
// Keys are compared like map keys; use an unexported type per value. build
// must only read the snapshot. If build panics, nothing is stored and the
// next call builds again.
func (s *Snapshot) Derived(key any, build func() any) any {
	e, _ := s.derived.Load(key)
	if e == nil {
		e, _ = s.derived.LoadOrStore(key, &derivedEntry{})
	}
	d := e.(*derivedEntry)
	if d.ready.Load() {
		return d.v // the common case: no lock, nothing shared with updates
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.ready.Load() {
		d.v = build()
		d.ready.Store(true)
	}
	return d.v
}
