package lsp

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/lsp/internal/navtest"
	"github.com/plugin-lsp/plugin-lsp/lsp/navigation"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// BenchmarkNavigation measures definition and completion on a plugin
// string through plugin-lsp (stdio, real gopls behind it) in a synthetic
// workspace of 10k Go files registering 10k plugin names, next to gopls's
// own definition and completion on ordinary Go identifiers in the same
// run (forwarded by plugin-lsp), and the in-process query times. Run with
// -benchtime=1x: one iteration takes navBenchSamples samples of each and
// reports p50/p99 in microseconds.
//
//	go test -run '^$' -bench BenchmarkNavigation -benchtime=1x ./lsp
func BenchmarkNavigation(b *testing.B) {
	dir := b.TempDir()
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	if err := navtest.Generate(dir, 20, 50, 10); err != nil {
		b.Fatal(err)
	}
	host := filepath.Join(dir, "host", "main.go")
	text, err := os.ReadFile(host)
	if err != nil {
		b.Fatal(err)
	}
	pos := func(marker string, delta int) protocol.Position {
		i := strings.Index(string(text), marker)
		if i < 0 {
			b.Fatalf("no %q in host", marker)
		}
		p, err := proxy.NewMapper(text, proxy.UTF16).Position(i + delta)
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	uri := fileURI(host)
	doc := map[string]any{"uri": uri}
	reqs := []struct {
		name, method string
		params       any
	}{
		{"definition/plugin-string", "textDocument/definition", map[string]any{"textDocument": doc, "position": pos(`"plugin-04242"`, 3)}},
		{"completion/plugin-string", "textDocument/completion", map[string]any{"textDocument": doc, "position": pos(`"plugin-04242"`, 4)}},
		{"definition/go-identifier(gopls)", "textDocument/definition", map[string]any{"textDocument": doc, "position": pos("helper(", 2)}},
		{"completion/go-identifier(gopls)", "textDocument/completion", map[string]any{"textDocument": doc, "position": pos("contract.Lookup(\"plugin-04242\")", len("contract.Lo"))}},
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	srv := startProxy(b)
	srv.initialize(ctx, dir, nil)
	waitIndexReady(ctx, b, srv)
	openDoc(srv, uri, string(text), 1)

	// Pure query layer, in process, on an index built directly.
	snap := navtest.Snapshot(b, dir)
	snap.Registrations() // link the snapshot first: the proxy's diagnostics do that anyway
	t0 := time.Now()
	nx := new(navigation.Cache).Get(snap)
	buildNav := time.Since(t0)
	fid, _ := snap.FileID(host)
	defOff := strings.Index(string(text), `"plugin-04242"`) + 3
	if ts, ok := nx.Definition(fid, defOff); !ok || len(ts) != 2 {
		b.Fatalf("pure definition: %v %v", ts, ok)
	}
	if _, items, _, ok := nx.Complete(fid, text, defOff+1); !ok || len(items) == 0 {
		b.Fatalf("pure completion: %v %v", items, ok)
	}
	pure := map[string][]time.Duration{}
	for i := 0; i < navBenchSamples; i++ {
		t := time.Now()
		nx.Definition(fid, defOff)
		pure["definition/plugin-string(in-process)"] = append(pure["definition/plugin-string(in-process)"], time.Since(t))
		t = time.Now()
		nx.Complete(fid, text, defOff+1)
		pure["completion/plugin-string(in-process)"] = append(pure["completion/plugin-string(in-process)"], time.Since(t))
	}

	// Warm up: gopls loads the workspace on the first requests.
	for _, r := range reqs {
		for i := 0; i < 5; i++ {
			if m, err := srv.send(ctx, r.method, r.params); err != nil || m.Error != nil {
				b.Fatalf("%s: %v %s", r.name, err, m.Error)
			}
		}
	}
	b.ResetTimer()
	lat := map[string][]time.Duration{}
	// One request kind at a time (ours first, then gopls's), so that
	// gopls's background work after its own requests does not land in
	// our samples more than the machine's other load does.
	for n := 0; n < b.N; n++ {
		for _, r := range reqs {
			for i := 0; i < navBenchSamples; i++ {
				t := time.Now()
				m, err := srv.send(ctx, r.method, r.params)
				d := time.Since(t)
				if err != nil || m.Error != nil {
					b.Fatalf("%s: %v %s", r.name, err, m.Error)
				}
				lat[r.name] = append(lat[r.name], d)
			}
		}
	}
	b.StopTimer()
	for k, v := range pure {
		lat[k] = v
	}
	names := make([]string, 0, len(lat))
	for k := range lat {
		names = append(names, k)
	}
	sort.Strings(names)
	b.Logf("workspace: %d Go files, %d plugin names; index snapshot files %d; nav index build %v", navBenchFiles, navBenchFiles, len(snap.Files()), buildNav)
	for _, k := range names {
		p50, p99 := percentile(lat[k], 50), percentile(lat[k], 99)
		b.Logf("%-40s n=%4d p50 %8.1fµs p99 %8.1fµs", k, len(lat[k]), us(p50), us(p99))
		metric := strings.NewReplacer("/", "-", "(", "-", ")", "").Replace(k)
		b.ReportMetric(us(p50), metric+"-p50-µs")
		b.ReportMetric(us(p99), metric+"-p99-µs")
	}
}

const (
	navBenchSamples = 300
	navBenchFiles   = 20 * 50 * 10
)

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 }

func percentile(ds []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	if i > 0 {
		i--
	}
	return s[i]
}
