package navigation

import (
	"testing"

	"github.com/plugin-lsp/plugin-lsp/lsp/internal/navtest"
)

// BenchmarkNavIndexBuild measures deriving the navigation index from a
// linked snapshot of the 10k-name workspace (once per snapshot, on the
// first navigation request after an edit).
func BenchmarkNavIndexBuild(b *testing.B) {
	dir := b.TempDir()
	if err := navtest.Generate(dir, 20, 50, 10); err != nil {
		b.Fatal(err)
	}
	snap := navtest.Snapshot(b, dir)
	snap.Registrations()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buildNavIndex(snap)
	}
}

// BenchmarkNavIndexRebuild measures the navigation index build after an
// edit that renamed no plugin and kept the other files' linked objects,
// reusing the previous index's name lists and sites (what Cache does),
// next to a build from nothing in the same run.
func BenchmarkNavIndexRebuild(b *testing.B) {
	dir := b.TempDir()
	if err := navtest.Generate(dir, 20, 50, 10); err != nil {
		b.Fatal(err)
	}
	snap := navtest.Snapshot(b, dir)
	snap.Registrations()
	_, prev := build(snap, nil)
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			buildNavIndex(snap)
		}
	})
	b.Run("reusing", func(b *testing.B) {
		for b.Loop() {
			build(snap, prev)
		}
	})
}
