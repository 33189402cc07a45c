package diagnostics

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// A false positive costs more than a miss: on real code that works, every
// rule must stay silent.

func goroot(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func assertNoFindings(t *testing.T, fs []Finding) {
	t.Helper()
	for _, f := range fs {
		t.Errorf("false positive: %s", f)
	}
}

// TestZeroFindingsGOROOT checks the registries of the standard library and
// the commands (database/sql, image, crypto, encoding/gob, expvar, …).
func TestZeroFindingsGOROOT(t *testing.T) {
	src := filepath.Join(goroot(t), "src")
	start := time.Now()
	snap, err := index.New(index.Options{Roots: []string{src}}).Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	indexed := time.Since(start)
	fs := Check(context.Background(), snap, Options{})
	checked := time.Since(start) - indexed
	cache := NewTypeCache()
	fs = append(fs, CheckTypes(context.Background(), snap, Options{}, cache)...)
	typed := time.Since(start) - indexed - checked
	t.Logf("GOROOT/src: %d files, %d registrations, %d lookups, %d hosts; index %v, Check %v, CheckTypes %v (%d loads)",
		len(snap.Files()), len(snap.Registrations()), len(snap.Lookups()), len(snap.Hosts()), indexed, checked, typed, cache.Loads())
	// The registries the ground truth names must be seen, or silence
	// proves nothing.
	byRegistry := map[string]int{}
	for _, r := range snap.Registrations() {
		byRegistry[r.Registry]++
	}
	for _, id := range []string{"image.RegisterFormat", "crypto.RegisterHash", "expvar.Publish"} {
		if byRegistry[id] == 0 {
			t.Errorf("no registrations of %s found in GOROOT/src: the test would prove less than it claims", id)
		}
	}
	t.Logf("registrations by registry: %v", byRegistry)
	assertNoFindings(t, fs)
}

// TestZeroFindingsTestplugin lays out Go's own native-plugin tests the way
// plugin_test.go does at run time: testdata copied as module testplugin
// with the test (and its go build commands) beside it, and altpath/testdata
// as a second module. Every Lookup there succeeds and every failure is
// intended.
func TestZeroFindingsTestplugin(t *testing.T) {
	tp := filepath.Join(goroot(t), "src", "cmd", "cgo", "internal", "testplugin")
	dir := t.TempDir()
	modRoot := filepath.Join(dir, "src", "testplugin")
	altRoot := filepath.Join(dir, "alt", "src", "testplugin")
	copyTree(t, filepath.Join(tp, "testdata"), modRoot)
	copyTree(t, filepath.Join(tp, "altpath", "testdata"), altRoot)
	for _, r := range []string{modRoot, altRoot} {
		if err := os.WriteFile(filepath.Join(r, "go.mod"), []byte("module testplugin\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(filepath.Join(tp, "plugin_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(modRoot, "plugin_test.go"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	snap, err := index.New(index.Options{Roots: []string{dir}}).Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("testplugin: %d native plugins, %d opens, %d lookups, %d build commands",
		len(snap.NativePlugins()), len(snap.Opens()), len(snap.PluginLookups()), len(snap.BuildCommands()))
	if len(snap.NativePlugins()) < 10 || len(snap.PluginLookups()) < 10 {
		t.Fatalf("the index sees %d plugins and %d lookups: silence would prove nothing", len(snap.NativePlugins()), len(snap.PluginLookups()))
	}
	resolved := 0
	for _, l := range snap.PluginLookups() {
		if l.Open != nil && len(l.Open.Plugins) > 0 {
			resolved++
		}
	}
	t.Logf("%d lookups resolved to plugin sources", resolved)
	if resolved < 10 {
		t.Errorf("only %d lookups resolved to a plugin: PL001/PL002 are not exercised", resolved)
	}
	fs := Check(context.Background(), snap, Options{})
	fs = append(fs, CheckTypes(context.Background(), snap, Options{}, NewTypeCache())...)
	assertNoFindings(t, fs)
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	if err := copyFiles(src, dst); err != nil {
		t.Fatal(err)
	}
}

// copyFiles copies the tree at src to dst, creating directories as needed.
func copyFiles(src, dst string) error {
	return filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		r, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, r)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
