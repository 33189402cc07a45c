package lsp

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"go.lsp.dev/protocol"
)

// TestProblemsAreDiagnostics: in the editor, a .plugin-lsp.yaml with an
// unknown key is an error diagnostic (code CHECK) on its line, and a FIFO
// named x.go (which used to hang the index) a warning on that file; the
// rest of the workspace is still indexed and checked. Before, both were
// silent.
func TestProblemsAreDiagnostics(t *testing.T) {
	ctx := ctxT(t)
	root := wsCopy(t, "multi")
	cfg := filepath.Join(root, "plugins", ".plugin-lsp.yaml")
	if err := os.WriteFile(cfg, []byte("registries:\n  - register: example.com/contract/registry.Register\n    allow: [fmt]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(root, "plugins", "alpha", "x.go")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	_, w, _ := wsSession(t, root, `{}`)
	if err := w.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	var cfgDiags, fifoDiags []protocol.Diagnostic
	wsEventually(t, ctx, "problem diagnostics", func() bool {
		cfgDiags = w.diags.Diagnostics(URIFromPath(cfg))
		fifoDiags = w.diags.Diagnostics(URIFromPath(fifo))
		return len(cfgDiags) == 1 && len(fifoDiags) == 1
	})
	d := cfgDiags[0]
	if d.Code != ProblemCode || d.Severity != protocol.DiagnosticSeverityError || d.Range.Start.Line != 2 || d.Source != DiagnosticSource {
		t.Errorf("config diagnostic %+v", d)
	}
	if d := fifoDiags[0]; d.Code != ProblemCode || d.Severity != protocol.DiagnosticSeverityWarning {
		t.Errorf("fifo diagnostic %+v", d)
	}
	if n := len(w.Snapshot().Registrations()); n != 3 {
		t.Errorf("%d registrations, want 3", n)
	}
}
