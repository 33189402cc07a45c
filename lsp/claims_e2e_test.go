package lsp

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/lsp/internal/navtest"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// handlerCalls counts, per method, how many requests ran a handler of the
// wrapped features (countingTable).
type handlerCalls struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *handlerCalls) add(method string) {
	c.mu.Lock()
	c.n[method]++
	c.mu.Unlock()
}

func (c *handlerCalls) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.n))
	for k, v := range c.n {
		out[k] = v
	}
	return out
}

// countingTable wraps every request handler of table so that the command
// plugin-lsp.test.handlerCalls reports how often each method's handlers
// ran. Claims are kept as they are: a request no feature claims takes the
// raw path and runs no handler.
func countingTable(table []FeatureFunc) []FeatureFunc {
	calls := &handlerCalls{n: map[string]int{}}
	out := make([]FeatureFunc, 0, len(table)+1)
	for _, ff := range table {
		out = append(out, func(w *Workspace) proxy.Feature {
			f := ff(w)
			reqs := make(map[string]proxy.RequestHandler, len(f.Requests))
			for m, h := range f.Requests {
				reqs[m] = func(ctx context.Context, params json.RawMessage, fwd proxy.Forward) (json.RawMessage, error) {
					calls.add(m)
					return h(ctx, params, fwd)
				}
			}
			f.Requests = reqs
			return f
		})
	}
	return append(out, func(*Workspace) proxy.Feature {
		return proxy.Feature{Name: "handler-calls", Commands: map[string]proxy.CommandHandler{
			"plugin-lsp.test.handlerCalls": func(context.Context, []json.RawMessage) (any, error) { return calls.snapshot(), nil },
		}}
	})
}

// TestNavClaimsRawPath checks the navigation features' claims with every
// real feature on: a request whose position is on no plugin site runs no
// handler (it is forwarded on the raw path and gopls answers), one on a
// plugin string runs the feature's handler and gets our answer, also on
// unsaved text (the claim reads the editor's text, not the disk).
func TestNavClaimsRawPath(t *testing.T) {
	ctx := ctxT(t)
	ws := navtest.Load(t, filepath.Join("..", "testdata", "nav", "plugins.txtar"))
	srv := startProxy(t, "PLUGIN_LSP_TEST_COUNT_HANDLERS=1")
	srv.initialize(ctx, ws.Dir, nil)
	waitIndexReady(ctx, t, srv)
	uri := fileURI(ws.Path("host/main.go"))
	text := string(ws.Files["host/main.go"])
	openDoc(srv, uri, text, 1)

	calls := func() map[string]int {
		res := srv.call(ctx, "workspace/executeCommand", map[string]any{"command": "plugin-lsp.test.handlerCalls", "arguments": []any{}})
		var n map[string]int
		if err := json.Unmarshal(res, &n); err != nil {
			t.Fatalf("handlerCalls: %v: %s", err, res)
		}
		return n
	}
	params := func(pos protocol.Position, method string) map[string]any {
		p := map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos}
		if method == "textDocument/references" {
			p["context"] = map[string]any{"includeDeclaration": true}
		}
		return p
	}
	const unsaved = "// edited, not saved\n"
	tests := []struct {
		name     string
		method   string
		text     string // the document's text when asked
		marker   string
		delta    int
		handlers int    // handler runs the request adds
		want     string // in the result
	}{
		{"definition on an identifier", "textDocument/definition", text, "err != nil", 0, 0, "host/main.go"},
		{"hover on an identifier", "textDocument/hover", text, "err != nil", 0, 0, "error"},
		{"completion outside strings", "textDocument/completion", text, "err != nil", 1, 0, "err"},
		{"references on an identifier", "textDocument/references", text, "err != nil", 0, 0, "host/main.go"},
		{"prepareRename on an identifier", "textDocument/prepareRename", text, "err != nil", 0, 0, "err"},
		{"definition on a plugin string", "textDocument/definition", text, `"greeter.so"`, 1, 1, "greeter/greeter.go"},
		{"hover on a plugin string", "textDocument/hover", text, `"greeter.so"`, 1, 1, "native plugin"},
		{"completion in a Lookup string", "textDocument/completion", text, `"Greet"`, 1, 1, `"Greet"`},
		{"definition on a plugin string, unsaved", "textDocument/definition", unsaved + text, `"greeter.so"`, 1, 1, "greeter/greeter.go"},
		{"definition on an identifier, unsaved", "textDocument/definition", unsaved + text, "err != nil", 0, 0, "host/main.go"},
	}
	version := 1
	cur := text
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.text != cur {
				version++
				srv.notify("textDocument/didChange", map[string]any{
					"textDocument":   map[string]any{"uri": uri, "version": version},
					"contentChanges": []any{map[string]any{"text": tc.text}},
				})
				cur = tc.text
			}
			before := calls()[tc.method]
			res := srv.call(ctx, tc.method, params(at(t, cur, tc.marker, 0, tc.delta), tc.method))
			if !strings.Contains(string(res), tc.want) {
				t.Errorf("%s: result lacks %q: %.300s", tc.method, tc.want, res)
			}
			if got := calls()[tc.method] - before; got != tc.handlers {
				t.Errorf("%s: %d handler runs, want %d (0: forwarded on the raw path)", tc.method, got, tc.handlers)
			}
		})
	}
	// Ordering: a didChange and a raw-path request sent back to back, without
	// waiting; gopls must answer from the changed text (the declaration of
	// err moved down by the added lines).
	t.Run("raw path in order with didChange", func(t *testing.T) {
		before := calls()["textDocument/definition"]
		cur = "// one\n// two\n" + cur
		version++
		srv.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": version},
			"contentChanges": []any{map[string]any{"text": cur}},
		})
		res := srv.call(ctx, "textDocument/definition", params(at(t, cur, "err != nil", 0, 0), "textDocument/definition"))
		var locs []protocol.Location
		if err := json.Unmarshal(res, &locs); err != nil || len(locs) != 1 {
			t.Fatalf("definition: %v: %s", err, res)
		}
		if want := at(t, cur, "err :=", 0, 0); locs[0].Range.Start != want {
			t.Errorf("definition of err at %v, want %v (gopls answered from the text before the didChange)", locs[0].Range.Start, want)
		}
		if got := calls()["textDocument/definition"] - before; got != 0 {
			t.Errorf("%d handler runs, want 0", got)
		}
	})
}
