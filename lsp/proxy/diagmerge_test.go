package proxy

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/lsp/internal/memtest"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// staticDiagnostics is a fake source of our diagnostics (it stands for the
// rules engine; gopls's side is given as the JSON gopls sends).
type staticDiagnostics map[protocol.DocumentURI][]protocol.Diagnostic

func (s staticDiagnostics) Diagnostics(uri protocol.DocumentURI) []protocol.Diagnostic { return s[uri] }

// TestPullDiagnosticsMerge checks textDocument/diagnostic replies: ours are
// added to gopls's full report, an "unchanged" report becomes a full one
// when we have something to add, and a pulled document's diagnostics are
// no longer pushed.
func TestPullDiagnosticsMerge(t *testing.T) {
	var out bytes.Buffer
	s, err := NewSession(context.Background(), strings.NewReader(""), &out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const uri = "file:///w/a.go"
	ours := protocol.Diagnostic{Message: "ours", Source: "plugin-lsp", Code: "PL001"}
	s.SetDiagnosticsSource(staticDiagnostics{uri: {ours}})
	params := json.RawMessage(`{"textDocument":{"uri":"` + uri + `"}}`)
	gopls := func(res string) Forward {
		return func(context.Context) (json.RawMessage, error) { return json.RawMessage(res), nil }
	}

	// A push before any pull carries ours.
	push, _ := wire.Parse([]byte(`{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"` + uri + `","diagnostics":[{"message":"gopls"}]}}`))
	s.diags.fromGopls(push)
	if !strings.Contains(out.String(), `"ours"`) || !strings.Contains(out.String(), `"gopls"`) {
		t.Fatalf("push before pull: %s", out.String())
	}

	out.Reset()
	res, err := s.diags.handlePull(context.Background(), params, gopls(`{"kind":"full","resultId":"r1","items":[{"message":"gopls"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(res); got != `{"kind":"full","resultId":"r1","items":[{"message":"gopls"},{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"code":"PL001","source":"plugin-lsp","message":"ours"}]}` {
		t.Errorf("full report: %s", got)
	}
	// The earlier push carried ours: it is re-sent without them.
	if !strings.Contains(out.String(), `"gopls"`) || strings.Contains(out.String(), `"ours"`) {
		t.Errorf("push after the first pull: %s, want gopls's only", out.String())
	}

	res, err = s.diags.handlePull(context.Background(), params, gopls(`{"kind":"unchanged","resultId":"r1"}`))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Kind     string            `json:"kind"`
		ResultID string            `json:"resultId"`
		Items    []json.RawMessage `json:"items"`
	}
	if json.Unmarshal(res, &r) != nil || r.Kind != "full" || r.ResultID != "r1" || len(r.Items) != 2 {
		t.Errorf("unchanged report with ours: %s, want a full one with gopls's last items and ours", res)
	}

	// gopls pushes for a pulled document pass without ours.
	out.Reset()
	s.diags.fromGopls(push)
	if !bytes.Equal(bytes.TrimPrefix(out.Bytes(), []byte(out.String()[:strings.Index(out.String(), "{")])), push.Raw) {
		t.Errorf("push for a pulled document changed: %s", out.String())
	}
}

// TestDiagMergePrunes: what the merge keeps per URI goes when both sides
// have nothing for it (and, for pulled documents, when the document is
// closed), so 20,000 URIs published and cleared leave nothing behind
// (issue 11, item 8). The heap figures are logged.
func TestDiagMergePrunes(t *testing.T) {
	s, err := NewSession(context.Background(), strings.NewReader(""), io.Discard, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.cancel()
	src := staticDiagnostics{}
	s.SetDiagnosticsSource(src)
	const n = 20000
	uri := func(i int) protocol.DocumentURI {
		return protocol.DocumentURI("file:///w/pkg" + strconv.Itoa(i) + "/file.go")
	}
	push := func(u protocol.DocumentURI, diags string) {
		m, err := wire.Parse([]byte(`{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"` + string(u) + `","version":3,"diagnostics":` + diags + `}}`))
		if err != nil {
			t.Fatal(err)
		}
		s.diags.fromGopls(m)
	}
	base := memtest.HeapInUse()
	diag := `[{"range":{"start":{"line":1,"character":2},"end":{"line":1,"character":9}},"severity":1,"source":"compiler","message":"` + strings.Repeat("undefined: x ", 20) + `"}]`
	for i := range n {
		push(uri(i), diag)
	}
	full := memtest.HeapInUse()
	for i := range n {
		push(uri(i), `[]`)
	}
	cleared := memtest.HeapInUse()
	t.Logf("merge state for %d URIs: heap %.1f MB with one diagnostic each, %.1f MB once all are cleared (baseline %.1f MB)", n, memtest.MB(full), memtest.MB(cleared), memtest.MB(base))
	if len(s.diags.gopls) != 0 || len(s.diags.oursPushed) != 0 {
		t.Errorf("after clearing, the merge keeps %d gopls entries and %d of ours", len(s.diags.gopls), len(s.diags.oursPushed))
	}

	// Ours come and go for a URI gopls never spoke of.
	u := uri(0)
	src[u] = []protocol.Diagnostic{{Message: "ours"}}
	s.DiagnosticsChanged(u)
	delete(src, u)
	s.DiagnosticsChanged(u)
	if len(s.diags.gopls) != 0 || len(s.diags.oursPushed) != 0 {
		t.Errorf("after ours were cleared: %d gopls entries, %d of ours", len(s.diags.gopls), len(s.diags.oursPushed))
	}

	// A pulled document is forgotten when it is closed.
	params := json.RawMessage(`{"textDocument":{"uri":"` + string(u) + `"}}`)
	if _, err := s.diags.handlePull(context.Background(), params, func(context.Context) (json.RawMessage, error) {
		return json.RawMessage(`{"kind":"full","items":[]}`), nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(s.diags.pulled) != 1 {
		t.Fatalf("pulled: %d entries, want 1", len(s.diags.pulled))
	}
	s.diags.closed(u)
	if len(s.diags.pulled) != 0 || len(s.diags.gopls) != 0 {
		t.Errorf("after close: %d pulled, %d gopls entries", len(s.diags.pulled), len(s.diags.gopls))
	}

	// Non-empty sets stay: the union is re-published after a gopls restart.
	push(u, diag)
	s.diags.closed(u)
	if _, ok := s.diags.gopls[u]; !ok {
		t.Errorf("gopls's non-empty list for a closed document was dropped")
	}
}
