//go:build unix

package lsp

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
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
		cfgDiags = w.diags.Diagnostics(proxy.URIFromPath(cfg))
		fifoDiags = w.diags.Diagnostics(proxy.URIFromPath(fifo))
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

// TestProblemAboutDirectoryIsAMessage: a problem about a directory (the
// walk could not read it) has no document to show on: it becomes a
// window/showMessage text, once.
func TestProblemAboutDirectoryIsAMessage(t *testing.T) {
	dir := t.TempDir()
	probs := []index.Problem{{Kind: index.ProblemSkipped, Path: dir, Msg: "skipped: unreadable: permission denied"}}
	fs, msgs := problemFindings(index.New(index.Options{}).Snapshot(), probs)
	if len(fs) != 0 || len(msgs) != 1 || msgs[0] != "plugin-lsp: "+dir+": skipped: unreadable: permission denied" {
		t.Fatalf("findings %v, messages %q", fs, msgs)
	}
	out := &lockedBuffer{}
	s, err := proxy.NewSession(context.Background(), strings.NewReader(""), out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	var shown shownMessages
	shown.show(s, msgs)
	shown.show(s, msgs)
	if n := strings.Count(out.String(), "window/showMessage"); n != 1 {
		t.Errorf("%d showMessage notifications, want 1:\n%s", n, out.String())
	}
}
