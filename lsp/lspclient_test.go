package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// This file is a small LSP client for the end-to-end tests. It speaks to a
// real process (gopls, or plugin-lsp's proxy) over its stdin/stdout, the way
// an editor does, and answers the server's requests like a simple editor.

// testTimeout bounds every wait in the end-to-end tests, so that a hang
// fails the test instead of stalling it (no timing is asserted).
const testTimeout = 60 * time.Second

// lspProc is a language-server process and a client connected to it.
type lspProc struct {
	t    testing.TB
	cmd  *exec.Cmd
	in   io.WriteCloser
	w    *wire.Writer
	next int64

	mu       sync.Mutex
	calls    map[string]chan *wire.Message
	notes    []*wire.Message // notifications from the server, in order
	srvReqs  []*wire.Message // requests from the server, in order
	changed  chan struct{}
	answer   func(m *wire.Message) (json.RawMessage, *wire.Error) // reply to server requests
	rawIn    []*wire.Message                                      // everything received, for debugging
	exited   chan struct{}
	exitErr  error
	stderr   *lockedBuffer
	readDone chan struct{}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startProc starts cmd and connects a client. The process is killed at the
// end of the test if it is still running.
func startProc(t testing.TB, cmd *exec.Cmd) *lspProc {
	t.Helper()
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &lspProc{
		t: t, cmd: cmd, in: in, w: wire.NewWriter(in),
		calls:    make(map[string]chan *wire.Message),
		changed:  make(chan struct{}, 1),
		exited:   make(chan struct{}),
		readDone: make(chan struct{}),
		stderr:   &lockedBuffer{},
	}
	cmd.Stderr = p.stderr
	p.answer = defaultAnswer
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go p.readLoop(out)
	go func() {
		<-p.readDone
		p.exitErr = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("stderr of %s:\n%s", filepath.Base(cmd.Path), tail(p.stderr.String(), 4000))
		}
	})
	return p
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// defaultAnswer replies to server→client requests as a plain editor would.
func defaultAnswer(m *wire.Message) (json.RawMessage, *wire.Error) {
	switch m.Method {
	case "workspace/configuration":
		return configurationReply(m, func(string) json.RawMessage { return nil })
	}
	return json.RawMessage("null"), nil
}

// configurationReply answers the workspace/configuration request m: for
// each item, section(item's section), or {} where that is nil.
func configurationReply(m *wire.Message, section func(name string) json.RawMessage) (json.RawMessage, *wire.Error) {
	var p struct {
		Items []struct {
			Section string `json:"section"`
		} `json:"items"`
	}
	_ = json.Unmarshal(m.Params, &p)
	out := make([]json.RawMessage, len(p.Items))
	for i, it := range p.Items {
		out[i] = json.RawMessage("{}")
		if v := section(it.Section); v != nil {
			out[i] = v
		}
	}
	b, _ := json.Marshal(out)
	return b, nil
}

// setAnswer replaces the replies to server requests; the read loop may be
// running.
func (p *lspProc) setAnswer(answer func(m *wire.Message) (json.RawMessage, *wire.Error)) {
	p.mu.Lock()
	p.answer = answer
	p.mu.Unlock()
}

func (p *lspProc) readLoop(out io.Reader) {
	defer close(p.readDone)
	r := wire.NewReader(out)
	for {
		body, err := r.Read()
		if err != nil {
			if wire.Recoverable(err) {
				continue
			}
			p.mu.Lock()
			for k, ch := range p.calls {
				close(ch)
				delete(p.calls, k)
			}
			p.mu.Unlock()
			return
		}
		m, err := wire.Parse(body)
		if err != nil {
			continue
		}
		p.mu.Lock()
		p.rawIn = append(p.rawIn, m)
		switch m.Kind {
		case wire.KindResponse, wire.KindInvalid:
			key := replyKey(m.ID)
			if ch, ok := p.calls[key]; ok {
				delete(p.calls, key)
				ch <- m
			} else {
				p.notes = append(p.notes, m) // unmatched replies (parse errors) are kept for inspection
			}
		case wire.KindNotification:
			p.notes = append(p.notes, m)
		case wire.KindRequest:
			p.srvReqs = append(p.srvReqs, m)
			answer := p.answer
			p.mu.Unlock()
			res, rerr := answer(m)
			if rerr != nil {
				p.w.Write(wire.EncodeError(m.ID, rerr))
			} else {
				p.w.Write(encodeResponse(m.ID, res))
			}
			p.mu.Lock()
		}
		p.mu.Unlock()
		select {
		case p.changed <- struct{}{}:
		default:
		}
	}
}

// callRaw sends a request whose id the caller chose (nil: the next number)
// and waits for its reply.
func (p *lspProc) send(ctx context.Context, method string, params any) (*wire.Message, error) {
	id := json.RawMessage(strconv.FormatInt(p.nextID(), 10))
	return p.sendWithID(ctx, id, method, params)
}

func (p *lspProc) nextID() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next++
	return p.next
}

func (p *lspProc) sendWithID(ctx context.Context, id json.RawMessage, method string, params any) (*wire.Message, error) {
	ch := p.expect(id)
	pb, err := wire.MarshalParams(params)
	if err != nil {
		return nil, err
	}
	if err := p.w.Write(wire.EncodeRequest(id, method, pb)); err != nil {
		return nil, err
	}
	return p.wait(ctx, id, ch)
}

// expect registers interest in the reply with id before it is sent.
func (p *lspProc) expect(id json.RawMessage) chan *wire.Message {
	ch := make(chan *wire.Message, 1)
	p.mu.Lock()
	p.calls[replyKey(id)] = ch
	p.mu.Unlock()
	return ch
}

// replyKey is the key of p.calls for an id. A reply without an id (to a
// frame the server could not parse) is awaited with expect(nil).
func replyKey(id json.RawMessage) string {
	if id == nil {
		return "null"
	}
	return wire.IDKey(id)
}

func (p *lspProc) wait(ctx context.Context, id json.RawMessage, ch chan *wire.Message) (*wire.Message, error) {
	select {
	case m, ok := <-ch:
		if !ok {
			return nil, fmt.Errorf("connection closed before the reply to %s", id)
		}
		return m, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("no reply to %s: %w", id, ctx.Err())
	}
}

// call sends a request and returns its result, failing the test on an error reply.
func (p *lspProc) call(ctx context.Context, method string, params any) json.RawMessage {
	p.t.Helper()
	m, err := p.send(ctx, method, params)
	if err != nil {
		p.t.Fatalf("%s: %v", method, err)
	}
	if m.Error != nil {
		p.t.Fatalf("%s: error reply %s", method, m.Error)
	}
	return m.Result
}

func (p *lspProc) notify(method string, params any) {
	p.t.Helper()
	pb, err := wire.MarshalParams(params)
	if err != nil {
		p.t.Fatal(err)
	}
	if err := p.w.Write(wire.EncodeNotification(method, pb)); err != nil {
		p.t.Fatalf("%s: %v", method, err)
	}
}

// waitFor waits until cond, evaluated on everything received so far, holds.
func (p *lspProc) waitFor(ctx context.Context, what string, cond func(notes, reqs []*wire.Message) bool) {
	p.t.Helper()
	for {
		p.mu.Lock()
		ok := cond(p.notes, p.srvReqs)
		p.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-p.changed:
		case <-p.exited:
			p.t.Fatalf("server exited while waiting for %s", what)
		case <-ctx.Done():
			p.t.Fatalf("waiting for %s: %v", what, ctx.Err())
		}
	}
}

// notifications returns the notifications received so far with method.
func (p *lspProc) notifications(method string) []*wire.Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	return withMethod(p.notes, method)
}

// serverRequests returns the requests received so far with method.
func (p *lspProc) serverRequests(method string) []*wire.Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	return withMethod(p.srvReqs, method)
}

func withMethod(ms []*wire.Message, method string) []*wire.Message {
	var out []*wire.Message
	for _, m := range ms {
		if m.Method == method {
			out = append(out, m)
		}
	}
	return out
}

// initialize runs initialize and initialized with editor-like capabilities.
func (p *lspProc) initialize(ctx context.Context, root string, caps map[string]any) json.RawMessage {
	p.t.Helper()
	if caps == nil {
		caps = editorCapabilities()
	}
	res := p.call(ctx, "initialize", map[string]any{
		"processId":        os.Getpid(),
		"rootUri":          fileURI(root),
		"workspaceFolders": []any{map[string]any{"uri": fileURI(root), "name": filepath.Base(root)}},
		"capabilities":     caps,
		"clientInfo":       map[string]any{"name": "plugin-lsp-e2e"},
	})
	p.notify("initialized", map[string]any{})
	return res
}

func editorCapabilities() map[string]any {
	return map[string]any{
		"workspace": map[string]any{
			"configuration":          true,
			"workspaceFolders":       true,
			"didChangeConfiguration": map[string]any{"dynamicRegistration": true},
			"didChangeWatchedFiles":  map[string]any{"dynamicRegistration": true},
			"applyEdit":              true,
			"symbol":                 map[string]any{},
		},
		"window": map[string]any{"workDoneProgress": true, "showMessage": map[string]any{}},
		"textDocument": map[string]any{
			"hover":              map[string]any{"contentFormat": []string{"markdown", "plaintext"}},
			"completion":         map[string]any{"completionItem": map[string]any{"snippetSupport": true}},
			"codeAction":         map[string]any{"codeActionLiteralSupport": map[string]any{"codeActionKind": map[string]any{"valueSet": []string{"", "quickfix", "refactor", "refactor.extract", "refactor.inline", "refactor.rewrite", "source", "source.organizeImports"}}}},
			"semanticTokens":     map[string]any{"requests": map[string]any{"full": true, "range": true}, "tokenTypes": []string{"namespace", "type", "class", "enum", "interface", "struct", "typeParameter", "parameter", "variable", "property", "enumMember", "event", "function", "method", "macro", "keyword", "modifier", "comment", "string", "number", "regexp", "operator"}, "tokenModifiers": []string{"declaration", "definition", "readonly", "static", "deprecated", "abstract", "async", "modification", "documentation", "defaultLibrary"}, "formats": []string{"relative"}},
			"inlayHint":          map[string]any{},
			"publishDiagnostics": map[string]any{"relatedInformation": true},
			"rename":             map[string]any{"prepareSupport": true},
		},
		"general": map[string]any{"positionEncodings": []string{"utf-16"}},
	}
}

// shutdown sends shutdown and exit and waits for the process to end.
func (p *lspProc) shutdown(ctx context.Context) error {
	p.t.Helper()
	if _, err := p.send(ctx, "shutdown", nil); err != nil {
		return err
	}
	p.notify("exit", nil)
	select {
	case <-p.exited:
		return p.exitErr
	case <-ctx.Done():
		return fmt.Errorf("process did not exit after exit: %w", ctx.Err())
	}
}

func fileURI(path string) string {
	return "file://" + filepath.ToSlash(path)
}

// encodeResponse encodes a successful reply to id; the fake gopls of the
// tests answers with it (the proxy itself forwards gopls's bytes or replies
// through wire.EncodeReply).
func encodeResponse(id json.RawMessage, result json.RawMessage) []byte {
	if result == nil {
		result = json.RawMessage("null")
	}
	return wire.EncodeReply(id, `,"result":`, result)
}
