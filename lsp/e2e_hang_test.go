package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
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
	// kill(2) returns before every thread of gopls has stopped: a request
	// sent at once was sometimes still answered (TestGoplsHung failed about
	// one run in eight). Wait until the kernel reports the process stopped.
	stat := fmt.Sprintf("/proc/%d/stat", pid)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		b, err := os.ReadFile(stat)
		if err != nil {
			return // no /proc: nothing to wait on
		}
		// "pid (comm) S …": the state follows the last ')'.
		if i := bytes.LastIndexByte(b, ')'); i >= 0 && i+2 < len(b) && b[i+2] == 'T' {
			return
		}
	}
	t.Fatalf("gopls %d did not stop within 10 s of SIGSTOP", pid)
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
		p.setAnswer(func(m *wire.Message) (json.RawMessage, *wire.Error) {
			if m.Method != "workspace/configuration" {
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
	p.w.Write(wire.EncodeRequest(cancelID, "textDocument/foldingRange", json.RawMessage(`{"textDocument":{"uri":"`+gammaURI+`"}}`)))
	p.notify("$/cancelRequest", map[string]any{"id": cancelID})
	m, err := p.wait(ctx, cancelID, cancelCh)
	if err != nil {
		t.Fatalf("cancel with gopls stopped: %v", err)
	}
	if code := errorCode(m); code != int64(wire.CodeRequestCancelled) {
		t.Errorf("cancelled request: reply %s %s, want error code %d", m.Result, m.Error, wire.CodeRequestCancelled)
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
	p.w.Write(wire.EncodeRequest(pendingID, "textDocument/documentSymbol", json.RawMessage(`{"textDocument":{"uri":"`+gammaURI+`"}}`)))
	text := bigEdits(p, gammaURI, gamma, 2, 12, 256<<10)

	m, err := p.wait(ctx, pendingID, pendingCh)
	if err != nil {
		t.Fatalf("request pending at the stopped gopls: %v", err)
	}
	if m.Error == nil || !bytes.Contains(m.Error, []byte("hung")) {
		t.Errorf("request pending at the stopped gopls: reply %s %s, want an error saying gopls hung", m.Result, m.Error)
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
		told = told || bytes.Contains(n.Params, []byte("gopls hung"))
	}
	if !told {
		t.Errorf("the user was not told that gopls hung")
	}
	if err := p.shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// TestQueueOverflowRestartsGopls: edits that pile up for a stopped gopls
// are bounded: when its queue passes MaxQueue (1 MiB here; the watchdog is
// out of the way), gopls counts as hung and is restarted with the current
// text, so memory never holds more than the queue's bound of edits.
func TestQueueOverflowRestartsGopls(t *testing.T) {
	ctx := ctxT(t)
	p, gammaURI, gamma, pid := startStoppedMulti(t, ctx, nil, "PLUGIN_LSP_TEST_GOPLS_TIMEOUT=1h", "PLUGIN_LSP_TEST_MAXQUEUE=1048576")
	// The pipe to gopls holds 1 MiB, the queue 1 MiB more: 4 MiB overflow it.
	text := bigEdits(p, gammaURI, gamma, 2, 16, 256<<10)
	st := waitStatus(t, ctx, p, "restart after the overflow", func(st Status) bool { return st.Gopls.State == "running" && st.Gopls.Generation >= 1 })
	if st.Gopls.Pid == pid || !processGone(pid) {
		t.Errorf("old gopls %d gone=%v, new %d", pid, processGone(pid), st.Gopls.Pid)
	}
	h := p.call(ctx, "textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": gammaURI}, "position": at(t, text, "unsavedOnly", 0, 0)})
	if !bytes.Contains(h, []byte("42")) {
		t.Errorf("hover after the restart does not see the last text: %s", h)
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

// fakeGopls writes a gopls stand-in script that runs the real gopls for the
// first start when firstReal is set and then, for every start, does what
// mode says: "silent" reads nothing and answers nothing, "garbage" prints
// lines that are no LSP frames and stays alive.
func fakeGopls(t *testing.T, mode string, firstReal bool) string {
	t.Helper()
	dir := t.TempDir()
	real := "exec sleep 3600"
	if mode == "garbage" {
		real = "while :; do echo 'gopls: not a frame'; sleep 0.1; done"
	}
	first := real
	if firstReal {
		first = "exec " + needGopls(t) + ` "$@"`
	}
	script := "#!/bin/sh\n" +
		"n=$(cat " + dir + "/count 2>/dev/null || echo 0)\n" +
		"echo $((n+1)) > " + dir + "/count\n" +
		"if [ \"$n\" = 0 ]; then " + first + "; fi\n" +
		real + "\n"
	path := filepath.Join(dir, "gopls")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestGoplsNeverAnswers: gopls stand-ins that never answer (a restart that
// never answers initialize; a gopls that prints garbage from the start and
// stays alive) are killed by the watchdog and restarted until the crash
// limit; every request gets an answer and the user is told.
func TestGoplsNeverAnswers(t *testing.T) {
	for _, tt := range []struct {
		name      string
		mode      string
		firstReal bool
	}{
		{"restart never answers initialize", "silent", true},
		{"garbage from the start", "garbage", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := ctxT(t)
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "PLUGIN_LSP_TEST_PROXY=1", "PLUGIN_LSP_TEST_FAKES=1",
				"PLUGIN_LSP_TEST_GOPLS="+fakeGopls(t, tt.mode, tt.firstReal),
				"PLUGIN_LSP_TEST_GOPLS_TIMEOUT=1s", "PLUGIN_LSP_TEST_MAXCRASHES=3", "PLUGIN_LSP_TEST_EXIT_GRACE=1s")
			p := startProc(t, cmd)
			ws := workspace(t)
			m, err := p.send(ctx, "initialize", map[string]any{"processId": os.Getpid(), "rootUri": fileURI(ws), "capabilities": editorCapabilities()})
			if err != nil {
				t.Fatalf("initialize: %v", err)
			}
			if tt.firstReal {
				if m.Error != nil {
					t.Fatalf("initialize with the real gopls: %s", m.Error)
				}
				p.notify("initialized", map[string]any{})
				if err := syscall.Kill(onlyChild(t, p), syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
			} else if m.Error == nil || !bytes.Contains(m.Error, []byte("hung")) {
				t.Errorf("initialize with a gopls printing garbage: %s %s, want an error saying gopls hung", m.Result, m.Error)
			}
			waitStatus(t, ctx, p, "giving up", func(st Status) bool { return st.Gopls.State == "stopped" })
			m, err = p.send(ctx, "textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": fileURI(filepath.Join(ws, "main.go"))}, "position": map[string]any{"line": 0, "character": 0}})
			if err != nil || m.Error == nil || !bytes.Contains(m.Error, []byte("not running")) {
				t.Errorf("hover after giving up: %v %s", err, m.Raw)
			}
			p.waitFor(ctx, "the give-up message", func(notes, _ []*wire.Message) bool {
				for _, n := range notes {
					if n.Method == "window/showMessage" && bytes.Contains(n.Params, []byte("stopped restarting")) {
						return true
					}
				}
				return false
			})
			if err := p.shutdown(ctx); err != nil && !strings.Contains(err.Error(), "exit status") {
				t.Errorf("shutdown: %v", err)
			}
		})
	}
}
