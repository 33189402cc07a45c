package index

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRunCoalescesBurst: a burst of disk changes gives one recompute that
// sees all of them, and Run stops with its context.
func TestRunCoalescesBurst(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(seedRoot(t))); err != nil {
		t.Fatal(err)
	}
	ix := New(Options{Roots: []string{dir}, Debounce: 100 * time.Millisecond})
	if _, err := ix.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	snaps := make(chan *Snapshot, 16)
	done := make(chan error, 1)
	go func() { done <- ix.Run(ctx, func(s *Snapshot) { snaps <- s }) }()

	var paths []string
	for i := 0; i < 20; i++ {
		p := filepath.Join(dir, "plugins/alpha", "gen"+string(rune('a'+i))+".go")
		src := "package alpha\n\nimport \"example.com/contract\"\n\nfunc init() { contract.Register(\"gen-" + string(rune('a'+i)) + "\", Alpha{}) }\n"
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	before := ix.Snapshot().Generation()
	ix.DiskChanged(paths...) // one burst, delivered as several notifications
	ix.DiskChanged(paths[:5]...)
	s := <-snaps
	if got := s.Generation() - before; got != 1 {
		t.Errorf("burst gave %d generations, want 1", got)
	}
	n := 0
	for _, r := range s.Registrations() {
		if strings.HasPrefix(r.Name, "gen-") {
			n++
		}
	}
	if n != 20 {
		t.Errorf("snapshot after the burst has %d of 20 new registrations", n)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	select {
	case extra := <-snaps:
		t.Errorf("an extra recompute after the burst (generation %d)", extra.Generation())
	default:
	}
}

// TestRunWatchesWithFsnotify: with Watch, a file written on disk reaches a
// snapshot without anyone calling DiskChanged.
func TestRunWatchesWithFsnotify(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(seedRoot(t))); err != nil {
		t.Fatal(err)
	}
	ix := New(Options{Roots: []string{dir}, Debounce: 20 * time.Millisecond, Watch: true})
	if _, err := ix.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	snaps := make(chan *Snapshot, 64)
	done := make(chan error, 1)
	go func() { done <- ix.Run(ctx, func(s *Snapshot) { snaps <- s }) }()
	// The watcher starts inside Run; keep writing until a snapshot shows the
	// change (a write before the watch is set up is not seen).
	p := filepath.Join(dir, "plugins/alpha/watched.go")
	src := []byte("package alpha\n\nimport \"example.com/contract\"\n\nfunc init() { contract.Register(\"watched\", Alpha{}) }\n")
	deadline := time.After(20 * time.Second)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for found := false; !found; {
		select {
		case s := <-snaps:
			for _, r := range s.Registrations() {
				found = found || r.Name == "watched"
			}
		case <-tick.C:
			if err := os.WriteFile(p, src, 0o644); err != nil {
				t.Fatal(err)
			}
		case <-deadline:
			t.Fatal("the watched change never reached a snapshot")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}
