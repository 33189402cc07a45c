package index

import (
	"sync"
	"sync/atomic"
	"testing"
)

func TestSnapshotDerived(t *testing.T) {
	s := &Snapshot{}
	type keyA struct{}
	type keyB struct{}
	var builds atomic.Int32
	var wg sync.WaitGroup
	got := make([]any, 8)
	for i := range got {
		wg.Go(func() {
			got[i] = s.Derived(keyA{}, func() any { builds.Add(1); return &struct{ n int }{1} })
		})
	}
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Fatalf("built %d times for one key, want 1", n)
	}
	for i := range got {
		if got[i] != got[0] {
			t.Fatalf("caller %d got another value than caller 0", i)
		}
	}
	if v := s.Derived(keyB{}, func() any { return "b" }); v != "b" {
		t.Fatalf("second key: got %v", v)
	}
	// A build that panics stores nothing: the next call builds again.
	type keyC struct{}
	func() {
		defer func() { _ = recover() }()
		s.Derived(keyC{}, func() any { panic("boom") })
	}()
	if v := s.Derived(keyC{}, func() any { return 3 }); v != 3 {
		t.Fatalf("after a panicking build: got %v, want 3", v)
	}
	// Another snapshot has its own values.
	if v := (&Snapshot{}).Derived(keyB{}, func() any { return "other" }); v != "other" {
		t.Fatalf("values leak between snapshots: got %v", v)
	}
}
