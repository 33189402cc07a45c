package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
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
	s, err := newSession(context.Background(), strings.NewReader(""), &out, Options{Features: []FeatureFunc{}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.cancel()
	const uri = "file:///w/a.go"
	ours := protocol.Diagnostic{Message: "ours", Source: "plugin-lsp", Code: "PL001"}
	s.SetDiagnosticsSource(staticDiagnostics{uri: {ours}})
	params := json.RawMessage(`{"textDocument":{"uri":"` + uri + `"}}`)
	gopls := func(res string) Forward {
		return func(context.Context) (json.RawMessage, error) { return json.RawMessage(res), nil }
	}

	// A push before any pull carries ours.
	push, _ := parseMessage([]byte(`{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"` + uri + `","diagnostics":[{"message":"gopls"}]}}`))
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
	if !bytes.Equal(bytes.TrimPrefix(out.Bytes(), []byte(out.String()[:strings.Index(out.String(), "{")])), push.raw) {
		t.Errorf("push for a pulled document changed: %s", out.String())
	}
}
