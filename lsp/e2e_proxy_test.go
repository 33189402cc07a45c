package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// childPids returns the pids of pid's child processes, from /proc.
func childPids(t testing.TB, pid int) []int {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatalf("reading /proc: %v", err)
	}
	var out []int
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces, so cut at the last ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, n)
		}
	}
	return out
}

// processGone reports whether pid no longer exists (not even as a zombie).
func processGone(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	return os.IsNotExist(err)
}

// onlyChild returns the proxy's single child process: its gopls.
func onlyChild(t testing.TB, p *lspProc) int {
	t.Helper()
	kids := childPids(t, p.cmd.Process.Pid)
	if len(kids) != 1 {
		t.Fatalf("proxy has %d child processes %v, want 1 (gopls)", len(kids), kids)
	}
	return kids[0]
}

func status(t testing.TB, ctx context.Context, p *lspProc) Status {
	t.Helper()
	res := p.call(ctx, "workspace/executeCommand", map[string]any{"command": StatusCommand})
	var st Status
	if err := json.Unmarshal(res, &st); err != nil {
		t.Fatalf("status %s: %v", res, err)
	}
	return st
}

// waitStatus polls plugin-lsp.status until cond holds (bounded by ctx).
func waitStatus(t testing.TB, ctx context.Context, p *lspProc, what string, cond func(Status) bool) Status {
	t.Helper()
	for {
		st := status(t, ctx, p)
		if cond(st) {
			return st
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: last status %+v", what, st)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func errorCode(m *wire.Message) int64 {
	var e struct {
		Code int64 `json:"code"`
	}
	_ = json.Unmarshal(m.Error, &e)
	return e.Code
}

// TestProxySession runs one proxy session (with the test features) and
// checks, in order, the behaviours that do not need a fresh process.
func TestProxySession(t *testing.T) {
	ctx := ctxT(t)
	ws := workspace(t)
	p := startProxy(t, "PLUGIN_LSP_TEST_FAKES=1")
	configAnswer := `{"hoverKind":"NoDocumentation"}`
	p.answer = func(m *wire.Message) (json.RawMessage, *wire.Error) {
		switch m.Method {
		case "workspace/configuration":
			p.mu.Lock()
			answer := json.RawMessage(configAnswer)
			p.mu.Unlock()
			return configurationReply(m, func(string) json.RawMessage { return answer })
		case "window/showMessageRequest":
			return json.RawMessage(`{"title":"b"}`), nil
		}
		return defaultAnswer(m)
	}
	res := p.initialize(ctx, ws, nil)

	mainPath := filepath.Join(ws, "main.go")
	mainURI, mainText := fileURI(mainPath), readText(t, mainPath)
	openDoc(p, mainURI, mainText, 1)
	p.waitFor(ctx, "diagnostics for main.go", hasDiagnosticsFor(mainURI))

	t.Run("capabilities merged", func(t *testing.T) {
		caps := wire.GetMember(res, "capabilities")
		trig := wire.GetPath(caps, "completionProvider", "triggerCharacters")
		if !bytes.Contains(trig, []byte(`"."`)) || !bytes.Contains(trig, []byte(`"\""`)) {
			t.Errorf("triggerCharacters = %s, want gopls's \".\" and our '\"'", trig)
		}
		if v := wire.GetMember(caps, "codeLensProvider"); string(v) == `{"resolveProvider":false}` {
			t.Errorf("gopls's codeLensProvider was replaced by ours: %s", v)
		}
		if v := wire.GetMember(caps, "pluginLspTest"); string(v) != "true" {
			t.Errorf("capability gopls lacks was not added: %s", v)
		}
		cmds := wire.GetPath(caps, "executeCommandProvider", "commands")
		for _, c := range []string{StatusCommand, "plugin-lsp.test.setDiagnostics", "gopls.tidy"} {
			if !bytes.Contains(cmds, []byte(strconv.Quote(c))) {
				t.Errorf("executeCommandProvider.commands lacks %s: %s", c, cmds)
			}
		}
		if wire.GetMember(res, "serverInfo") == nil {
			t.Errorf("serverInfo missing: %s", res)
		}
	})

	t.Run("gopls requests reach the editor and replies reach gopls", func(t *testing.T) {
		p.waitFor(ctx, "workspace/configuration, progress create and registerCapability", func(_, reqs []*wire.Message) bool {
			seen := map[string]bool{}
			for _, r := range reqs {
				seen[r.Method] = true
			}
			return seen["workspace/configuration"] && seen["window/workDoneProgress/create"] && seen["client/registerCapability"]
		})
		reg := p.serverRequests("client/registerCapability")
		if !bytes.Contains(reg[0].Params, []byte("workspace/didChangeWatchedFiles")) {
			t.Errorf("registerCapability params: %s", reg[0].Params)
		}
		// The progress token gopls created must be used in $/progress: gopls
		// only begins progress after our reply to create reached it.
		create := p.serverRequests("window/workDoneProgress/create")[0]
		token := wire.GetMember(create.Params, "token")
		p.waitFor(ctx, "$/progress for the created token", func(notes, _ []*wire.Message) bool {
			for _, n := range notes {
				if n.Method == "$/progress" && bytes.Equal(wire.GetMember(n.Params, "token"), token) {
					return true
				}
			}
			return false
		})
		// The configuration answer (hoverKind NoDocumentation) reached gopls:
		// hover has no doc comment. Then a configuration change makes gopls
		// ask again, and the new answer (defaults) brings the doc back.
		greeterPos := at(t, mainText, "Greeter, name", 0, 0)
		hp := map[string]any{"textDocument": map[string]any{"uri": mainURI}, "position": greeterPos}
		if h := p.call(ctx, "textDocument/hover", hp); bytes.Contains(h, []byte("says hello")) {
			t.Errorf("hover shows documentation although the configuration said NoDocumentation: %s", h)
		}
		n := len(p.serverRequests("workspace/configuration"))
		p.mu.Lock()
		configAnswer = `{}`
		p.mu.Unlock()
		p.notify("workspace/didChangeConfiguration", map[string]any{"settings": nil})
		p.waitFor(ctx, "a new workspace/configuration request", func(_, reqs []*wire.Message) bool {
			c := 0
			for _, r := range reqs {
				if r.Method == "workspace/configuration" {
					c++
				}
			}
			return c > n
		})
		if h := p.call(ctx, "textDocument/hover", hp); !bytes.Contains(h, []byte("says hello")) {
			t.Errorf("hover lacks documentation after the configuration changed: %s", h)
		}
	})

	t.Run("our own requests to the editor", func(t *testing.T) {
		res := p.call(ctx, "workspace/executeCommand", map[string]any{"command": "plugin-lsp.test.askEditor"})
		if string(res) != `{"title":"b"}` {
			t.Errorf("askEditor result %s, want the editor's reply", res)
		}
		reqs := p.serverRequests("window/showMessageRequest")
		if len(reqs) != 1 || !strings.HasPrefix(string(reqs[0].ID), `"plsp:`) {
			t.Errorf("our request to the editor: %v, want one with a \"plsp:N\" id", reqs)
		}
	})

	t.Run("malformed frames", func(t *testing.T) {
		tests := []struct {
			name  string
			frame string
			code  int64
		}{
			{"bad Content-Length", "Content-Length: abc\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":901,\"method\":\"x\"}", -32700},
			{"missing Content-Length", "Content-Type: x\r\n\r\n{}", -32700},
			{"invalid JSON", "Content-Length: 9\r\n\r\n{not json", -32700},
			{"not an object", "Content-Length: 5\r\n\r\n[1,2]", -32600},
		}
		for _, tt := range tests {
			ch := p.expect(nil)
			if _, err := p.in.Write([]byte(tt.frame)); err != nil {
				t.Fatal(err)
			}
			m, err := p.wait(ctx, nil, ch)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if errorCode(m) != tt.code {
				t.Errorf("%s: reply %s, want error code %d", tt.name, m.Raw, tt.code)
			}
		}
		// An envelope without method or result: InvalidRequest, with its id.
		ch := p.expect(json.RawMessage("902"))
		p.w.Write([]byte(`{"jsonrpc":"2.0","id":902}`))
		if m, err := p.wait(ctx, json.RawMessage("902"), ch); err != nil || errorCode(m) != -32600 {
			t.Errorf("id-only message: %v %v, want InvalidRequest", m, err)
		}
		// An unknown method goes to gopls, which says so.
		m, err := p.send(ctx, "plugin-lsp/noSuchMethod", map[string]any{})
		if err != nil || errorCode(m) != -32601 {
			t.Errorf("unknown method: %v %v, want MethodNotFound from gopls", m, err)
		}
		// And the session goes on.
		p.call(ctx, "textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": mainURI}, "position": at(t, mainText, "shout(", 0, 0)})
	})

	t.Run("cancellation", func(t *testing.T) {
		// Forwarded: gopls answers with a result or an error, which passes
		// through as gopls wrote it (gopls v0.23.0 says RequestCancelled, or
		// {"code":0,"message":"context canceled"} when the cancel lands
		// while the handler runs).
		id := json.RawMessage(`"cancel-me"`)
		ch := p.expect(id)
		p.w.Write(wire.EncodeRequest(id, "workspace/symbol", json.RawMessage(`{"query":"Greet"}`)))
		p.notify("$/cancelRequest", map[string]any{"id": "cancel-me"})
		m, err := p.wait(ctx, id, ch)
		if err != nil {
			t.Fatalf("cancelled request got no reply: %v", err)
		}
		if m.Error != nil && errorCode(m) != -32800 && !bytes.Contains(m.Error, []byte("cancel")) {
			t.Errorf("cancelled request: %s, want a result or a cancellation error", m.Raw)
		}
		// Intercepted: the handler's context is cancelled; the reply says so.
		id = json.RawMessage(`7001`)
		ch = p.expect(id)
		p.w.Write(wire.EncodeRequest(id, "test/wait", nil))
		p.notify("$/cancelRequest", map[string]any{"id": 7001})
		if m, err := p.wait(ctx, id, ch); err != nil || errorCode(m) != -32800 {
			t.Errorf("cancelled intercepted request: %v %v, want RequestCancelled", m, err)
		}
		// Cancelling what is already answered, or never existed, is dropped.
		p.notify("$/cancelRequest", map[string]any{"id": 7001})
		p.notify("$/cancelRequest", map[string]any{"id": "never-sent"})
		p.call(ctx, "workspace/symbol", map[string]any{"query": "shout"})
	})

	t.Run("panics become errors", func(t *testing.T) {
		m, err := p.send(ctx, "test/panic", nil)
		if err != nil || errorCode(m) != -32603 || !bytes.Contains(m.Error, []byte("deliberate test panic")) {
			t.Errorf("panicking handler: %v %v, want InternalError naming the panic", m, err)
		}
		p.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": mainURI}})
		p.call(ctx, "workspace/symbol", map[string]any{"query": "shout"})
		m, err = p.send(ctx, "test/badJSON", nil)
		if err != nil || errorCode(m) != -32603 {
			t.Errorf("handler returning invalid JSON: %v %v, want InternalError", m, err)
		}
	})

	t.Run("a handler that never decides does not stall the session", func(t *testing.T) {
		id := json.RawMessage(`"blocker"`)
		ch := p.expect(id)
		p.w.Write(wire.EncodeRequest(id, "test/block", nil))
		p.call(ctx, "workspace/symbol", map[string]any{"query": "shout"}) // answered after the read loop gives up waiting
		p.notify("$/cancelRequest", map[string]any{"id": "blocker"})
		if m, err := p.wait(ctx, id, ch); err != nil || errorCode(m) != -32800 {
			t.Errorf("blocked handler after cancel: %v %v, want RequestCancelled", m, err)
		}
	})

	t.Run("status", func(t *testing.T) {
		st := status(t, ctx, p)
		if st.Index != "not started" || st.Gopls.State != "running" || st.Gopls.Pid != onlyChild(t, p) || st.Version != "test" {
			t.Errorf("status %+v", st)
		}
	})

	t.Run("diagnostics merge", func(t *testing.T) {
		setOurs := func(uri string, diags string) {
			p.call(ctx, "workspace/executeCommand", map[string]any{"command": "plugin-lsp.test.setDiagnostics", "arguments": []json.RawMessage{json.RawMessage(strconv.Quote(uri)), json.RawMessage(diags)}})
		}
		ours := `[{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":7}},"severity":2,"code":"PL001","source":"plugin-lsp","message":"ours"}]`
		lastIs := func(uri string, want ...string) func(notes, _ []*wire.Message) bool {
			return func(notes, _ []*wire.Message) bool {
				got, ok := lastDiagnosticsIn(notes, uri)
				if !ok || len(got) != len(want) {
					return false
				}
				for i, d := range got {
					if !strings.Contains(d.Message, want[i]) {
						return false
					}
				}
				return true
			}
		}
		brokenURI := fileURI(filepath.Join(ws, "broken.go"))
		openDoc(p, brokenURI, "package main\n\nvar broken int = \"s\"\n", 1)
		p.waitFor(ctx, "gopls's diagnostic for broken.go", lastIs(brokenURI, "cannot use"))

		setOurs(brokenURI, ours)
		p.waitFor(ctx, "gopls's and ours", lastIs(brokenURI, "cannot use", "ours"))
		setOurs(brokenURI, `[]`)
		p.waitFor(ctx, "gopls's alone after ours cleared", lastIs(brokenURI, "cannot use"))

		setOurs(mainURI, ours)
		p.waitFor(ctx, "ours alone on a clean file", lastIs(mainURI, "ours"))
		setOurs(mainURI, `[]`)
		p.waitFor(ctx, "an empty list when both are empty", lastIs(mainURI))

		// gopls's next publish keeps ours in: fix broken.go with ours set.
		setOurs(brokenURI, ours)
		p.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": brokenURI, "version": 2}, "contentChanges": []any{map[string]any{"text": "package main\n\nvar broken int = 1\n"}}})
		p.waitFor(ctx, "ours after gopls cleared its own", lastIs(brokenURI, "ours"))
	})

	if err := p.shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}
