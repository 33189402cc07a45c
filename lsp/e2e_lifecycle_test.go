package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// TestGoplsCrash kills gopls with SIGKILL twice in one session. The editor
// gets an answer (result or error) to what was in flight, never a hang; the
// next request succeeds on the restarted gopls, which has the unsaved text
// of the open document; our diagnostics are published again; the user is
// told once.
func TestGoplsCrash(t *testing.T) {
	ctx := ctxT(t)
	ws := workspace(t)
	p := startProxy(t, "PLUGIN_LSP_TEST_FAKES=1")
	p.initialize(ctx, ws, nil)
	mainPath := filepath.Join(ws, "main.go")
	mainURI := fileURI(mainPath)
	text := readText(t, mainPath) + "\nconst unsavedOnly = 42\n"
	openDoc(p, mainURI, text, 1)
	// A later incremental edit: the replay must send the text after it.
	end := at(t, text, "42", 0, 2)
	p.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": mainURI, "version": 2}, "contentChanges": []any{map[string]any{"range": map[string]any{"start": end, "end": end}, "text": "0"}}})
	text = strings.Replace(text, "= 42", "= 420", 1)
	p.waitFor(ctx, "diagnostics for main.go", hasDiagnosticsFor(mainURI))
	ours := `[{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":7}},"severity":2,"code":"PL001","source":"plugin-lsp","message":"ours"}]`
	p.call(ctx, "workspace/executeCommand", map[string]any{"command": "plugin-lsp.test.setDiagnostics", "arguments": []json.RawMessage{json.RawMessage(`"` + mainURI + `"`), json.RawMessage(ours)}})
	hover := map[string]any{"textDocument": map[string]any{"uri": mainURI}, "position": at(t, text, "unsavedOnly", 0, 0)}

	var pids []int
	for round := 1; round <= 2; round++ {
		pid := onlyChild(t, p)
		pids = append(pids, pid)
		if st := status(t, ctx, p); st.Gopls.Pid != pid {
			t.Fatalf("status names gopls pid %d, /proc says %d", st.Gopls.Pid, pid)
		}
		nPublish := len(p.notifications("textDocument/publishDiagnostics"))
		// In flight while gopls dies: must get an answer.
		id := json.RawMessage(`"inflight-` + string(rune('0'+round)) + `"`)
		ch := p.expect(id)
		p.w.Write(wire.EncodeRequest(id, "workspace/symbol", json.RawMessage(`{"query":"shout"}`)))
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		m, err := p.wait(ctx, id, ch)
		if err != nil {
			t.Fatalf("round %d: request in flight during the crash: %v", round, err)
		}
		if m.Error != nil && !bytes.Contains(m.Error, []byte("gopls crashed")) {
			t.Errorf("round %d: in-flight error does not say what happened: %s", round, m.Error)
		}
		// The next request succeeds on the new gopls, with the overlay replayed.
		h := p.call(ctx, "textDocument/hover", hover)
		if !bytes.Contains(h, []byte("420")) {
			t.Errorf("round %d: hover after restart does not see the unsaved edit: %s", round, h)
		}
		st := waitStatus(t, ctx, p, "restart", func(st Status) bool { return st.Gopls.State == "running" && st.Gopls.Generation == round })
		if st.Gopls.Pid == pid || processGone(st.Gopls.Pid) || !processGone(pid) {
			t.Errorf("round %d: old pid %d gone=%v, new pid %d gone=%v", round, pid, processGone(pid), st.Gopls.Pid, processGone(st.Gopls.Pid))
		}
		// Our diagnostics were sent again with gopls's after the restart.
		p.waitFor(ctx, "the union re-published after restart", func(notes, _ []*wire.Message) bool {
			var pubs []*wire.Message
			for _, n := range notes {
				if n.Method == "textDocument/publishDiagnostics" {
					pubs = append(pubs, n)
				}
			}
			for _, n := range pubs[min(nPublish, len(pubs)):] {
				if bytes.Contains(n.Params, []byte(mainURI)) && bytes.Contains(n.Params, []byte(`"ours"`)) {
					return true
				}
			}
			return false
		})
	}
	// The dead gopls's registrations (file watching, configuration) were
	// withdrawn at the editor before the new gopls registered its own, so
	// the editor never holds two with the same id.
	unreg := p.serverRequests("client/unregisterCapability")
	if len(unreg) == 0 {
		t.Errorf("no client/unregisterCapability after the crashes")
	} else {
		if !strings.HasPrefix(string(unreg[0].ID), `"plsp:`) {
			t.Errorf("unregisterCapability id %s, want one of ours (\"plsp:N\")", unreg[0].ID)
		}
		reg := p.serverRequests("client/registerCapability")
		var firstID string
		var r struct {
			Registrations []struct{ ID string } `json:"registrations"`
		}
		if len(reg) > 0 && json.Unmarshal(reg[0].Params, &r) == nil && len(r.Registrations) > 0 {
			firstID = r.Registrations[0].ID
		}
		if firstID == "" || !bytes.Contains(unreg[0].Params, []byte(strconv.Quote(firstID))) {
			t.Errorf("unregisterCapability %s does not withdraw the first registration %q", unreg[0].Params, firstID)
		}
	}
	var crashMsgs int
	for _, n := range p.notifications("window/showMessage") {
		if bytes.Contains(n.Params, []byte("gopls crashed")) {
			crashMsgs++
		}
	}
	if crashMsgs != 1 {
		t.Errorf("%d crash messages to the user, want 1", crashMsgs)
	}
	last := onlyChild(t, p)
	if err := p.shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if !processGone(last) {
		t.Errorf("gopls %d still exists after the session ended", last)
	}
}

// TestGoplsCrashGiveUp: after MaxCrashes crashes within the window the proxy
// stops restarting, says so, and answers requests with a clear error.
func TestGoplsCrashGiveUp(t *testing.T) {
	ctx := ctxT(t)
	p := startProxy(t, "PLUGIN_LSP_TEST_FAKES=1", "PLUGIN_LSP_TEST_MAXCRASHES=2")
	p.initialize(ctx, workspace(t), nil)
	syscall.Kill(onlyChild(t, p), syscall.SIGKILL)
	waitStatus(t, ctx, p, "first restart", func(st Status) bool { return st.Gopls.State == "running" && st.Gopls.Generation == 1 })
	syscall.Kill(onlyChild(t, p), syscall.SIGKILL)
	waitStatus(t, ctx, p, "giving up", func(st Status) bool { return st.Gopls.State == "stopped" })
	p.waitFor(ctx, "the give-up message", func(notes, _ []*wire.Message) bool {
		for _, n := range notes {
			if n.Method == "window/showMessage" && bytes.Contains(n.Params, []byte("stopped restarting")) {
				return true
			}
		}
		return false
	})
	m, err := p.send(ctx, "workspace/symbol", map[string]any{"query": "x"})
	if err != nil || !bytes.Contains(m.Error, []byte("gopls is not running")) {
		t.Errorf("request after giving up: %v %v, want an error saying gopls is not running", m, err)
	}
	if kids := childPids(t, p.cmd.Process.Pid); len(kids) != 0 {
		t.Errorf("gopls processes after giving up: %v", kids)
	}
	p.send(ctx, "shutdown", nil)
	p.notify("exit", nil)
	select {
	case <-p.exited:
	case <-ctx.Done():
		t.Fatal("proxy did not exit")
	}
}

// TestSessionEnd: shutdown+exit, exit alone and closing stdin each end the
// proxy and its gopls, with the exit code the protocol asks for.
func TestSessionEnd(t *testing.T) {
	tests := []struct {
		name     string
		end      func(p *lspProc, ctx context.Context)
		wantCode int
	}{
		{"shutdown and exit", func(p *lspProc, ctx context.Context) {
			p.call(ctx, "shutdown", nil)
			p.notify("exit", nil)
		}, 0},
		{"exit without shutdown", func(p *lspProc, ctx context.Context) { p.notify("exit", nil) }, 1},
		{"stdin closed", func(p *lspProc, ctx context.Context) { p.in.Close() }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := ctxT(t)
			p := startProxy(t)
			p.initialize(ctx, workspace(t), nil)
			gopls := onlyChild(t, p)
			tt.end(p, ctx)
			select {
			case <-p.exited:
			case <-ctx.Done():
				t.Fatal("proxy did not exit")
			}
			if code := p.cmd.ProcessState.ExitCode(); code != tt.wantCode {
				t.Errorf("exit code %d, want %d", code, tt.wantCode)
			}
			if !processGone(gopls) {
				t.Errorf("gopls (pid %d) outlived the proxy", gopls)
			}
		})
	}
}

// TestServeStopsAllGoroutines runs Serve in this process and checks that
// every goroutine it started is gone once it returns.
func TestServeStopsAllGoroutines(t *testing.T) {
	ctx := ctxT(t)
	before := runtime.NumGoroutine()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, inR, outW, Options{GoplsPath: needGopls(t), Features: sessionFeatures([]FeatureFunc{statusFeature})})
		outW.Close()
	}()
	w := wire.NewWriter(inW)
	r := wire.NewReader(outR)
	// Drain everything the proxy writes, so it never blocks on us.
	replies := make(chan *wire.Message, 100)
	go func() {
		defer close(replies)
		for {
			body, err := r.Read()
			if err != nil {
				return
			}
			if m, err := wire.Parse(body); err == nil && m.Kind == wire.KindResponse {
				replies <- m
			} else if err == nil && m.Kind == wire.KindRequest {
				w.Write(encodeResponse(m.ID, json.RawMessage("null")))
			}
		}
	}()
	w.Write(wire.EncodeRequest(json.RawMessage("1"), "initialize", json.RawMessage(`{"processId":null,"rootUri":null,"capabilities":{}}`)))
	waitReply(t, ctx, replies)
	w.Write(wire.EncodeNotification("initialized", json.RawMessage(`{}`)))
	w.Write(wire.EncodeRequest(json.RawMessage("2"), "shutdown", nil))
	waitReply(t, ctx, replies)
	w.Write(wire.EncodeNotification("exit", nil))
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("Serve did not return after exit")
	}
	inW.Close()
	for range replies {
	}
	// Goroutines that have finished may take a moment to be reaped; wait
	// (bounded by ctx) rather than assert at once.
	for runtime.NumGoroutine() > before {
		select {
		case <-ctx.Done():
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines before Serve, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func waitReply(t *testing.T, ctx context.Context, replies chan *wire.Message) {
	t.Helper()
	select {
	case m := <-replies:
		if m.Error != nil {
			t.Fatalf("error reply: %s", m.Error)
		}
	case <-ctx.Done():
		t.Fatal("no reply")
	}
}
