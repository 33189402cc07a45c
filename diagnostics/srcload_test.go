package diagnostics

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// cgoWorkspace: a registry declared in .plugin-lsp.yaml that takes any, a
// plugin package with a cgo file whose preamble no C compiler accepts, and
// a registered value that lacks a method of the contract (REG004).
const cgoWorkspace = `
-- go.mod --
module example.com/app

go 1.22
-- .plugin-lsp.yaml --
registries:
  - register: example.com/app/registry.Register
    lookup: [example.com/app/registry.Get]
    contract: example.com/app/registry.Plugin
-- registry/registry.go --
package registry

import "net/http"

type Plugin interface {
	Start() error
	Handler() http.Handler
}

var plugins = map[string]any{}

func Register(name string, p any) { plugins[name] = p }

func Get(name string) Plugin { return plugins[name].(Plugin) }
-- plugins/c/c.go --
package c

import "example.com/app/registry"

type P struct{}

func (P) Start() error { return nil }

func init() { registry.Register("c", P{}) }
-- plugins/c/c_cgo.go --
package c

/*
#error plugin-lsp must never run the C compiler on workspace code
int answer(void) { return 42; }
*/
import "C"

func Answer() int { return int(C.answer()) }
`

// TestTypeRulesBuildNothing: the type rules type-check from source. No
// compiler, cgo or C compiler runs on workspace code (the C preamble
// above fails any C compiler, and CC is a script that records being
// called): REG004 still reports the missing method. With `go list -export`
// (before) cgo ran the C compiler, the package failed to build and REG004
// said nothing.
func TestTypeRulesBuildNothing(t *testing.T) {
	dir := writeArchive(t, txtar.Parse([]byte(cgoWorkspace)))
	marker := filepath.Join(t.TempDir(), "cc-ran")
	cc := filepath.Join(t.TempDir(), "cc")
	if err := os.WriteFile(cc, []byte("#!/bin/sh\ntouch "+marker+"\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CC", cc)
	t.Setenv("CGO_ENABLED", "1")
	t.Setenv("GOFLAGS", "")
	snap := buildSnapshot(t, dir)
	fs, probs := CheckTypesReport(context.Background(), snap, Options{}, NewTypeCache())
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("the C compiler ran")
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.Rule+" "+filepath.Base(f.File)+" "+f.Message)
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "REG004 c.go") || !strings.Contains(got[0], "Handler") {
		t.Errorf("findings %q, want one REG004 in c.go naming Handler", got)
	}
	if len(probs) != 0 {
		t.Errorf("problems: %v", probs)
	}
}

// TestTypeLoadMissingModuleIsReported: a plugin package that imports a
// module the go command cannot find offline is still type-checked, and the
// load says its types are incomplete (before: silently partial).
func TestTypeLoadMissingModuleIsReported(t *testing.T) {
	ws := strings.Replace(cgoWorkspace, "go 1.22\n", "go 1.22\n\nrequire example.com/nowhere v1.0.0\n", 1)
	ws = strings.Replace(ws, "-- plugins/c/c_cgo.go --", "-- plugins/c/missing.go --\npackage c\n\nimport _ \"example.com/nowhere/x\"\n-- unused/c_cgo.go --", 1)
	dir := writeArchive(t, txtar.Parse([]byte(ws)))
	t.Setenv("GOFLAGS", "-mod=mod")
	snap := buildSnapshot(t, dir)
	fs, probs := CheckTypesReport(context.Background(), snap, Options{}, NewTypeCache())
	if len(fs) != 1 || fs[0].Rule != "REG004" {
		t.Errorf("findings %v, want the REG004 of c.go", fs)
	}
	if len(probs) != 1 || probs[0].Kind != index.ProblemTypes || !strings.Contains(probs[0].Msg, "example.com/app/plugins/c is incomplete") {
		t.Errorf("problems %v, want one saying plugins/c's types are incomplete", probs)
	}
}

// TestTypeLoadOfChangedFile: a file that changed on disk since the
// snapshot is not type-checked from its new bytes (the findings would be
// placed in the old text): the load fails with index.ErrChanged, reported
// as a problem, and nothing is cached for it.
func TestTypeLoadOfChangedFile(t *testing.T) {
	ws := strings.Replace(cgoWorkspace, "-- plugins/c/c_cgo.go --", "-- unused/c_cgo.go --", 1)
	dir := writeArchive(t, txtar.Parse([]byte(ws)))
	snap := buildSnapshot(t, dir)
	// The new text has the missing method: read from disk, it would hide
	// the old snapshot's REG004.
	c := filepath.Join(dir, "plugins", "c", "c.go")
	src, _ := os.ReadFile(c)
	fixed := strings.Replace(string(src), "func (P) Start() error { return nil }", "func (P) Start() error { return nil }\n\nfunc (P) Handler() http.Handler { return nil }", 1)
	fixed = strings.Replace(fixed, `import "example.com/app/registry"`, "import (\n\t\"net/http\"\n\n\t\"example.com/app/registry\"\n)", 1)
	if err := os.WriteFile(c, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	cache := NewTypeCache()
	fs, probs := CheckTypesReport(context.Background(), snap, Options{}, cache)
	if len(fs) != 0 {
		t.Errorf("findings %v, want none (no load from the changed file)", fs)
	}
	if len(probs) != 1 || probs[0].Kind != index.ProblemTypes || !strings.Contains(probs[0].Msg, index.ErrChanged.Error()) {
		t.Errorf("problems %v, want one saying the file changed since the snapshot", probs)
	}
	if cache.Loads() != 0 {
		t.Errorf("%d loads ran, want none", cache.Loads())
	}
}
