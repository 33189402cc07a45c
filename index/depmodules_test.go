package index

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeTree writes files (slash paths relative to root) under root.
func writeTree(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// depFixture is a fake module cache (real layout: escaped path@version)
// and a workspace whose host imports packages of it.
func depFixture(t testing.TB) (ws, modCache string) {
	t.Helper()
	tmp := t.TempDir()
	if d, err := filepath.EvalSymlinks(tmp); err == nil {
		tmp = d
	}
	ws, modCache = filepath.Join(tmp, "ws"), filepath.Join(tmp, "modcache")
	writeTree(t, modCache, map[string]string{
		"github.com/lib/pq@v1.10.9/go.mod": "module github.com/lib/pq\n\ngo 1.13\n",
		"github.com/lib/pq@v1.10.9/conn.go": `package pq

import (
	"database/sql"
	"database/sql/driver"
)

// Driver is the Postgres driver.
type Driver struct{}

func (d *Driver) Open(name string) (driver.Conn, error) { return nil, nil }

func init() {
	sql.Register("postgres", &Driver{})
}
`,
		"github.com/lib/pq@v1.10.9/conn_test.go": "package pq\n\nimport \"database/sql\"\n\nfunc init() { sql.Register(\"postgres-test\", &Driver{}) }\n",
		"github.com/lib/pq@v1.10.9/oid/types.go": "package oid\n\n// Oid is never imported by the workspace.\ntype Oid uint32\n",
		// An upper-case module path is escaped in the cache ("!acme").
		"github.com/!acme/plugins@v1.0.0/go.mod": "module github.com/Acme/plugins\n\ngo 1.21\n\nrequire github.com/acme/extra v0.2.0\n",
		"github.com/!acme/plugins@v1.0.0/registry/registry.go": `package registry

// Codec encodes.
type Codec interface{ Encode(v any) ([]byte, error) }

var codecs = map[string]Codec{}

// Register adds a codec.
func Register(name string, c Codec) {
	if _, dup := codecs[name]; dup {
		panic("duplicate codec " + name)
	}
	codecs[name] = c
}

// Get returns a codec.
func Get(name string) Codec { return codecs[name] }
`,
		"github.com/!acme/plugins@v1.0.0/builtin/json.go": `package builtin

import "github.com/Acme/plugins/registry"

type jsonCodec struct{}

func (jsonCodec) Encode(v any) ([]byte, error) { return nil, nil }

func init() { registry.Register("json", jsonCodec{}) }
`,
		"github.com/!acme/plugins@v1.0.0/all/all.go": `// Package all links every built-in codec.
package all

import (
	_ "github.com/Acme/plugins/builtin"
	_ "github.com/acme/extra/yaml"
)
`,
		// Required only by the dependency's own go.mod.
		"github.com/acme/extra@v0.2.0/yaml/yaml.go": `package yaml

import "github.com/Acme/plugins/registry"

type codec struct{}

func (codec) Encode(v any) ([]byte, error) { return nil, nil }

func init() { registry.Register("yaml", codec{}) }
`,
	})
	writeTree(t, ws, map[string]string{
		"go.mod": `module example.com/app

go 1.26

require (
	example.com/missing v0.1.0
	github.com/Acme/plugins v1.0.0
	github.com/lib/pq v1.10.9
)
`,
		"main.go": `package main

import (
	"database/sql"

	"example.com/missing/x"
	"github.com/Acme/plugins/registry"
	_ "github.com/Acme/plugins/all"
	_ "github.com/lib/pq"
)

func main() {
	db, _ := sql.Open("postgres", "")
	_ = db
	_ = registry.Get("json")
	x.Do()
}
`,
	})
	return ws, modCache
}

func TestDependencyModules(t *testing.T) {
	ws, modCache := depFixture(t)
	s := build(t, Options{Roots: []string{ws}, ModCache: modCache})
	var regs []string
	for _, r := range s.Registrations() {
		regs = append(regs, r.Registry+":"+r.Name+"@"+r.Package)
	}
	slices.Sort(regs)
	want := []string{
		"database/sql.Register:postgres@github.com/lib/pq",
		"github.com/Acme/plugins/registry.Register:json@github.com/Acme/plugins/builtin",
		"github.com/Acme/plugins/registry.Register:yaml@github.com/acme/extra/yaml",
	}
	if !slices.Equal(regs, want) {
		t.Errorf("registrations = %q\nwant %q", regs, want)
	}
	reg := s.Registry("github.com/Acme/plugins/registry.Register")
	if reg == nil || reg.Preset != "" || !reg.PanicsOnDuplicate {
		t.Fatalf("dependency registry not inferred: %+v", reg)
	}
	if got := lookupKeys(s); !slices.Contains(got, "github.com/Acme/plugins/registry.Register:json") || !slices.Contains(got, "database/sql.Register:postgres") {
		t.Errorf("lookups = %q", got)
	}
	if !s.IsDependency(reg.Decl.File) || !strings.HasPrefix(s.Path(reg.Decl.File), filepath.Join(modCache, "github.com", "!acme", "plugins@v1.0.0")) {
		t.Errorf("registry declared in %s, IsDependency=%v", s.Path(reg.Decl.File), s.IsDependency(reg.Decl.File))
	}
	if len(s.Hosts()) != 1 {
		t.Fatalf("hosts = %v", s.Hosts())
	}
	h := s.Hosts()[0]
	links := s.Links(h, linuxAMD64)
	for _, p := range []string{"github.com/lib/pq", "github.com/Acme/plugins/builtin", "github.com/acme/extra/yaml"} {
		if !slices.Contains(links, p) {
			t.Errorf("Links(host) = %v, missing %s", links, p)
		}
	}
	if got := s.UnknownLinked(h, linuxAMD64); !slices.Equal(got, []string{"example.com/missing/x"}) {
		t.Errorf("UnknownLinked = %v", got)
	}
	if why := s.UnknownSource("example.com/missing/x"); why != "not in the module cache" {
		t.Errorf("UnknownSource = %q", why)
	}
	cov := s.DepCoverage()
	if want := []string{"github.com/Acme/plugins@v1.0.0", "github.com/acme/extra@v0.2.0", "github.com/lib/pq@v1.10.9"}; !slices.Equal(cov.Modules, want) {
		t.Errorf("coverage modules = %v, want %v", cov.Modules, want)
	}
	if want := []string{"example.com/missing@v0.1.0: not in the module cache"}; !slices.Equal(cov.Missing, want) {
		t.Errorf("coverage missing = %v, want %v", cov.Missing, want)
	}
	// Only imported packages: lib/pq/oid and test files are not read.
	if cov.Packages != 5 || cov.Files != 5 {
		t.Errorf("coverage = %d packages, %d files; want 5, 5", cov.Packages, cov.Files)
	}
	for _, m := range s.Modules() {
		if m.Dep {
			t.Errorf("Modules() lists dependency %s", m.Path)
		}
	}
	if dm := s.DependencyModules(); len(dm) != 3 || dm[2].Path != "github.com/lib/pq" || dm[2].Version != "v1.10.9" || !dm[2].Dep {
		t.Errorf("DependencyModules = %+v", dm)
	}
}

// TestDependencyModulesWarmRestart: a second Index with the same cache
// directory reads no file of the module cache and links the same.
func TestDependencyModulesWarmRestart(t *testing.T) {
	ws, modCache := depFixture(t)
	cache := t.TempDir()
	cold := build(t, Options{Roots: []string{ws}, ModCache: modCache, CacheDir: cache})
	if cold.DepCoverage().FilesRead != 5 {
		t.Fatalf("cold build read %d dependency files, want 5", cold.DepCoverage().FilesRead)
	}
	warm := build(t, Options{Roots: []string{ws}, ModCache: modCache, CacheDir: cache})
	if n := warm.DepCoverage().FilesRead; n != 0 {
		t.Errorf("warm restart read %d dependency files, want 0", n)
	}
	if a, b := dump(cold), dump(warm); a != b {
		t.Errorf("warm restart links differently:\n%s", diffLines(a, b))
	}
	// The module cache is immutable: even gone, the cache answers.
	if err := os.RemoveAll(filepath.Join(modCache, "github.com", "lib")); err != nil {
		t.Fatal(err)
	}
	again := build(t, Options{Roots: []string{ws}, ModCache: modCache, CacheDir: cache})
	if n := again.DepCoverage().FilesRead; n != 0 || !slices.Contains(again.DepCoverage().Modules, "github.com/lib/pq@v1.10.9") {
		t.Errorf("after the module cache lost lib/pq: read %d files, modules %v", n, again.DepCoverage().Modules)
	}
}

// TestDependencyModulesGoEnv finds the module cache through `go env
// GOMODCACHE` (GOTOOLCHAIN=local; the environment points it at the fake).
func TestDependencyModulesGoEnv(t *testing.T) {
	ws, modCache := depFixture(t)
	t.Setenv("GOMODCACHE", modCache)
	t.Setenv("GOFLAGS", "-mod=mod")
	s := build(t, Options{Roots: []string{ws}, CacheDir: t.TempDir()})
	if cov := s.DepCoverage(); cov.Err != "" || len(cov.Modules) != 3 {
		t.Errorf("coverage = %+v", cov)
	}
	off := build(t, Options{Roots: []string{ws}, ModCache: NoDependencies})
	if cov := off.DepCoverage(); len(cov.Modules) != 0 || len(off.Registrations()) != 0 {
		t.Errorf("ModCache=off still read dependencies: %+v", cov)
	}
}

// TestDependencyReplace: a replace to another module version reads that
// version's source under the imported path; a replace to a local directory
// outside the workspace is an unknown source.
func TestDependencyReplace(t *testing.T) {
	ws, modCache := depFixture(t)
	writeTree(t, modCache, map[string]string{
		"example.com/fork@v1.0.1/go.mod": "module example.com/fork\n",
		"example.com/fork@v1.0.1/x/x.go": "package x\n\n// Do does.\nfunc Do() {}\n",
	})
	gomod := filepath.Join(ws, "go.mod")
	b, _ := os.ReadFile(gomod)
	b = append(b, "\nreplace example.com/missing => example.com/fork v1.0.1\n\nreplace github.com/lib/pq => ../pq\n"...)
	os.WriteFile(gomod, b, 0o644)
	s := build(t, Options{Roots: []string{ws}, ModCache: modCache})
	if p := s.Package("example.com/missing/x"); p == nil || !p.Module.Dep || !strings.Contains(p.Dir, "fork@v1.0.1") {
		t.Errorf("replaced package = %+v", p)
	}
	if why := s.UnknownSource("github.com/lib/pq"); !strings.Contains(why, "outside the workspace") {
		t.Errorf("UnknownSource(lib/pq) = %q", why)
	}
	h := s.Hosts()[0]
	if got := s.UnknownLinked(h, linuxAMD64); !slices.Equal(got, []string{"github.com/lib/pq"}) {
		t.Errorf("UnknownLinked = %v", got)
	}
}

// TestDependencyVendor: a module with vendor/modules.txt (outside any
// go.work) builds from its vendor directory: dependency packages are read
// there, whatever the module cache holds.
func TestDependencyVendor(t *testing.T) {
	ws := t.TempDir()
	writeTree(t, ws, map[string]string{
		"go.mod":                           "module example.com/app\n\ngo 1.26\n\nrequire github.com/lib/pq v1.10.9\n",
		"main.go":                          "package main\n\nimport (\n\t\"database/sql\"\n\n\t_ \"github.com/lib/pq\"\n)\n\nfunc main() { sql.Open(\"postgres\", \"\") }\n",
		"vendor/modules.txt":               "# github.com/lib/pq v1.10.9\n## explicit; go 1.13\ngithub.com/lib/pq\n",
		"vendor/github.com/lib/pq/conn.go": "package pq\n\nimport \"database/sql\"\n\ntype d struct{}\n\nfunc init() { sql.Register(\"postgres\", d{}) }\n",
	})
	s := build(t, Options{Roots: []string{ws}, ModCache: t.TempDir()})
	if cov := s.DepCoverage(); len(cov.Modules) != 1 || cov.Modules[0] != "github.com/lib/pq@v1.10.9 (vendored)" {
		t.Errorf("coverage = %+v", cov)
	}
	if len(s.Registrations()) != 1 || s.Registrations()[0].Package != "github.com/lib/pq" || !s.IsDependency(s.Registrations()[0].File) {
		t.Errorf("registrations = %+v", s.Registrations())
	}
	if got := s.UnknownLinked(s.Hosts()[0], linuxAMD64); len(got) != 0 {
		t.Errorf("UnknownLinked = %v", got)
	}
}

// TestDependencyImportAddedInEditor: an edit that imports a dependency
// package nothing imported before reads it (from the module cache, once);
// the snapshot before the edit is left alone.
func TestDependencyImportAddedInEditor(t *testing.T) {
	ws, modCache := depFixture(t)
	main := filepath.Join(ws, "main.go")
	b, _ := os.ReadFile(main)
	without := strings.Replace(string(b), "\t_ \"github.com/lib/pq\"\n", "", 1)
	if err := os.WriteFile(main, []byte(without), 0o644); err != nil {
		t.Fatal(err)
	}
	ix := New(Options{Roots: []string{ws}, ModCache: modCache})
	before, err := ix.Build(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(before.DepCoverage().Modules, "github.com/lib/pq@v1.10.9") {
		t.Fatal("lib/pq read before anything imports it")
	}
	after := ix.SetOverlay(main, b)
	if !slices.Contains(after.DepCoverage().Modules, "github.com/lib/pq@v1.10.9") || after.Package("github.com/lib/pq") == nil {
		t.Fatalf("lib/pq not read after the edit: %+v", after.DepCoverage())
	}
	found := false
	for _, r := range after.Registrations() {
		found = found || r.Name == "postgres" && r.Package == "github.com/lib/pq"
	}
	if !found {
		t.Error("the postgres driver of lib/pq is not registered after the edit")
	}
	if before.Package("github.com/lib/pq") != nil {
		t.Error("the snapshot before the edit changed")
	}
	// An edit that imports nothing new keeps the workspace (and its
	// incremental linking).
	again := ix.SetOverlay(main, append(b, []byte("\n// comment\n")...))
	if again.ws != after.ws {
		t.Error("an edit without new imports rebuilt the workspace")
	}
	// The import removed again. TODO: the dependency stays read until the
	// next rescan (go.mod change or Build); harmless, as no host links it.
	gone := ix.SetOverlay(main, []byte(without))
	if gone.ws != after.ws || gone.Package("github.com/lib/pq") == nil {
		t.Error("removing an import changed the dependencies: update this test")
	}
	for _, h := range gone.Hosts() {
		if slices.Contains(gone.Linked(h, linuxAMD64), "github.com/lib/pq") {
			t.Error("lib/pq still linked after its import was removed")
		}
	}
}

func TestKnowsAllNames(t *testing.T) {
	s := &Snapshot{}
	for _, tt := range []struct {
		reg  *Registry
		want bool
	}{
		{&Registry{Preset: "database/sql"}, true},
		{&Registry{Preset: "image"}, false},
		{&Registry{Preset: "expvar", FilledAtRunTime: true}, false},
		{&Registry{ID: "example.com/r.Register"}, true},
		{&Registry{ID: "example.com/r.Set", FilledAtRunTime: true}, false},
	} {
		if got := s.KnowsAllNames(tt.reg); got != tt.want {
			t.Errorf("KnowsAllNames(%+v) = %v, want %v", tt.reg, got, tt.want)
		}
	}
	if n := s.PluginNoun(&Registry{Preset: "database/sql"}); n != "driver" {
		t.Errorf("PluginNoun(database/sql) = %q", n)
	}
}

// TestDependencyFileOpenedInEditor: an editor that opens (or edits) a file
// of the module cache, after a jump to a dependency's definition, changes
// nothing: the module version is immutable.
func TestDependencyFileOpenedInEditor(t *testing.T) {
	ws, modCache := depFixture(t)
	ix := New(Options{Roots: []string{ws}, ModCache: modCache})
	before, err := ix.Build(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	conn := filepath.Join(modCache, "github.com", "lib", "pq@v1.10.9", "conn.go")
	after := ix.SetOverlay(conn, []byte("package pq\n"))
	if a, b := dump(before), dump(after); a != b {
		t.Errorf("opening a dependency file changed the index:\n%s", diffLines(a, b))
	}
	if id, ok := after.FileID(conn); !ok || !after.IsDependency(id) {
		t.Error("the dependency file left the snapshot")
	}
	ix.ClearOverlay(conn)
}

// TestDependencyFileSkipped: a dependency file the index refuses to read
// (over the size cap) makes its package an unknown source.
func TestDependencyFileSkipped(t *testing.T) {
	ws, modCache := depFixture(t)
	big := "package pq\n\n// Padding makes the file larger than the cap.\nvar Padding = `" + strings.Repeat("x", 4096) + "`\n"
	writeTree(t, modCache, map[string]string{"github.com/lib/pq@v1.10.9/big.go": big})
	s := build(t, Options{Roots: []string{ws}, ModCache: modCache, MaxFileSize: 2048})
	h := s.Hosts()[0]
	if got := s.UnknownLinked(h, linuxAMD64); !slices.Contains(got, "github.com/lib/pq") {
		t.Errorf("UnknownLinked = %v, want github.com/lib/pq (a file was skipped)", got)
	}
	if why := s.UnknownSource("github.com/lib/pq"); !strings.Contains(why, "files skipped") {
		t.Errorf("UnknownSource = %q", why)
	}
}

// TestBuildStamp: every cache key includes the running binary's identity,
// so a rebuilt plugin-lsp never reads facts an older build extracted.
func TestBuildStamp(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	st, err := os.Stat(exe)
	if err != nil {
		t.Skip(err)
	}
	want := fmt.Sprintf("%d-%d", st.Size(), st.ModTime().UnixNano())
	if got := buildStamp(); got != want {
		t.Fatalf("buildStamp() = %q, want %q (size-mtime of %s)", got, want, exe)
	}
}
