package index

// Benchmarks. Each measures plugin-lsp's index next to a baseline over the
// same files in the same run, so the ratio survives a noisy shared machine:
//
//	go test -run '^$' -bench . -benchtime 3x ./index
//
// Results and the machine they came from are in docs/index.md.

import (
	"context"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/plugin-lsp/plugin-lsp/index/synth"
)

var synthOnce sync.Once
var synthDir string
var synthRes synth.Result

// synth10k generates the 10k-file workspace once per test binary.
func synth10k(b testing.TB) (string, synth.Result) {
	synthOnce.Do(func() {
		d, err := os.MkdirTemp("", "plsp-synth-")
		if err != nil {
			b.Fatal(err)
		}
		synthDir = d
		synthRes, err = synth.Generate(d, synth.Spec{Files: 10000})
		if err != nil {
			b.Fatal(err)
		}
	})
	return synthDir, synthRes
}

func TestMain(m *testing.M) {
	code := m.Run()
	if synthDir != "" {
		os.RemoveAll(synthDir)
	}
	os.Exit(code)
}

// goFiles lists the .go files the index would read under root (same skips).
func goFiles(root string) []string {
	var out []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && p != root && skipDir(d.Name()) {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// parseAll is the baseline: read and go/parser.ParseFile every file (full
// parse, SkipObjectResolution) with the same number of workers as the index.
func parseAll(files []string, mode parser.Mode) {
	workers := max(1, min(8, runtime.GOMAXPROCS(0)))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				b, err := os.ReadFile(files[i])
				if err != nil {
					continue
				}
				parser.ParseFile(token.NewFileSet(), files[i], b, mode)
			}
		})
	}
	wg.Wait()
}

// cpuTime is the process's user+system CPU time: on a shared machine it is
// less distorted by other processes than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds a cpu-ms/op metric to a benchmark loop.
func reportCPU(b *testing.B, start time.Duration, n int) {
	b.ReportMetric(float64((cpuTime()-start).Microseconds())/1000/float64(max(n, 1)), "cpu-ms/op")
}

func benchCold(b *testing.B, root string) {
	files := goFiles(root)
	modCache := goEnvModCache(b)
	b.Run("index", func(b *testing.B) {
		start, n := cpuTime(), 0
		defer func() { reportCPU(b, start, n) }()
		for b.Loop() {
			n++
			// The files the baselines parse: no dependency module (GOROOT's
			// are cmd/vendor and vendor, which they skip).
			ix := New(Options{Roots: []string{root}, ModCache: NoDependencies})
			s, err := ix.Build(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			s.Registrations() // linking is part of a usable cold start
			s.Trie()
		}
		b.ReportMetric(float64(len(files)), "files")
	})
	b.Run("index-deps", func(b *testing.B) {
		// With dependency reading, nothing cached (an explicit module cache
		// and no CacheDir keep dependency facts in memory only).
		start, n := cpuTime(), 0
		defer func() { reportCPU(b, start, n) }()
		depFiles := 0
		for b.Loop() {
			n++
			ix := New(Options{Roots: []string{root}, ModCache: modCache})
			s, err := ix.Build(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			s.Registrations() // linking is part of a usable cold start
			s.Trie()
			depFiles = s.DepCoverage().FilesRead
		}
		b.ReportMetric(float64(depFiles), "depfiles")
	})
	b.Run("baseline-parse-full", func(b *testing.B) {
		start, n := cpuTime(), 0
		defer func() { reportCPU(b, start, n) }()
		for b.Loop() {
			n++
			parseAll(files, parser.SkipObjectResolution)
		}
	})
	b.Run("baseline-parse-imports", func(b *testing.B) {
		start, n := cpuTime(), 0
		defer func() { reportCPU(b, start, n) }()
		for b.Loop() {
			n++
			parseAll(files, parser.SkipObjectResolution|parser.ImportsOnly)
		}
	})
}

func BenchmarkColdGOROOT(b *testing.B) { benchCold(b, filepath.Join(runtime.GOROOT(), "src")) }

// BenchmarkWarm10k: Build with Options.CacheDir after a previous run wrote
// the cache (an editor restart), next to a cold Build in the same run.
func BenchmarkWarm10k(b *testing.B) {
	dir, _ := synth10k(b)
	cache := b.TempDir()
	if _, err := New(Options{Roots: []string{dir}, CacheDir: cache}).Build(context.Background()); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		cache string
	}{{"warm-cache", cache}, {"baseline-cold", ""}} {
		b.Run(tc.name, func(b *testing.B) {
			start, n := cpuTime(), 0
			defer func() { reportCPU(b, start, n) }()
			for b.Loop() {
				n++
				s, err := New(Options{Roots: []string{dir}, CacheDir: tc.cache}).Build(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				s.Registrations()
			}
		})
	}
}

func BenchmarkCold10k(b *testing.B) {
	dir, _ := synth10k(b)
	benchCold(b, dir)
}

func percentile(d []time.Duration, p float64) time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[min(len(d)-1, int(float64(len(d))*p))]
}

// BenchmarkUpdate10k: one file edited in the editor (SetOverlay), in a 10k
// file workspace. "overlay" is what a keystroke costs (new snapshot with the
// file re-extracted); "overlay+link" also relinks (registrations, hosts) and
// rebuilds the trie, what the debounced diagnostics pass pays once per burst.
// The baseline is go/parser on that one file.
func BenchmarkUpdate10k(b *testing.B) {
	dir, res := synth10k(b)
	ix := New(Options{Roots: []string{dir}})
	if _, err := ix.Build(context.Background()); err != nil {
		b.Fatal(err)
	}
	// A file that registers a plugin.
	var path string
	var src []byte
	for _, p := range res.Paths {
		c, _ := os.ReadFile(p)
		if strings.Contains(string(c), "contract.Register(") {
			path, src = p, c
			break
		}
	}
	edit := func(i int) []byte {
		return []byte(strings.Replace(string(src), "func init() {", fmt.Sprintf("func init() {\n\t_ = %d", i), 1))
	}
	run := func(b *testing.B, f func(i int)) {
		var lat []time.Duration
		i := 0
		for b.Loop() {
			t := time.Now()
			f(i)
			lat = append(lat, time.Since(t))
			i++
		}
		b.ReportMetric(float64(percentile(lat, 0.50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(percentile(lat, 0.95).Microseconds())/1000, "p95-ms")
	}
	b.Run("overlay", func(b *testing.B) {
		run(b, func(i int) { ix.SetOverlay(path, edit(i)) })
	})
	b.Run("overlay+registrations", func(b *testing.B) {
		run(b, func(i int) { ix.SetOverlay(path, edit(i)).Registrations() })
	})
	b.Run("overlay+link", func(b *testing.B) {
		run(b, func(i int) {
			s := ix.SetOverlay(path, edit(i))
			s.Registrations()
			s.Trie()
		})
	})
	b.Run("baseline-parse-one-file", func(b *testing.B) {
		run(b, func(i int) { parser.ParseFile(token.NewFileSet(), path, edit(i), parser.SkipObjectResolution) })
	})
}

// BenchmarkPrefix10k: prefix queries over a trie of 10k names; the baseline
// is a linear scan with strings.HasPrefix over the same lower-cased names.
func BenchmarkPrefix10k(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	var items []trieItem
	var keys []string
	letters := "abcdefghijklmnopqrstuvwxyz-_."
	for i := 0; i < 10000; i++ {
		n := 4 + rng.Intn(16)
		var sb strings.Builder
		for j := 0; j < n; j++ {
			sb.WriteByte(letters[rng.Intn(len(letters))])
		}
		k := sb.String()
		keys = append(keys, k)
		items = append(items, trieItem{key: k, e: TrieEntry{Name: k, Ref: SymbolRef{File: FileID(i%500 + 1), Span: Span{i, i + n}}}})
	}
	tr := newTrie(items)
	queries := make([]string, 1000)
	for i := range queries {
		k := keys[rng.Intn(len(keys))]
		queries[i] = k[:1+rng.Intn(3)]
	}
	run := func(b *testing.B, f func(q string) int) {
		var lat []time.Duration
		i := 0
		for b.Loop() {
			t := time.Now()
			f(queries[i%len(queries)])
			lat = append(lat, time.Since(t))
			i++
		}
		b.ReportMetric(float64(percentile(lat, 0.99).Nanoseconds())/1e6, "p99-ms")
	}
	b.Run("trie", func(b *testing.B) { run(b, func(q string) int { return len(tr.Prefix(q, 100)) }) })
	b.Run("baseline-scan", func(b *testing.B) {
		run(b, func(q string) int {
			n := 0
			for _, k := range keys {
				if strings.HasPrefix(k, q) {
					n++
					if n == 100 {
						break
					}
				}
			}
			return n
		})
	})
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkHeap10k reports the heap a built, linked index of the 10k-file
// workspace keeps (MemStats.HeapAlloc after GC, before/after), next to the
// heap that keeping go/parser ASTs of the same files would take.
func BenchmarkHeap10k(b *testing.B) {
	dir, res := synth10k(b)
	b.Run("index", func(b *testing.B) {
		for b.Loop() {
			before := heapInUse()
			ix := New(Options{Roots: []string{dir}})
			s, err := ix.Build(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			s.Registrations()
			s.Trie()
			after := heapInUse()
			b.ReportMetric(float64(after-before)/(1<<20), "heap-MB")
			runtime.KeepAlive(s)
			runtime.KeepAlive(ix)
		}
	})
	b.Run("baseline-asts", func(b *testing.B) {
		for b.Loop() {
			before := heapInUse()
			fset := token.NewFileSet()
			var keep []any
			for _, p := range res.Paths {
				src, _ := os.ReadFile(p)
				f, _ := parser.ParseFile(fset, p, src, parser.SkipObjectResolution)
				keep = append(keep, f)
			}
			after := heapInUse()
			b.ReportMetric(float64(after-before)/(1<<20), "heap-MB")
			runtime.KeepAlive(keep)
		}
	})
}
