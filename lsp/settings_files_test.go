package lsp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// TestFileSettingsReachDiagnostics: the rules, severity and buildConfigs of
// a .plugin-lsp.yaml reach the server's diagnostics, the editor's settings
// win over them per rule, and a broken file is shown on its line while the
// last good settings stay in effect.
func TestFileSettingsReachDiagnostics(t *testing.T) {
	ctx := ctxT(t)
	root := wsCopy(t, "multi")
	cfg := filepath.Join(root, "plugins", ".plugin-lsp.yaml")
	alpha := proxy.URIFromPath(filepath.Join(root, "plugins", "alpha", "alpha.go"))
	writeCfg := func(text string) {
		t.Helper()
		if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeCfg("severity:\n  REG001: warning\nbuildConfigs: [linux/arm64]\n")
	_, w, _ := wsSession(t, root, `{}`) // {}: the index watches the disk itself
	reg001 := func() []protocol.Diagnostic {
		var out []protocol.Diagnostic
		for _, d := range w.diags.Diagnostics(alpha) {
			if d.Code == "REG001" {
				out = append(out, d)
			}
		}
		return out
	}
	if err := w.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	wsEventually(t, ctx, "REG001 at the file's severity", func() bool {
		d := reg001()
		return len(d) == 1 && d[0].Severity == protocol.DiagnosticSeverityWarning
	})
	if c := w.Snapshot().Configs(); len(c) != 1 || c[0].String() != "linux/arm64+cgo" {
		t.Errorf("matrix %v, want the file's linux/arm64+cgo", c)
	}

	// The file disables REG001 and drops its matrix: the default comes back.
	writeCfg("rules:\n  disabled: [REG001]\n")
	wsEventually(t, ctx, "REG001 disabled by the file, default matrix", func() bool {
		return len(reg001()) == 0 && sameConfigs(w.Snapshot().Configs(), index.DefaultConfigs())
	})

	// A broken file: an error on its line, REG001 stays disabled.
	writeCfg("rules:\n  disabled: [REG001]\nseverity:\n  REG999: error\n")
	wsEventually(t, ctx, "the unknown rule shown on line 4", func() bool {
		for _, d := range w.diags.Diagnostics(proxy.URIFromPath(cfg)) {
			if d.Code == ProblemCode && d.Range.Start.Line == 3 && strings.Contains(d.Message, `unknown rule "REG999" (known: MF001,`) {
				return true
			}
		}
		return false
	})
	if d := reg001(); len(d) != 0 {
		t.Errorf("a broken file lost the last good settings: %v", d)
	}

	// The editor's settings win over the file, per rule.
	w.applySettings(json.RawMessage(`{"rules": {"enabled": ["REG001"]}, "severity": {"REG001": "info"}}`))
	wsEventually(t, ctx, "REG001 enabled by the editor at its severity", func() bool {
		d := reg001()
		return len(d) == 1 && d[0].Severity == protocol.DiagnosticSeverityInformation
	})
}

// TestBrokenFileMatrixSettles: a file whose buildConfigs the index takes
// but whose rules are broken is shown, and the index settles on the
// default matrix (the last good files' one): a rebuild links under the
// matrix it was compared with, so it does not rebuild again.
func TestBrokenFileMatrixSettles(t *testing.T) {
	ctx := ctxT(t)
	root := wsCopy(t, "multi")
	cfg := filepath.Join(root, "plugins", ".plugin-lsp.yaml")
	if err := os.WriteFile(cfg, []byte("rules:\n  disabled: [REG999]\nbuildConfigs: [linux/arm64]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, w, _ := wsSession(t, root, `{}`)
	if err := w.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	wsEventually(t, ctx, "the default matrix and the error on line 2", func() bool {
		shown := false
		for _, d := range w.diags.Diagnostics(proxy.URIFromPath(cfg)) {
			shown = shown || d.Code == ProblemCode && d.Range.Start.Line == 1
		}
		return shown && sameConfigs(w.Snapshot().Configs(), index.DefaultConfigs())
	})
	if _, err := w.Synced(ctx); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	w.rebuild = false
	w.mu.Unlock()
	w.engineOptions(w.Snapshot(), true)
	w.mu.Lock()
	again := w.rebuild
	w.mu.Unlock()
	if again {
		t.Error("the settled index asks for another rebuild")
	}
}

// TestDocumentedSettingsParse: every plugin-lsp settings object shown in
// the docs and the README (a JSON block with rules, severity or
// buildConfigs) is accepted by ParseSettings, as every documented
// .plugin-lsp.yaml is by the file's parser (diagnostics
// TestDocumentedConfigsParse).
func TestDocumentedSettingsParse(t *testing.T) {
	docs, _ := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	docs = append(docs, filepath.Join("..", "README.md"))
	block := regexp.MustCompile("(?s)```json\n(.*?)```")
	n := 0
	for _, d := range docs {
		b, err := os.ReadFile(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range block.FindAllSubmatch(b, -1) {
			var top map[string]json.RawMessage
			if json.Unmarshal(m[1], &top) != nil || top["rules"] == nil && top["severity"] == nil && top["buildConfigs"] == nil {
				continue // another JSON (a report, a reply)
			}
			n++
			if _, err := ParseSettings(m[1]); err != nil {
				t.Errorf("%s: documented settings: %v\n%s", d, err, m[1])
			}
		}
	}
	if n < 2 {
		t.Errorf("found %d documented settings objects; the test lost track of them", n)
	}
}
