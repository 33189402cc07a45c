package lsp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
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
	if err := genNavWorkspace(dir, 20, 50, 10); err != nil {
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
		p, err := NewMapper(text, UTF16).Position(i + delta)
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
	proxy := startProxy(b)
	proxy.initialize(ctx, dir, nil)
	waitIndexReady(ctx, b, proxy)
	openDoc(proxy, uri, string(text), 1)

	// Pure query layer, in process, on an index built directly.
	snap := buildNavSnapshot(b, dir)
	snap.Registrations() // link the snapshot first: the proxy's diagnostics do that anyway
	t0 := time.Now()
	nx := buildNavIndex(snap)
	buildNav := time.Since(t0)
	fid, _ := snap.FileID(host)
	defOff := strings.Index(string(text), `"plugin-04242"`) + 3
	if ts, ok := nx.definition(fid, defOff); !ok || len(ts) != 2 {
		b.Fatalf("pure definition: %v %v", ts, ok)
	}
	if _, items, _, ok := nx.complete(fid, text, defOff+1); !ok || len(items) == 0 {
		b.Fatalf("pure completion: %v %v", items, ok)
	}
	pure := map[string][]time.Duration{}
	for i := 0; i < navBenchSamples; i++ {
		t := time.Now()
		nx.definition(fid, defOff)
		pure["definition/plugin-string(in-process)"] = append(pure["definition/plugin-string(in-process)"], time.Since(t))
		t = time.Now()
		nx.complete(fid, text, defOff+1)
		pure["completion/plugin-string(in-process)"] = append(pure["completion/plugin-string(in-process)"], time.Since(t))
	}

	// Warm up: gopls loads the workspace on the first requests.
	for _, r := range reqs {
		for i := 0; i < 5; i++ {
			if m, err := proxy.send(ctx, r.method, r.params); err != nil || m.error != nil {
				b.Fatalf("%s: %v %s", r.name, err, m.error)
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
				m, err := proxy.send(ctx, r.method, r.params)
				d := time.Since(t)
				if err != nil || m.error != nil {
					b.Fatalf("%s: %v %s", r.name, err, m.error)
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

// BenchmarkNavIndexBuild measures deriving the navigation index from a
// linked snapshot of the 10k-name workspace (once per snapshot, on the
// first navigation request after an edit).
func BenchmarkNavIndexBuild(b *testing.B) {
	dir := b.TempDir()
	if err := genNavWorkspace(dir, 20, 50, 10); err != nil {
		b.Fatal(err)
	}
	snap := buildNavSnapshot(b, dir)
	snap.Registrations()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buildNavIndex(snap)
	}
}

// BenchmarkNavIndexRebuild measures the navigation index build after an
// edit that renamed no plugin and kept the other files' linked objects,
// reusing the previous index's name lists and sites (what navCache does),
// next to a build from nothing in the same run.
func BenchmarkNavIndexRebuild(b *testing.B) {
	dir := b.TempDir()
	if err := genNavWorkspace(dir, 20, 50, 10); err != nil {
		b.Fatal(err)
	}
	snap := buildNavSnapshot(b, dir)
	snap.Registrations()
	_, prev := buildNavIndexFrom(snap, nil)
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			buildNavIndex(snap)
		}
	})
	b.Run("reusing", func(b *testing.B) {
		for b.Loop() {
			buildNavIndexFrom(snap, prev)
		}
	})
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

// genNavWorkspace writes a go.work workspace: a contract module with
// Register/Lookup over a map, mods modules of pkgs packages of files files,
// each file registering one plugin under a literal name (plugin-00000 …),
// and a host that links every package and looks one name up.
func genNavWorkspace(dir string, mods, pkgs, files int) error {
	write := func(rel, content string) error {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, []byte(content), 0o644)
	}
	use := []string{"./contract", "./host"}
	if err := write("contract/go.mod", "module example.com/contract\n\ngo 1.26\n"); err != nil {
		return err
	}
	if err := write("contract/contract.go", `// Package contract is the synthetic registry.
package contract

// Plugin is what every plugin implements.
type Plugin interface{ Setup() error }

var registry = map[string]Plugin{}

// Register adds a plugin.
func Register(name string, p Plugin) { registry[name] = p }

// Lookup returns a registered plugin.
func Lookup(name string) (Plugin, bool) { p, ok := registry[name]; return p, ok }
`); err != nil {
		return err
	}
	var imports []string
	n := 0
	for m := 0; m < mods; m++ {
		mod := fmt.Sprintf("mod%02d", m)
		use = append(use, "./"+mod)
		if err := write(mod+"/go.mod", "module example.com/"+mod+"\n\ngo 1.26\n\nrequire example.com/contract v0.0.0\n"); err != nil {
			return err
		}
		for p := 0; p < pkgs; p++ {
			pkg := fmt.Sprintf("p%02d", p)
			imports = append(imports, "example.com/"+mod+"/"+pkg)
			for f := 0; f < files; f++ {
				src := fmt.Sprintf(`package %s

import (
	"strings"

	"example.com/contract"
)

// T%d is plugin-%05d.
type T%d struct{ name string }

// Setup implements contract.Plugin.
func (t *T%d) Setup() error { return nil }

// Join%d joins non-empty parts.
func Join%d(in []string) string {
	var out []string
	for _, s := range in {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, ",")
}

func init() { contract.Register("plugin-%05d", &T%d{}) }
`, pkg, f, n, f, f, f, f, n, f)
				if err := write(fmt.Sprintf("%s/%s/f%02d.go", mod, pkg, f), src); err != nil {
					return err
				}
				n++
			}
		}
	}
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/contract\"\n")
	for _, ip := range imports {
		fmt.Fprintf(&b, "\t_ %q\n", ip)
	}
	b.WriteString(")\n\nfunc helper(n int) int { return n * 2 }\n\nfunc main() {\n\tp, ok := contract.Lookup(\"plugin-04242\")\n\tfmt.Println(p, ok, helper(3))\n}\n")
	var req strings.Builder
	req.WriteString("module example.com/host\n\ngo 1.26\n\nrequire example.com/contract v0.0.0\n")
	if err := write("host/go.mod", req.String()); err != nil {
		return err
	}
	if err := write("host/main.go", b.String()); err != nil {
		return err
	}
	work := "go 1.26\n\nuse (\n"
	for _, u := range use {
		work += "\t" + u + "\n"
	}
	return write("go.work", work+")\n")
}
