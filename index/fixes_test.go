package index

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
)

// writeTxtar writes an archive's files under a new temporary directory.
func writeTxtar(t *testing.T, archive string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range txtar.Parse([]byte(archive)).Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCopyCommandsExtracted(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string // From→Output of the copy commands
	}{
		{"ReadFile then WriteFile", `so, err := os.ReadFile("plugin2.so")
	_ = err
	os.WriteFile("plugin2-dup.so", so, 0444)`, []string{"plugin2.so→plugin2-dup.so"}},
		{"os.Link", `os.Link("a.so", filepath.Join(dir, "b.so"))`, []string{"a.so→b.so"}},
		{"os.Rename", `os.Rename("a.so", "c.so")`, []string{"a.so→c.so"}},
		{"exec cp", `exec.Command("cp", "-f", "a.so", "d.so").Run()`, []string{"a.so→d.so"}},
		{"one string", `logf("cp a.so e.so\n")`, []string{"a.so→e.so"}},
		{"not a .so", `os.Link("a.txt", "b.txt"); exec.Command("cp", "a.so", "dir/").Run()`, nil},
		{"WriteFile of other data", `data := []byte("x"); os.WriteFile("f.so", data, 0644)`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The body names -buildmode, so it is parsed (docs/index.md).
			src := "package p\n\nimport (\n\t\"os\"\n\t\"os/exec\"\n\t\"path/filepath\"\n)\n\nfunc TestMain() {\n\texec.Command(\"go\", \"build\", \"-buildmode=plugin\", \"./a\")\n\t" + tt.body + "\n}\n"
			f := extractGo([]byte(src))
			var got []string
			for _, c := range f.Commands {
				if c.Mode == ModeCopy {
					got = append(got, c.From+"→"+c.Output)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("copies = %q, want %q", got, tt.want)
			}
		})
	}
	cmds := scriptCommands(3, "/w/Makefile", []byte("all:\n\tgo build -buildmode=plugin ./a\n\tcp a.so b.so && ln -s b.so c.so\n\tcp x.txt y.txt\n"))
	var got []string
	for _, c := range cmds {
		got = append(got, c.Mode+":"+c.From+"→"+c.Output)
	}
	if want := []string{"plugin:→", "copy:a.so→b.so", "copy:b.so→c.so"}; !slices.Equal(got, want) {
		t.Errorf("script commands = %q, want %q", got, want)
	}
}

const copyWorkspace = `
-- go.mod --
module example.com/w

go 1.22
-- plug/plug.go --
package main

func F() int { return 1 }
-- other/other.go --
package main

func G() int { return 2 }
-- build_test.go --
package w

import (
	"os"
	"os/exec"
	"testing"
)

func TestMain(m *testing.M) {
	exec.Command("go", "build", "-buildmode=plugin", "-o", "plug.so", "./plug").Run()
	os.Link("plug.so", "dup.so")
	exec.Command("go", "build", "-buildmode=plugin", "./other").Run()
	os.Exit(m.Run())
}
-- Makefile --
chain:
	cp dup.so dup2.so
-- host/main.go --
package main

import "plugin"

func main() {
	plugin.Open("dup.so")
	plugin.Open("dup2.so")
	plugin.Open("plug.so")
	plugin.Open("missing.so")
}
`

// TestCopiedPluginResolves: a .so copied from a built plugin (and a copy
// of the copy) opens that plugin.
func TestCopiedPluginResolves(t *testing.T) {
	root := writeTxtar(t, copyWorkspace)
	s := build(t, Options{Roots: []string{root}})
	got := map[string][]string{}
	for _, o := range s.Opens() {
		var dirs []string
		for _, np := range o.Plugins {
			d, _ := filepath.Rel(root, np.Dir)
			dirs = append(dirs, filepath.ToSlash(d))
		}
		got[o.Path] = dirs
	}
	want := map[string][]string{"dup.so": {"plug"}, "dup2.so": {"plug"}, "plug.so": {"plug"}, "missing.so": nil}
	for p, w := range want {
		if !slices.Equal(got[p], w) {
			t.Errorf("Open(%q) → %q, want %q", p, got[p], w)
		}
	}
	// The copies are commands of their own, not host builds.
	copies := 0
	for _, bc := range s.BuildCommands() {
		if bc.Mode == ModeCopy {
			copies++
			if len(bc.Targets) != 0 || !filepath.IsAbs(bc.Output) {
				t.Errorf("copy %s→%s: targets %q, output not absolute", bc.From, bc.Output, bc.Targets)
			}
		}
	}
	if copies != 2 {
		t.Errorf("%d copy commands, want 2", copies)
	}
	if n := len(s.Hosts()); n != 1 {
		t.Errorf("%d hosts, want 1 (host)", n)
	}
}

// TestTestpluginDupCopy: testplugin's plugin_test.go writes plugin2-dup.so
// from plugin2.so's bytes; host.go opens it and must find plugin2.
func TestTestpluginDupCopy(t *testing.T) {
	root := filepath.Join(runtime.GOROOT(), "src/cmd/cgo/internal/testplugin/testdata")
	if _, err := os.Stat(root); err != nil {
		t.Skip("GOROOT has no testplugin sources")
	}
	s := build(t, Options{Roots: []string{root}})
	n := 0
	for _, o := range s.Opens() {
		if o.Path != "plugin2-dup.so" {
			continue
		}
		n++
		if len(o.Plugins) != 1 || filepath.Base(o.Plugins[0].Dir) != "plugin2" {
			t.Errorf("%s: plugin2-dup.so resolves to %d plugins, want plugin2", rel(s, o.File), len(o.Plugins))
		}
	}
	if n != 2 {
		t.Errorf("%d opens of plugin2-dup.so, want 2 (host/host.go)", n)
	}
}

const excludedWorkspace = `
-- go.mod --
module example.com/w

go 1.22
-- ir/ir.go --
package ir

const X = 1
-- ir/mknode.go --
//go:build ignore

package main

func main() {}
-- gen/gen.go --
//go:build ignore

package main

func main() {}
-- plan9only/main.go --
//go:build plan9

package main

func main() {}
-- cmd/app/main.go --
package main

import _ "example.com/w/ir"

func main() {}
`

// TestExcludedFilesMakeNoHost: files no configuration builds (go:build
// ignore generators, a plan9-only program under a linux/windows matrix)
// make their directory neither a main package, a host nor a native plugin.
func TestExcludedFilesMakeNoHost(t *testing.T) {
	root := writeTxtar(t, excludedWorkspace)
	cfgs := []BuildConfig{linuxAMD64, windowsAMD64}
	ix := New(Options{Roots: []string{root}, Configs: cfgs})
	s, err := ix.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	hosts := func(s *Snapshot) []string {
		var out []string
		for _, h := range s.Hosts() {
			out = append(out, h.ImportPath)
		}
		return out
	}
	if got, want := hosts(s), []string{"example.com/w/cmd/app"}; !slices.Equal(got, want) {
		t.Errorf("hosts = %q, want %q", got, want)
	}
	for _, p := range []string{"example.com/w/ir", "example.com/w/gen", "example.com/w/plan9only"} {
		pk := s.Package(p)
		if pk == nil {
			t.Fatalf("package %s missing", p)
		}
		if pk.IsMain || pk.IsNativePlugin {
			t.Errorf("%s: IsMain=%v IsNativePlugin=%v, want neither", p, pk.IsMain, pk.IsNativePlugin)
		}
	}
	if n := s.Package("example.com/w/ir").Name; n != "ir" {
		t.Errorf("ir's Name = %q, want ir", n)
	}
	if n := len(s.NativePlugins()); n != 0 {
		t.Errorf("%d native plugins, want 0", n)
	}
	// Dropping the constraint makes gen a program; putting it back undoes it.
	gen := filepath.Join(root, "gen/gen.go")
	s = ix.SetOverlay(gen, []byte("package main\n\nfunc main() {}\n"))
	if got, want := hosts(s), []string{"example.com/w/cmd/app", "example.com/w/gen"}; !slices.Equal(got, want) {
		t.Errorf("after the edit hosts = %q, want %q", got, want)
	}
	s = ix.ClearOverlay(gen)
	if got, want := hosts(s), []string{"example.com/w/cmd/app"}; !slices.Equal(got, want) {
		t.Errorf("after undoing hosts = %q, want %q", got, want)
	}
}

// blockingSource reads the disk but blocks on one file until released, so
// that a test can change things while Build runs.
type blockingSource struct {
	path    string
	entered chan struct{} // closed when the build reads path
	release chan struct{} // the read of path returns once closed
	once    sync.Once
}

func (b *blockingSource) ReadFile(p string) ([]byte, error) {
	if p == b.path {
		b.once.Do(func() { close(b.entered) })
		<-b.release
	}
	return os.ReadFile(p)
}

// TestChangesDuringBuildAreKept: overlays set and disk changes reported
// while the first Build runs are neither blocked until it ends nor lost.
func TestChangesDuringBuildAreKept(t *testing.T) {
	root := writeTxtar(t, `
-- go.mod --
module example.com/w

go 1.22
-- a/a.go --
package a

func Old() {}
-- b/b.go --
package b

func Old() {}
-- c/c.go --
package c

func Old() {}
`)
	a, b, c := filepath.Join(root, "a/a.go"), filepath.Join(root, "b/b.go"), filepath.Join(root, "c/c.go")
	src := &blockingSource{path: a, entered: make(chan struct{}), release: make(chan struct{})}
	ix := New(Options{Roots: []string{root}, Source: src})
	type result struct {
		s   *Snapshot
		err error
	}
	built := make(chan result, 1)
	go func() {
		s, err := ix.Build(context.Background())
		built <- result{s, err}
	}()
	<-src.entered
	// The build is reading a.go (the old text). Meanwhile: the editor
	// changes a.go and b.go, and c.go changes on disk.
	changed := make(chan struct{})
	go func() {
		defer close(changed)
		ix.SetOverlay(a, []byte("package a\n\nfunc FromEditor() {}\n"))
		ix.SetOverlay(b, []byte("package b\n\nfunc FromEditor() {}\n"))
		if err := os.WriteFile(c, []byte("package c\n\nfunc FromDisk() {}\n"), 0o644); err != nil {
			t.Error(err)
		}
		ix.DiskChanged(c)
	}()
	// A liveness guard, not a speed assertion: before the fix these calls
	// waited for the build, which waited for this test (a deadlock).
	select {
	case <-changed:
	case <-time.After(time.Minute):
		t.Error("SetOverlay/DiskChanged blocked while Build ran")
	}
	close(src.release)
	r := <-built
	<-changed
	if r.err != nil {
		t.Fatal(r.err)
	}
	funcs := func(s *Snapshot, p string) []string {
		id, ok := s.FileID(p)
		if !ok {
			return nil
		}
		var out []string
		for _, sym := range s.Facts(id).Symbols {
			out = append(out, sym.Name)
		}
		return out
	}
	s := r.s
	for _, p := range []string{a, b} {
		if got := funcs(s, p); !slices.Equal(got, []string{"FromEditor"}) {
			t.Errorf("after Build, %s declares %q, want the overlay's FromEditor", filepath.Base(p), got)
		}
	}
	// The disk change stays pending for the debounced Flush (it may or may
	// not have been read by the build; after Flush it must be).
	s = ix.Flush()
	if got := funcs(s, c); !slices.Equal(got, []string{"FromDisk"}) {
		t.Errorf("after Flush, c.go declares %q, want FromDisk", got)
	}
	if got := funcs(s, a); !slices.Equal(got, []string{"FromEditor"}) {
		t.Errorf("after Flush, a.go declares %q, want FromEditor", got)
	}
}

// TestNativesOutsideTheWalk: plugins a test builds from testdata/ (skipped
// by the walk, as the go tool skips it) get their Files and Symbols, come
// in a fixed order when one directory holds several, and join no package.
func TestNativesOutsideTheWalk(t *testing.T) {
	root := writeTxtar(t, `
-- go.mod --
module example.com/w

go 1.22
-- build_test.go --
package w

import (
	"os/exec"
	"testing"
)

func TestPlugins(t *testing.T) {
	exec.Command("go", "build", "-buildmode=plugin", "-o", "p2.so", "./testdata/multi/p2.go").Run()
	exec.Command("go", "build", "-buildmode=plugin", "-o", "p1.so", "./testdata/multi/p1.go").Run()
	exec.Command("go", "build", "-buildmode=plugin", "./testdata/whole").Run()
}
-- testdata/multi/p1.go --
package main

func One() {}
-- testdata/multi/p2.go --
package main

func Two() {}
-- testdata/whole/a.go --
package main

func A() {}
-- testdata/whole/b_windows.go --
package main

func B() {}
-- testdata/whole/a_test.go --
package main
`)
	type native struct{ files, syms, sos []string }
	natives := func(s *Snapshot) []native {
		var out []native
		for _, np := range s.NativePlugins() {
			var n native
			for _, id := range np.Files {
				n.files = append(n.files, rel(s, id))
			}
			for _, sym := range np.Symbols {
				n.syms = append(n.syms, sym.Name)
			}
			for _, so := range np.SOPaths {
				r, _ := filepath.Rel(root, so)
				n.sos = append(n.sos, filepath.ToSlash(r))
			}
			out = append(out, n)
		}
		return out
	}
	want := []native{
		{[]string{"testdata/multi/p1.go"}, []string{"One"}, []string{"p1.so"}},
		{[]string{"testdata/multi/p2.go"}, []string{"Two"}, []string{"p2.so"}},
		{[]string{"testdata/whole/a.go"}, []string{"A"}, []string{"whole.so"}},
	}
	for i := 0; i < 3; i++ {
		s := build(t, Options{Roots: []string{root}, Configs: []BuildConfig{linuxAMD64}})
		got := natives(s)
		if len(got) != len(want) {
			t.Fatalf("natives = %+v, want %+v", got, want)
		}
		for j := range want {
			if !slices.Equal(got[j].files, want[j].files) || !slices.Equal(got[j].syms, want[j].syms) || !slices.Equal(got[j].sos, want[j].sos) {
				t.Errorf("build %d: native %d = %+v, want %+v", i, j, got[j], want[j])
			}
		}
		for _, p := range s.Packages() {
			if p.ImportPath != "example.com/w" {
				t.Errorf("package %s: testdata files joined a package", p.ImportPath)
			}
		}
		if _, ok := s.FileID(filepath.Join(root, "testdata/multi/p1.go")); ok {
			t.Error("a build target outside the walk is an indexed file (FileID)")
		}
	}
}

// TestNativesFromGOROOTModule: from the module root (testdata skipped),
// testplugin's plugins have Files, and the order is the same every time.
func TestNativesFromGOROOTModule(t *testing.T) {
	root := filepath.Join(runtime.GOROOT(), "src/cmd/cgo/internal/testplugin")
	if _, err := os.Stat(root); err != nil {
		t.Skip("GOROOT has no testplugin sources")
	}
	list := func() []string {
		s := build(t, Options{Roots: []string{root}})
		var out []string
		for _, np := range s.NativePlugins() {
			if len(np.Files) == 0 || len(np.Symbols) == 0 && np.Name != "main" {
				t.Errorf("native %s %v: no files or symbols", np.Dir, np.SOPaths)
			}
			out = append(out, s.Path(firstFile(np.Files))+" "+strings.Join(np.SOPaths, ","))
		}
		return out
	}
	first := list()
	if len(first) < 20 {
		t.Fatalf("%d native plugins, want testplugin's (20+)", len(first))
	}
	for i := 0; i < 3; i++ {
		if again := list(); !slices.Equal(first, again) {
			t.Fatalf("native plugins in another order:\n%q\nthen\n%q", first, again)
		}
	}
}
