package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// These tests stop the real gopls with SIGSTOP: it stays alive, reads
// nothing and answers nothing, as a deadlocked gopls would (issue 11, item 2).

// stopGopls SIGSTOPs the proxy's gopls and makes sure it is resumed (so that
// it can be killed and reaped) when the test ends.
func stopGoplsProc(t *testing.T, pid int) {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGCONT) })
}

// bigEdits sends n full-text didChanges of about size bytes each for uri,
// starting at version v; the last text is returned.
func bigEdits(p *lspProc, uri, base string, v, n, size int) string {
	pad := "\n// " + strings.Repeat("x", size) + "\n"
	text := base
	for i := 0; i < n; i++ {
		text = base + pad + "// edit " + string(rune('a'+i%26)) + "\nconst unsavedOnly = 42\n"
		p.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": v + i},
			"contentChanges": []any{map[string]any{"text": text}},
		})
	}
	return text
}

// startStoppedMulti starts the proxy (with env) on testdata/lsp/multi, opens
// gamma.go, waits for gopls to have answered, then SIGSTOPs gopls.
func startStoppedMulti(t *testing.T, ctx context.Context, settings json.RawMessage, env ...string) (p *lspProc, gammaURI, gamma string, pid int) {
	t.Helper()
	ws, err := filepath.Abs(filepath.Join("..", "testdata", "lsp", "multi"))
	if err != nil {
		t.Fatal(err)
	}
	p = startProxy(t, env...)
	if settings != nil {
		p.setAnswer(func(m *message) (json.RawMessage, *rpcError) {
			if m.method != "workspace/configuration" {
				return defaultAnswer(m)
			}
			return configurationReply(m, func(section string) json.RawMessage {
				if section == SettingsSection {
					return settings
				}
				return nil
			})
		})
	}
	p.initialize(ctx, ws, nil)
	waitIndexReady(ctx, t, p)
	gammaPath := filepath.Join(ws, "plugins", "gamma", "gamma.go")
	gammaURI = fileURI(gammaPath)
	gamma = readText(t, gammaPath)
	openDoc(p, gammaURI, gamma, 1)
	p.waitFor(ctx, "gopls's diagnostics for gamma.go", hasDiagnosticsFor(gammaURI))
	pid = onlyChild(t, p)
	stopGoplsProc(t, pid)
	return p, gammaURI, gamma, pid
}

// TestStoppedGoplsOwnAnswers: with the real gopls stopped and the watchdog
// out of the way (an hour), the editor still gets what does not need
// gopls: a cancel is answered at once with RequestCancelled, hover on a
// plugin name is answered from the index alone (gopls's half is waited for
// a bounded time), and the proxy keeps reading while megabytes of edits
// pile up for gopls.
func TestStoppedGoplsOwnAnswers(t *testing.T) {
	ctx := ctxT(t)
	p, gammaURI, gamma, _ := startStoppedMulti(t, ctx, nil, "PLUGIN_LSP_TEST_GOPLS_TIMEOUT=1h")

	cancelID := json.RawMessage(`"cancelled-at-stopped-gopls"`)
	cancelCh := p.expect(cancelID)
	p.w.write(encodeRequest(cancelID, "textDocument/foldingRange", json.RawMessage(`{"textDocument":{"uri":"`+gammaURI+`"}}`)))
	p.notify("$/cancelRequest", map[string]any{"id": cancelID})
	m, err := p.wait(ctx, cancelID, cancelCh)
	if err != nil {
		t.Fatalf("cancel with gopls stopped: %v", err)
	}
	if code := errorCode(m); code != int64(codeRequestCancelled) {
		t.Errorf("cancelled request: reply %s %s, want error code %d", m.result, m.error, codeRequestCancelled)
	}

	hover := p.call(ctx, "textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": gammaURI}, "position": at(t, gamma, `"metrics"`, 0, 2)})
	if !bytes.Contains(hover, []byte("plugin `metrics`")) {
		t.Errorf("hover on a plugin name with gopls stopped: %s", hover)
	}

	// 3 MiB of edits: more than the pipe to gopls holds. The status
	// command (answered by the proxy) still answers.
	bigEdits(p, gammaURI, gamma, 2, 12, 256<<10)
	if st := status(t, ctx, p); st.Gopls.State != "running" {
		t.Errorf("status after the edits: %+v", st)
	}
}

// TestGoplsHung: the watchdog kills a stopped gopls and restarts it with the
// unsaved text replayed (not the queue of edits), and the request that was
// pending gets an error that says gopls hung; the user is told. The limit
// comes from the editor's goplsTimeoutSeconds setting (3 s), which replaces
// the proxy's option (an hour here).
func TestGoplsHung(t *testing.T) {
	ctx := ctxT(t)
	p, gammaURI, gamma, pid := startStoppedMulti(t, ctx, json.RawMessage(`{"goplsTimeoutSeconds":3}`), "PLUGIN_LSP_TEST_GOPLS_TIMEOUT=1h")

	pendingID := json.RawMessage(`"pending-at-hung-gopls"`)
	pendingCh := p.expect(pendingID)
	p.w.write(encodeRequest(pendingID, "textDocument/documentSymbol", json.RawMessage(`{"textDocument":{"uri":"`+gammaURI+`"}}`)))
	text := bigEdits(p, gammaURI, gamma, 2, 12, 256<<10)

	m, err := p.wait(ctx, pendingID, pendingCh)
	if err != nil {
		t.Fatalf("request pending at the stopped gopls: %v", err)
	}
	if m.error == nil || !bytes.Contains(m.error, []byte("hung")) {
		t.Errorf("request pending at the stopped gopls: reply %s %s, want an error saying gopls hung", m.result, m.error)
	}
	st := waitStatus(t, ctx, p, "restart after the hang", func(st Status) bool { return st.Gopls.State == "running" && st.Gopls.Generation >= 1 })
	if st.Gopls.Pid == pid || !processGone(pid) {
		t.Errorf("old gopls %d gone=%v, new %d", pid, processGone(pid), st.Gopls.Pid)
	}
	h := p.call(ctx, "textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": gammaURI}, "position": at(t, text, "unsavedOnly", 0, 0)})
	if !bytes.Contains(h, []byte("42")) {
		t.Errorf("hover after restart does not see the unsaved text: %s", h)
	}
	var told bool
	for _, n := range p.notifications("window/showMessage") {
		told = told || bytes.Contains(n.params, []byte("gopls hung"))
	}
	if !told {
		t.Errorf("the user was not told that gopls hung")
	}
	if err := p.shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// TestSigtermWithStoppedGopls: SIGTERM ends the proxy even when gopls is
// stopped and its stdin pipe is full (the read loop once blocked writing to
// it while holding the lock that SIGTERM's clean-up needed), and the stopped
// gopls is killed, not left behind.
func TestSigtermWithStoppedGopls(t *testing.T) {
	ctx := ctxT(t)
	ws := workspace(t)
	p := startProxy(t, "PLUGIN_LSP_TEST_EXIT_GRACE=1s")
	p.initialize(ctx, ws, nil)
	mainPath := filepath.Join(ws, "main.go")
	mainURI := fileURI(mainPath)
	base := readText(t, mainPath)
	openDoc(p, mainURI, base, 1)
	p.waitFor(ctx, "diagnostics for main.go", hasDiagnosticsFor(mainURI))
	pid := onlyChild(t, p)
	stopGoplsProc(t, pid)
	bigEdits(p, mainURI, base, 2, 12, 256<<10)
	// The proxy is still reading: a status request after the edits is
	// answered.
	status(t, ctx, p)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-ctx.Done():
		t.Fatalf("the proxy did not exit after SIGTERM with gopls stopped")
	}
	if !processGone(pid) {
		t.Errorf("stopped gopls %d still exists after the proxy exited", pid)
	}
}
