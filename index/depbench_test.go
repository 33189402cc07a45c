package index

// Dependency reading benchmarks, over this repository and the real module
// cache (its go.mod dependencies are there whenever it builds):
//
//	go test -run '^$' -bench 'Deps' -benchtime 5x ./index
//
// Deps/off is the cold index without dependency reading, Deps/cold with it
// (nothing cached), Deps/warm a restart with the per-module cache on disk:
// it reads no file of the module cache (depfiles-read/op is 0, asserted);
// Deps/off-warm is that restart without dependency reading.

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func goEnvModCache(b testing.TB) string {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		b.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

func BenchmarkDeps(b *testing.B) {
	root, err := filepath.Abs("..")
	if err != nil {
		b.Fatal(err)
	}
	modCache := goEnvModCache(b)
	probe := build(b, Options{Roots: []string{root}, ModCache: modCache})
	cov := probe.DepCoverage()
	if len(cov.Modules) == 0 {
		b.Skipf("no dependency module of this repository in %s", modCache)
	}
	b.Logf("%d dependency modules, %d packages, %d files; %d missing", len(cov.Modules), cov.Packages, cov.Files, len(cov.Missing))
	run := func(b *testing.B, opts func() Options, check func(*Snapshot)) {
		start, n := cpuTime(), 0
		defer func() { reportCPU(b, start, n) }()
		for b.Loop() {
			n++
			s, err := New(opts()).Build(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			s.Registrations() // linking included: dependency packages link too
			if check != nil {
				check(s)
			}
		}
	}
	b.Run("off", func(b *testing.B) {
		run(b, func() Options { return Options{Roots: []string{root}, ModCache: NoDependencies} }, nil)
	})
	b.Run("cold", func(b *testing.B) {
		// An explicit module cache and no CacheDir: memory only, so every
		// iteration reads the dependencies again.
		run(b, func() Options { return Options{Roots: []string{root}, ModCache: modCache} }, func(s *Snapshot) {
			b.ReportMetric(float64(s.DepCoverage().FilesRead), "depfiles-read/op")
		})
	})
	b.Run("off-warm", func(b *testing.B) {
		cache := b.TempDir()
		build(b, Options{Roots: []string{root}, ModCache: NoDependencies, CacheDir: cache})
		run(b, func() Options { return Options{Roots: []string{root}, ModCache: NoDependencies, CacheDir: cache} }, nil)
	})
	b.Run("warm", func(b *testing.B) {
		cache := b.TempDir()
		build(b, Options{Roots: []string{root}, ModCache: modCache, CacheDir: cache}) // fills the cache
		run(b, func() Options { return Options{Roots: []string{root}, ModCache: modCache, CacheDir: cache} }, func(s *Snapshot) {
			n := s.DepCoverage().FilesRead
			if n != 0 {
				b.Fatalf("warm restart read %d dependency files", n)
			}
			if len(s.DepCoverage().Modules) != len(cov.Modules) {
				b.Fatalf("warm restart knows %d dependency modules, cold %d", len(s.DepCoverage().Modules), len(cov.Modules))
			}
			b.ReportMetric(float64(n), "depfiles-read/op")
		})
	})
}
