package index

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plugin-lsp/plugin-lsp/index/synth"
)

func seedRoot(t testing.TB) string {
	t.Helper()
	r, err := filepath.Abs("../testdata/index/seed")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func build(t testing.TB, opts Options) *Snapshot {
	t.Helper()
	s, err := New(opts).Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func rel(s *Snapshot, id FileID) string {
	for _, r := range s.Roots() {
		if q, err := filepath.Rel(r, s.Path(id)); err == nil && !strings.HasPrefix(q, "..") {
			return filepath.ToSlash(q)
		}
	}
	return s.Path(id)
}

// lookupKeys lists the snapshot's lookups as "registry:name", in order.
func lookupKeys(s *Snapshot) []string {
	var out []string
	for _, l := range s.Lookups() {
		out = append(out, l.Registry+":"+l.Name)
	}
	return out
}

var linuxAMD64 = BuildConfig{GOOS: "linux", GOARCH: "amd64", Tags: []string{"cgo"}}
var windowsAMD64 = BuildConfig{GOOS: "windows", GOARCH: "amd64", Tags: []string{"cgo"}}

func TestSeedRegistrations(t *testing.T) {
	s := build(t, Options{Roots: []string{seedRoot(t)}})
	reg := s.Registry("example.com/contract.Register")
	if reg == nil {
		t.Fatal("registry example.com/contract.Register not found")
	}
	if want := []string{"example.com/contract.Register", "example.com/contract.MustRegister"}; !slices.Equal(reg.Register, want) {
		t.Errorf("Register funcs = %v, want %v (the wrapper included)", reg.Register, want)
	}
	if want := []string{"example.com/contract.Lookup"}; !slices.Equal(reg.Lookup, want) {
		t.Errorf("Lookup funcs = %v, want %v", reg.Lookup, want)
	}
	if reg.Contract != "example.com/contract.Plugin" || reg.ContractDecl.IsZero() {
		t.Errorf("contract = %q decl %v, want example.com/contract.Plugin with a declaration", reg.Contract, reg.ContractDecl)
	}
	if !reg.PanicsOnDuplicate {
		t.Error("Register panics on duplicates; PanicsOnDuplicate = false")
	}
	if !slices.Contains(reg.Capabilities, "fmt") {
		t.Errorf("capabilities from .plugin-lsp.yaml missing: %v", reg.Capabilities)
	}
	type row struct {
		name, file, valueType, func_ string
		init, test                   bool
		declFile                     string
	}
	want := []row{
		{"alpha", "plugins/alpha/alpha.go", "example.com/alpha.Alpha", "example.com/contract.Register", true, false, ""},
		{"beta", "plugins/beta/beta.go", "*example.com/beta.Beta", "example.com/contract.MustRegister", true, false, "plugins/beta/names.go"},
		{"beta-linux", "plugins/beta/beta_linux.go", "*example.com/beta.Beta", "example.com/contract.Register", true, false, ""},
		{"beta-test", "plugins/beta/beta_test.go", "*example.com/beta.Beta", "example.com/contract.Register", false, true, ""},
		{"gamma", "plugins/gamma/gamma.go", "example.com/gamma.Gamma", "example.com/contract.Register", true, false, "contract/names/names.go"},
		{"gamma-win", "plugins/gamma/gamma_win.go", "example.com/gamma.Gamma", "example.com/contract.Register", true, false, ""},
		{"gamma-late", "plugins/gamma/gamma_win.go", "example.com/gamma.Gamma", "example.com/contract.Register", false, false, ""},
	}
	var got []row
	for _, r := range s.Registrations() {
		if r.Registry != reg.ID {
			continue
		}
		if !r.NameResolved {
			t.Errorf("%s: name %q not resolved", rel(s, r.File), r.Name)
		}
		d := ""
		if !r.NameDecl.IsZero() {
			d = rel(s, r.NameDecl.File)
		}
		got = append(got, row{r.Name, rel(s, r.File), r.ValueType, r.Func, r.InInit, r.IsTest, d})
	}
	if !slices.Equal(got, want) {
		t.Errorf("registrations:\n got %v\nwant %v", got, want)
	}
	if lookups, want := lookupKeys(s), []string{"example.com/contract.Register:alpha", "example.com/contract.Register:delta"}; !slices.Equal(lookups, want) {
		t.Errorf("lookups = %v, want %v", lookups, want)
	}
}

func TestSeedPositions(t *testing.T) {
	s := build(t, Options{Roots: []string{seedRoot(t)}})
	for _, r := range s.Registrations() {
		if r.Name != "alpha" {
			continue
		}
		if p := s.Position(r.NameRef); p != (Position{Line: 13, Col: 20}) {
			t.Errorf("alpha at %+v, want 13:20", p)
		}
		b, _ := s.Content(r.File)
		if got := string(b[r.NameRef.Span.Start:r.NameRef.Span.End]); got != `"alpha"` {
			t.Errorf("name span covers %q", got)
		}
	}
}

func TestSeedHostsPerConfig(t *testing.T) {
	s := build(t, Options{Roots: []string{seedRoot(t)}})
	var host *Host
	for _, h := range s.Hosts() {
		if h.ImportPath == "example.com/host" {
			host = h
		}
	}
	if host == nil {
		t.Fatal("host example.com/host not found")
	}
	for _, tc := range []struct {
		cfg  BuildConfig
		want []string
	}{
		{linuxAMD64, []string{"example.com/alpha", "example.com/beta", "example.com/gamma"}},
		{windowsAMD64, []string{"example.com/alpha", "example.com/gamma"}},
	} {
		if got := s.Links(host, tc.cfg); !slices.Equal(got, tc.want) {
			t.Errorf("%s: links %v, want %v", tc.cfg, got, tc.want)
		}
	}
	if got := s.ImportChain(host, "example.com/beta", linuxAMD64); !slices.Equal(got, []string{"example.com/host", "example.com/agg/all", "example.com/beta"}) {
		t.Errorf("chain to beta = %v", got)
	}
	if hs := s.HostsLinking("example.com/beta", windowsAMD64); len(hs) != 0 {
		t.Errorf("beta linked on windows by %v", hs)
	}
	for _, tc := range []struct {
		file string
		cfg  BuildConfig
		want bool
	}{
		{"plugins/beta/beta_linux.go", linuxAMD64, true},
		{"plugins/beta/beta_linux.go", windowsAMD64, false},
		{"plugins/gamma/gamma_win.go", windowsAMD64, true},
		{"plugins/gamma/gamma_win.go", linuxAMD64, false},
		{"agg/all/all_linux.go", linuxAMD64, true},
	} {
		id, ok := s.FileID(filepath.Join(seedRoot(t), tc.file))
		if !ok {
			t.Fatalf("%s not indexed", tc.file)
		}
		if got := s.FileBuilds(id, tc.cfg); got != tc.want {
			t.Errorf("FileBuilds(%s, %s) = %v, want %v", tc.file, tc.cfg, got, tc.want)
		}
	}
}

func TestSeedNativePlugins(t *testing.T) {
	root := seedRoot(t)
	s := build(t, Options{Roots: []string{root}})
	nps := s.NativePlugins()
	if len(nps) != 1 {
		t.Fatalf("native plugins = %d, want 1", len(nps))
	}
	np := nps[0]
	if np.Package != "example.com/native/greeter" || !slices.Contains(np.SOPaths, filepath.Join(root, "native/greeter.so")) ||
		!slices.Contains(np.SOPaths, filepath.Join(root, "native/extra.so")) {
		t.Errorf("native plugin = %+v", np)
	}
	syms := map[string]string{}
	for _, sym := range np.Symbols {
		syms[sym.Name] = sym.Kind.String() + " " + sym.Type
	}
	if syms["Greeting"] != "var string" || syms["Greet"] != "func func(name string) string" || syms["secret"] != "var int" {
		t.Errorf("symbols = %v", syms)
	}
	opens := s.Opens()
	if len(opens) != 1 || len(opens[0].Plugins) != 1 || opens[0].Plugins[0] != np {
		t.Fatalf("opens = %+v", opens)
	}
	var got []string
	for _, l := range opens[0].Lookups {
		got = append(got, l.Symbol+" "+l.Assert)
	}
	if want := []string{"Greeting *string", "Greet func(string) string"}; !slices.Equal(got, want) {
		t.Errorf("lookups = %v, want %v", got, want)
	}
	for _, h := range s.Hosts() {
		if h.ImportPath == "example.com/native/greeter" {
			t.Error("the plugin directory is listed as a host")
		}
	}
}

func TestSeedManifestsAndGraph(t *testing.T) {
	s := build(t, Options{Roots: []string{seedRoot(t)}})
	ms := s.Manifests()
	if len(ms) != 2 || ms[0].Name != "alpha" || ms[0].Version != "1.0.0" || ms[0].Package != "example.com/alpha" {
		t.Fatalf("manifests = %+v", ms)
	}
	if r := ms[0].Requires; len(r) != 1 || r[0].Name != "beta" || r[0].Constraint != ">=1.0.0" {
		t.Errorf("requires = %+v", r)
	}
	g := s.Graph()
	if len(g) != 1 || g[0].From != "example.com/alpha" || g[0].To != "example.com/beta" || g[0].Kind != EdgeRequires {
		t.Errorf("graph = %+v", g)
	}
}

func TestManifestErrorsAreFacts(t *testing.T) {
	for _, tc := range []struct{ src, wantErr string }{
		{"name: x\nversion: [1\n", "yaml"},
		{"- a\n- b\n", "not a YAML mapping"},
		{"name: x\nversion: 1.0.0\n", ""},
	} {
		m := parseManifest(1, "/m/plugin-manifest.yaml", []byte(tc.src))
		if (tc.wantErr == "") != (m.ParseErr == "") || !strings.Contains(m.ParseErr, tc.wantErr) {
			t.Errorf("%q: ParseErr %q, want containing %q", tc.src, m.ParseErr, tc.wantErr)
		}
	}
}

func TestSeedTrie(t *testing.T) {
	s := build(t, Options{Roots: []string{seedRoot(t)}})
	tr := s.Trie()
	var kinds []string
	for _, r := range tr.Exact("ALPHA") {
		kinds = append(kinds, rel(s, r.File)+":"+r.Kind.String())
	}
	sort.Strings(kinds)
	want := []string{"host/main.go:lookup", "plugins/alpha/alpha.go:plugin-name", "plugins/alpha/alpha.go:symbol", "plugins/alpha/plugin-manifest.yaml:manifest"}
	if !slices.Equal(kinds, want) {
		t.Errorf("Exact(ALPHA) = %v, want %v", kinds, want)
	}
	var names []string
	for _, e := range tr.Prefix("gam", 0) {
		names = append(names, e.Name)
	}
	if !slices.Contains(names, "gamma") || !slices.Contains(names, "gamma-win") || !slices.Contains(names, "Gamma") {
		t.Errorf("Prefix(gam) = %v", names)
	}
	if got := tr.Prefix("gam", 2); len(got) != 2 {
		t.Errorf("Prefix limit 2 gave %d", len(got))
	}
	if got := tr.Prefix("zzz", 0); len(got) != 0 {
		t.Errorf("Prefix(zzz) = %v", got)
	}
}

func TestTrie(t *testing.T) {
	words := []string{"alpha", "alphabet", "Alpine", "beta", "b", "", "bet", "alpha"}
	var items []trieItem
	for i, w := range words {
		items = append(items, trieItem{key: strings.ToLower(w), e: TrieEntry{Name: w, Ref: SymbolRef{File: FileID(i + 1)}}})
	}
	tr := newTrie(items)
	for _, tc := range []struct {
		q      string
		exact  int
		prefix []string
	}{
		{"alpha", 2, []string{"alpha", "alpha", "alphabet"}},
		{"ALP", 0, []string{"alpha", "alpha", "alphabet", "Alpine"}},
		{"b", 1, []string{"b", "bet", "beta"}},
		{"bet", 1, []string{"bet", "beta"}},
		{"betas", 0, nil},
		{"c", 0, nil},
	} {
		if got := len(tr.Exact(tc.q)); got != tc.exact {
			t.Errorf("Exact(%q) = %d refs, want %d", tc.q, got, tc.exact)
		}
		var got []string
		for _, e := range tr.Prefix(tc.q, 0) {
			got = append(got, e.Name)
		}
		if !slices.Equal(got, tc.prefix) {
			t.Errorf("Prefix(%q) = %v, want %v", tc.q, got, tc.prefix)
		}
	}
}

func TestBlankBodiesKeepsDeclarations(t *testing.T) {
	src := []byte(`package main

import "fmt"

type F func() interface{ M() }

func A(x int) interface{} { s := "}{"; _ = '}'; return fmt.Sprint(x, s, ` + "`}`" + `) }

// comment with }
func (T) B() struct{ X int } { return struct{ X int }{} }

var V = func() int { return 1 }()

func C[T any](t T) map[string]T {
	/* } */
	return nil
}

func main() {}
`)
	full := extractGo(src)
	out, kept, cuts := blankBodies(src, nil)
	if kept != 0 || len(cuts) < 4 {
		t.Fatalf("kept %d bodies, %d cuts:\n%s", kept, len(cuts), out)
	}
	for _, sym := range full.Symbols {
		if got := string(src[sym.Span.Start:sym.Span.End]); got != sym.Name {
			t.Errorf("span of %s covers %q in the original source", sym.Name, got)
		}
	}
	if full.ParseErr != "" {
		t.Fatalf("blanked source does not parse: %s\n%s", full.ParseErr, out)
	}
	var got []string
	for _, s := range full.Symbols {
		got = append(got, s.Kind.String()+" "+s.Name+" "+s.Type)
	}
	want := []string{"type F func() interface{ M() }", "func A func(x int) interface{}", "var V ", "func C func(t T) map[string]T", "func main func()"}
	if !slices.Equal(got, want) {
		t.Errorf("symbols = %q, want %q", got, want)
	}
}

func TestBuildCommandsInScripts(t *testing.T) {
	src := "all:\n\tcd plugins && $(GO) build -buildmode=plugin -trimpath -o ../out/a.so ./a\n# go build -buildmode=plugin -o x.so ./x\nb:\n\tgo build \\\n\t  -buildmode plugin ./b\n"
	cmds := scriptCommands(7, "/w/Makefile", []byte(src))
	var got []string
	for _, c := range cmds {
		got = append(got, fmt.Sprintf("%s|%s|%v|%v", c.Dir, c.Output, c.Args, c.Flags))
	}
	want := []string{"/w/plugins|../out/a.so|[./a]|[-trimpath]", "/w||[./b]|[]"}
	if !slices.Equal(got, want) {
		t.Errorf("commands = %q, want %q", got, want)
	}
}

func TestBrokenCodeStillGivesFacts(t *testing.T) {
	f := extractGo([]byte("package p\n\nimport \"example.com/contract\"\n\nfunc init() {\n\tcontract.Register(\"x\", T{}\n}\n"))
	if f.ParseErr == "" || f.Package != "p" || len(f.Imports) != 1 {
		t.Errorf("facts of broken file: err=%q pkg=%q imports=%d", f.ParseErr, f.Package, len(f.Imports))
	}
}

func TestGOROOTRegistries(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes all of GOROOT/src")
	}
	s := build(t, Options{Roots: []string{filepath.Join(runtime.GOROOT(), "src")}})
	names := map[string][]string{}
	for _, r := range s.Registrations() {
		if !r.IsTest {
			names[r.Registry] = append(names[r.Registry], r.Name)
		}
	}
	for _, tc := range []struct {
		registry string
		want     []string
	}{
		{"image.RegisterFormat", []string{"gif", "jpeg", "png"}},
		{"crypto.RegisterHash", []string{"crypto.MD5", "crypto.SHA1", "crypto.SHA256", "crypto.SHA512"}},
		{"expvar.Publish", []string{"cmdline", "memstats"}},
	} {
		for _, w := range tc.want {
			if !slices.Contains(names[tc.registry], w) {
				t.Errorf("%s: %q not found among %v", tc.registry, w, names[tc.registry])
			}
		}
	}
	sql := s.Registry("database/sql.Register")
	if sql == nil || sql.Decl.IsZero() || !sql.PanicsOnDuplicate {
		t.Errorf("database/sql.Register: %+v", sql)
	}
	var sqlTest int
	for _, r := range s.Registrations() {
		if r.Registry == "database/sql.Register" && r.IsTest {
			sqlTest++
		}
	}
	if sqlTest == 0 {
		t.Error("the fake sql drivers of database/sql's tests were not found")
	}
	// Every non-test registration of the standard library happens at init
	// time (the vendored dependencies of cmd, read as dependency modules,
	// are not the standard library).
	for _, r := range s.Registrations() {
		if !r.IsTest && !r.InInit && r.Registry != "expvar.Publish" && !s.IsDependency(r.File) {
			t.Errorf("%s: %s %q not at init time", rel(s, r.File), r.Registry, r.Name)
		}
	}
}

func TestTestpluginGroundTruth(t *testing.T) {
	root := filepath.Join(runtime.GOROOT(), "src/cmd/cgo/internal/testplugin/testdata")
	if _, err := os.Stat(root); err != nil {
		t.Skip("GOROOT has no testplugin sources")
	}
	s := build(t, Options{Roots: []string{root}})
	if m := s.Modules(); len(m) != 1 || m[0].Path != "testplugin" {
		t.Fatalf("modules = %+v, want the inferred module testplugin", m)
	}
	var lookups []string
	for _, o := range s.Opens() {
		if len(o.Plugins) == 0 {
			continue
		}
		for _, l := range o.Lookups {
			found := false
			for _, np := range o.Plugins {
				for _, sym := range np.Symbols {
					if sym.Name == l.Symbol && sym.Exported {
						found = true
					}
				}
			}
			if !found {
				t.Errorf("%s: Lookup(%q) not declared by %s", rel(s, l.File), l.Symbol, o.Path)
			}
			lookups = append(lookups, rel(s, l.File)+":"+l.Symbol)
		}
	}
	for _, w := range []string{"host/host.go:Seven", "host/host.go:ReadCommonX", "iface/main.go:G", "issue19418/main.go:Val", "issue25756/main.go:Run", "method2/main.go:F"} {
		if !slices.Contains(lookups, w) {
			t.Errorf("lookup %s not linked to a plugin (have %v)", w, lookups)
		}
	}
	// Different sources built to the same plugin.so pair with their host.
	for _, o := range s.Opens() {
		if o.Path == "plugin.so" && len(o.Plugins) != 1 {
			t.Errorf("%s: plugin.so resolves to %d plugins", rel(s, o.File), len(o.Plugins))
		}
	}
	var natives []string
	for _, np := range s.NativePlugins() {
		natives = append(natives, rel(s, np.Files[0]))
	}
	for _, w := range []string{"plugin1/plugin1.go", "sub/plugin1/plugin1.go", "unnamed1/main.go", "issue22175/plugin2.go", "issue25756/plugin/life.go"} {
		if !slices.Contains(natives, w) {
			t.Errorf("native plugin %s not found (have %v)", w, natives)
		}
	}
}

// TestIncrementalEqualsCold edits a copy of the seed workspace and checks
// after every step that the updated index dumps exactly like a cold build.
func TestIncrementalEqualsCold(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(seedRoot(t))); err != nil {
		t.Fatal(err)
	}
	ix := New(Options{Roots: []string{dir}})
	if _, err := ix.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	p := func(s string) string { return filepath.Join(dir, s) }
	write := func(name, content string) string {
		if err := os.MkdirAll(filepath.Dir(p(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p(name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p(name)
	}
	steps := []struct {
		name   string
		change func() []string
	}{
		{"edit a registration", func() []string {
			return []string{write("plugins/alpha/alpha.go", strings.Replace(readFile(t, p("plugins/alpha/alpha.go")), `"alpha"`, `"alpha2"`, 1))}
		}},
		{"edit a const in another package", func() []string {
			return []string{write("contract/names/names.go", "package names\n\nconst Gamma = \"gamma9\"\n\nconst GammaAlias = Gamma\n")}
		}},
		{"delete a file", func() []string {
			os.Remove(p("plugins/beta/beta_linux.go"))
			return []string{p("plugins/beta/beta_linux.go")}
		}},
		{"rename a file", func() []string {
			os.Rename(p("plugins/gamma/gamma_win.go"), p("plugins/gamma/gamma_windows.go"))
			return []string{p("plugins/gamma/gamma_win.go"), p("plugins/gamma/gamma_windows.go")}
		}},
		{"add a file", func() []string {
			return []string{write("plugins/alpha/extra.go", "package alpha\n\nimport \"example.com/contract\"\n\nfunc init() { contract.Register(\"alpha-extra\", Alpha{}) }\n")}
		}},
		{"add a package directory", func() []string {
			write("plugins/alpha/sub/sub.go", "package sub\n\nimport \"example.com/contract\"\n\ntype S struct{}\n\nfunc (S) Setup() error { return nil }\n\nfunc init() { contract.Register(\"sub\", S{}) }\n")
			return []string{p("plugins/alpha/sub")}
		}},
		{"break a file", func() []string {
			return []string{write("plugins/alpha/alpha.go", "package alpha\n\nfunc init() {\n")}
		}},
		{"remove a directory", func() []string {
			os.RemoveAll(p("plugins/alpha/sub"))
			return []string{p("plugins/alpha/sub")}
		}},
		{"edit the Makefile", func() []string {
			return []string{write("native/Makefile", "all:\n\tgo build -buildmode=plugin -o other.so ./greeter\n")}
		}},
		{"edit go.work", func() []string {
			return []string{write("go.work", strings.Replace(readFile(t, p("go.work")), "\t./plugins/gamma\n", "", 1))}
		}},
	}
	for _, st := range steps {
		ix.DiskChanged(st.change()...)
		inc := ix.Flush()
		cold := build(t, Options{Roots: []string{dir}})
		if a, b := dump(inc), dump(cold); a != b {
			t.Fatalf("%s: incremental differs from cold:\n%s", st.name, diffLines(a, b))
		}
	}
	// An overlay wins over the disk, and clearing it returns to the disk.
	ov := ix.SetOverlay(p("plugins/beta/beta.go"), []byte("package beta\n\nimport \"example.com/contract\"\n\nfunc init() { contract.Register(\"from-editor\", nil) }\n"))
	found := false
	for _, r := range ov.Registrations() {
		found = found || r.Name == "from-editor"
	}
	if !found {
		t.Error("overlay registration not indexed")
	}
	back := ix.ClearOverlay(p("plugins/beta/beta.go"))
	if a, b := dump(back), dump(build(t, Options{Roots: []string{dir}})); a != b {
		t.Errorf("after ClearOverlay:\n%s", diffLines(a, b))
	}
}

func readFile(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func dump(s *Snapshot) string {
	var b bytes.Buffer
	s.Dump(&b)
	return b.String()
}

func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, "- "+x, "+ "+y)
		}
		if len(out) > 20 {
			break
		}
	}
	return strings.Join(out, "\n")
}

// TestSynthWorkspace: every registration the generator writes is found and
// linked into the host.
func TestSynthWorkspace(t *testing.T) {
	dir := t.TempDir()
	res, err := synth.Generate(dir, synth.Spec{Files: 300})
	if err != nil {
		t.Fatal(err)
	}
	s := build(t, Options{Roots: []string{dir}})
	n := 0
	for _, r := range s.Registrations() {
		if r.Registry == "example.com/contract.Register" && r.NameResolved && r.InInit {
			n++
		}
	}
	if n != res.Registrations {
		t.Errorf("found %d registrations, generator wrote %d", n, res.Registrations)
	}
	var host *Host
	for _, h := range s.Hosts() {
		if h.ImportPath == "example.com/host" {
			host = h
		}
	}
	if host == nil || len(s.Links(host, linuxAMD64)) == 0 {
		t.Fatalf("host does not link the plugins: %v", host)
	}
	if len(s.NativePlugins()) != 1 || len(s.Opens()) != 1 || len(s.Opens()[0].Plugins) != 1 {
		t.Errorf("native plugin not linked: %d plugins, opens %+v", len(s.NativePlugins()), s.Opens())
	}
}

func TestStringParams(t *testing.T) {
	for _, tc := range []struct {
		h    string
		want []string
	}{
		{"func Register(name string, p Plugin)", []string{"name"}},
		{"func F(a, b string, c int)", []string{"b", "a"}},
		{"func (r *R) Add(key string)", []string{"key"}},
		{"func G(x int) string", nil},
	} {
		if got := stringParams([]byte(tc.h)); !slices.Equal(got, tc.want) {
			t.Errorf("stringParams(%q) = %q, want %q", tc.h, got, tc.want)
		}
	}
}

// TestPresets checks the preset registries on small stand-ins for Caddy,
// CoreDNS, Telegraf and the standard library registries.
func TestPresets(t *testing.T) {
	root, _ := filepath.Abs("../testdata/index/presets")
	s := build(t, Options{Roots: []string{root}})
	type row struct{ registry, name, file string }
	var got []row
	for _, r := range s.Registrations() {
		if !r.NameResolved {
			t.Errorf("%s: %s name %q not resolved", rel(s, r.File), r.Registry, r.Name)
		}
		got = append(got, row{r.Registry, r.Name, rel(s, r.File)})
	}
	want := []row{
		{"github.com/caddyserver/caddy/v2.RegisterModule", "http.handlers.hello", "caddymod/handler.go"},
		{"github.com/caddyserver/caddy/v2.RegisterModule", "http.handlers.other", "caddymod/handler.go"},
		{"github.com/coredns/caddy.RegisterPlugin", "whoami", "coredns/plugin/whoami/setup.go"},
		{"database/sql.Register", "fakedb", "sqluser/driver.go"},
		{"encoding/gob.Register", "example.com/sqluser.Point", "sqluser/driver.go"},
		{"encoding/gob.RegisterName", "point.v1", "sqluser/driver.go"},
		{"expvar.Publish", "requests", "sqluser/driver.go"},
		{"image.RegisterFormat", "fake", "sqluser/driver.go"},
		{"github.com/influxdata/telegraf/plugins/inputs.Add", "cpu", "telegraf/plugins/inputs/cpu/cpu.go"},
		{"github.com/influxdata/telegraf/plugins/inputs.Add", "cpu", "telegraf/plugins/inputs/cpu/cpu_windows.go"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("registrations:\n got %v\nwant %v", got, want)
	}
	if lookups, want := lookupKeys(s), []string{"database/sql.Register:fakedb", "database/sql.Register:fakdb"}; !slices.Equal(lookups, want) {
		t.Errorf("lookups = %v, want %v", lookups, want)
	}
	// The two cpu registrations never build together.
	var files []FileID
	for _, r := range s.Registrations() {
		if r.Name == "cpu" {
			files = append(files, r.File)
		}
	}
	for _, cfg := range s.Configs() {
		if len(files) == 2 && s.FileBuilds(files[0], cfg) && s.FileBuilds(files[1], cfg) {
			t.Errorf("both cpu registrations build under %s", cfg)
		}
	}
}

// TestExtractNeverFails feeds truncated and mangled real files to the
// extractor: it must return facts (maybe with ParseErr), never panic.
func TestExtractNeverFails(t *testing.T) {
	files := goFiles(filepath.Join(runtime.GOROOT(), "src/database/sql"))
	files = append(files, goFiles(filepath.Join(runtime.GOROOT(), "src/cmd/cgo/internal/testplugin"))...)
	for _, p := range files {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, cut := range []int{len(src) / 3, len(src) / 2, len(src) - 1} {
			if cut <= 0 {
				continue
			}
			f := extractGo(src[:cut])
			if strings.Contains(f.ParseErr, "internal error") {
				t.Errorf("%s cut at %d: %s", p, cut, f.ParseErr)
			}
			mangled := bytes.ReplaceAll(src[:cut], []byte("}"), []byte("{"))
			if f := extractGo(mangled); strings.Contains(f.ParseErr, "internal error") {
				t.Errorf("%s mangled: %s", p, f.ParseErr)
			}
		}
	}
	for _, src := range []string{"", "package", "package p; func (", "package p\nfunc F() {\n\t`", "package p\nvar x = T{\"Register\"", "\x00\xff{}}}{{"} {
		extractGo([]byte(src))
		parseManifest(1, "/m.yaml", []byte(src))
		parseConfig([]byte(src))
		scriptCommands(1, "/Makefile", []byte(src))
	}
}

// TestDroppedDeclarations: outside package main, methods and unexported
// functions are left out of the parse; what remains keeps exact offsets.
func TestDroppedDeclarations(t *testing.T) {
	src := []byte(`/* header */
package lib

import "example.com/contract"

type T struct{}

func (T) Method() { work() }

func helper() { work() }

// Exported stays.
func Exported(x int) int { return x }

func (T) CaddyModule() caddy.ModuleInfo { return caddy.ModuleInfo{ID: "a.b"} }

func init() { contract.Register("lib", T{}) }

const Name = "lib"
`)
	if got := packageClause(src); got != "lib" {
		t.Fatalf("packageClause = %q", got)
	}
	f := extractGo(src)
	if f.ParseErr != "" {
		t.Fatal(f.ParseErr)
	}
	var names []string
	for _, s := range f.Symbols {
		names = append(names, s.Name)
		if got := string(src[s.Span.Start:s.Span.End]); got != s.Name {
			t.Errorf("span of %s covers %q", s.Name, got)
		}
	}
	if want := []string{"T", "Exported", "Name"}; !slices.Equal(names, want) {
		t.Errorf("symbols = %v, want %v", names, want)
	}
	if f.ModuleIDs["T"] != "a.b" || len(f.Calls) != 1 || f.Calls[0].Args[0].Lit != "lib" {
		t.Errorf("ModuleIDs %v, calls %+v", f.ModuleIDs, f.Calls)
	}
	if got := string(src[f.Calls[0].Args[0].Span.Start:f.Calls[0].Args[0].Span.End]); got != `"lib"` {
		t.Errorf("call argument span covers %q", got)
	}
}

// TestRootsAndOptions: several roots, SetRoots, progress reports and a
// broken .plugin-lsp.yaml kept as a fact.
func TestRootsAndOptions(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for dir, mod := range map[string]string{a: "example.com/a", b: "example.com/b"} {
		os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module "+mod+"\n\ngo 1.26\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644)
	}
	os.WriteFile(filepath.Join(b, ".plugin-lsp.yaml"), []byte("registries: [\n"), 0o644)
	var calls atomic.Int64
	ix := New(Options{Roots: []string{a, b}, Progress: func(done, total int) { calls.Add(1) }})
	s, err := ix.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var mods []string
	for _, m := range s.Modules() {
		mods = append(mods, m.Path)
		if m.Path == "example.com/b" && (m.Config == nil || m.Config.Err == "") {
			t.Errorf("broken config not reported: %+v", m.Config)
		}
	}
	if !slices.Equal(mods, []string{"example.com/a", "example.com/b"}) && !slices.Equal(mods, []string{"example.com/b", "example.com/a"}) {
		t.Errorf("modules = %v", mods)
	}
	if calls.Load() == 0 {
		t.Error("Progress never called")
	}
	if len(s.Hosts()) != 2 {
		t.Errorf("hosts = %d, want 2", len(s.Hosts()))
	}
	ix.SetRoots([]string{a})
	s = ix.Flush()
	if len(s.Modules()) != 1 || len(s.Hosts()) != 1 || s.Hosts()[0].ImportPath != "example.com/a" {
		t.Errorf("after SetRoots: modules %d hosts %d", len(s.Modules()), len(s.Hosts()))
	}
	if _, err := New(Options{Roots: []string{filepath.Join(a, "missing")}}).Build(context.Background()); err == nil {
		t.Error("a missing root gives no error")
	}
}

// TestBuildCancelled: Build stops with its context.
func TestBuildCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New(Options{Roots: []string{seedRoot(t)}}).Build(ctx); err == nil {
		t.Error("Build with a cancelled context returned no error")
	}
}

// TestDiskCacheWarmStart: a second Build with the same CacheDir reuses the
// facts of unchanged files, re-extracts changed ones, and the result dumps
// exactly like a build without cache.
func TestDiskCacheWarmStart(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(seedRoot(t))); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	first := build(t, Options{Roots: []string{dir}, CacheDir: cache})
	if ents, _ := os.ReadDir(cache); len(ents) != 1 {
		t.Fatalf("cache dir holds %d files, want 1", len(ents))
	}
	if a, b := dump(first), dump(build(t, Options{Roots: []string{dir}})); a != b {
		t.Fatalf("first build with cache differs:\n%s", diffLines(a, b))
	}
	// Change one file (same size, so only the mtime tells).
	p := filepath.Join(dir, "plugins/alpha/alpha.go")
	src := readFile(t, p)
	os.WriteFile(p, []byte(strings.Replace(src, `"alpha"`, `"ALPHA"`, 1)), 0o644)
	later := time.Now().Add(2 * time.Second)
	os.Chtimes(p, later, later)
	warm := build(t, Options{Roots: []string{dir}, CacheDir: cache})
	if a, b := dump(warm), dump(build(t, Options{Roots: []string{dir}})); a != b {
		t.Fatalf("warm build differs from a cold one:\n%s", diffLines(a, b))
	}
	found := false
	for _, r := range warm.Registrations() {
		found = found || r.Name == "ALPHA"
	}
	if !found {
		t.Error("the changed file was served from the stale cache")
	}
	// A corrupt cache is ignored.
	ents, _ := os.ReadDir(cache)
	os.WriteFile(filepath.Join(cache, ents[0].Name()), []byte("not gob"), 0o644)
	if a, b := dump(build(t, Options{Roots: []string{dir}, CacheDir: cache})), dump(warm); a != b {
		t.Errorf("build with a corrupt cache differs:\n%s", diffLines(a, b))
	}
}
