package lsp

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// TestFramingFaults sends the proxy process malformed input as raw bytes
// (issue 11, item 5): each fault is answered, and the valid request that
// follows it is answered too.
func TestFramingFaults(t *testing.T) {
	ctx := ctxT(t)
	p := startProxy(t, "PLUGIN_LSP_TEST_PROXY_ONLY=1")
	p.initialize(ctx, workspace(t), nil)
	statusReq := func(id string) string {
		return string(wire.EncodeRequest(json.RawMessage(id), "workspace/executeCommand", json.RawMessage(`{"command":"plugin-lsp.status","arguments":[]}`)))
	}
	frame := func(body string) string {
		return "Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	}
	tests := []struct {
		name string
		raw  string
		// the error replies expected before the valid request's reply:
		// their ids (null for none) and codes.
		errIDs   []string
		errCodes []int64
	}{
		{"Content-Length shorter than body", "Content-Length: 10\r\n\r\n" + `{"jsonrpc":"2.0","id":"short","method":"x","params":{}}`,
			[]string{"null", "null"}, []int64{-32700, -32700}},
		{"bare JSON without header", `{"jsonrpc":"2.0","id":"bare","method":"textDocument/hover","params":{}}`,
			[]string{`"bare"`}, []int64{-32600}},
		{"object id", frame(`{"jsonrpc":"2.0","id":{"a":1},"method":"textDocument/hover","params":{}}`),
			[]string{"null"}, []int64{-32600}},
		{"array id", frame(`{"jsonrpc":"2.0","id":[1],"method":"textDocument/hover","params":{}}`),
			[]string{"null"}, []int64{-32600}},
		{"long header line", strings.Repeat("X-Long: y", 20<<10) + "\r\n",
			[]string{"null"}, []int64{-32700}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var chans = map[string]chan *wire.Message{}
			for _, id := range tt.errIDs {
				if _, ok := chans[id]; ok {
					continue
				}
				var raw json.RawMessage
				if id != "null" {
					raw = json.RawMessage(id)
				}
				chans[id] = p.expect(raw)
			}
			next := `"next-` + strconv.Itoa(i) + `"`
			nextCh := p.expect(json.RawMessage(next))
			if _, err := p.in.Write([]byte(tt.raw + frame(statusReq(next)))); err != nil {
				t.Fatal(err)
			}
			m, err := p.wait(ctx, json.RawMessage(next), nextCh)
			if err != nil {
				t.Fatalf("the valid request after the fault: %v", err)
			}
			if m.Error != nil {
				t.Errorf("the valid request after the fault: %s", m.Error)
			}
			for j, id := range tt.errIDs {
				var raw json.RawMessage
				if id != "null" {
					raw = json.RawMessage(id)
				}
				ch, ok := chans[id]
				if !ok {
					continue
				}
				delete(chans, id)
				m, err := p.wait(ctx, raw, ch)
				if err != nil {
					t.Fatalf("reply to the fault (id %s): %v", id, err)
				}
				if errorCode(m) != tt.errCodes[j] {
					t.Errorf("reply to the fault (id %s): %s, want code %d", id, m.Raw, tt.errCodes[j])
				}
			}
		})
	}
}
