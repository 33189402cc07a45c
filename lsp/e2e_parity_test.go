package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// hintsConfig is the workspace/configuration answer of both clients in the
// parity test: it turns on inlay hints so that they have something to say.
func hintsConfig(m *wire.Message) (json.RawMessage, *wire.Error) {
	if m.Method != "workspace/configuration" {
		return defaultAnswer(m)
	}
	return configurationReply(m, func(string) json.RawMessage {
		return json.RawMessage(`{"hints":{"parameterNames":true,"assignVariableTypes":true,"rangeVariableTypes":true,"constantValues":true}}`)
	})
}

// TestParityWithGopls runs one script against gopls directly and through the
// proxy, step by step in the same run, and requires the same JSON from both.
// Results are compared byte for byte: the proxy passes them through
// untouched. The one expected difference is the initialize result, where
// features add capabilities (commands, a trigger character, code-lens
// resolve): there serverInfo must be byte-identical and every member of
// every gopls capability must be kept with its value (see keeps).
func TestParityWithGopls(t *testing.T) {
	ctx := ctxT(t)
	ws := workspace(t)
	direct, srv := startGopls(t), startProxy(t)
	both := []*lspProc{direct, srv}
	for _, p := range both {
		p.setAnswer(hintsConfig)
	}

	// initialize
	resD := direct.initialize(ctx, ws, nil)
	resP := srv.initialize(ctx, ws, nil)
	if !bytes.Equal(wire.GetMember(resD, "serverInfo"), wire.GetMember(resP, "serverInfo")) {
		t.Errorf("serverInfo differs:\n gopls %s\n proxy %s", wire.GetMember(resD, "serverInfo"), wire.GetMember(resP, "serverInfo"))
	}
	if path, ok := keeps(decode(t, resP), decode(t, resD), "result"); !ok {
		t.Errorf("initialize result lost or changed gopls's %s:\n gopls %s\n proxy %s", path, resD, resP)
	}
	cmds := wire.GetPath(resP, "capabilities", "executeCommandProvider", "commands")
	if !bytes.Contains(cmds, []byte(`"plugin-lsp.status"`)) {
		t.Errorf("executeCommandProvider.commands lacks plugin-lsp.status: %s", cmds)
	}

	mainPath := filepath.Join(ws, "main.go")
	greetPath := filepath.Join(ws, "greet", "greet.go")
	mainText, greetText := readText(t, mainPath), readText(t, greetPath)
	mainURI, greetURI := fileURI(mainPath), fileURI(greetPath)
	// An unsaved, badly formatted buffer: formatting has work to do.
	fmtURI := fileURI(filepath.Join(ws, "unsaved.go"))
	fmtText := "package main\n\nfunc  unsaved( a int,b string)(int){\nreturn a}\n"
	for _, p := range both {
		openDoc(p, mainURI, mainText, 1)
		openDoc(p, greetURI, greetText, 1)
		openDoc(p, fmtURI, fmtText, 1)
	}
	for _, p := range both {
		p.waitFor(ctx, "diagnostics for main.go", hasDiagnosticsFor(mainURI))
	}

	doc := func(uri string) map[string]any { return map[string]any{"uri": uri} }
	greetCall := at(t, mainText, "Greet(name)", 0, 0)
	whole := map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": at(t, mainText, "}\n", 2, 2)}
	steps := []struct {
		method string
		params any
	}{
		{"textDocument/hover", map[string]any{"textDocument": doc(mainURI), "position": greetCall}},
		{"textDocument/definition", map[string]any{"textDocument": doc(mainURI), "position": greetCall}},
		{"textDocument/completion", map[string]any{"textDocument": doc(mainURI), "position": at(t, mainText, "ToUpper", 0, 0)}},
		{"textDocument/references", map[string]any{"textDocument": doc(greetURI), "position": at(t, greetText, "Greet(name string) string {", 0, 0), "context": map[string]any{"includeDeclaration": true}}},
		{"textDocument/formatting", map[string]any{"textDocument": doc(fmtURI), "options": map[string]any{"tabSize": 4, "insertSpaces": false}}},
		{"textDocument/prepareRename", map[string]any{"textDocument": doc(mainURI), "position": at(t, mainText, "total", 0, 0)}},
		{"textDocument/rename", map[string]any{"textDocument": doc(mainURI), "position": at(t, mainText, "total", 0, 0), "newName": "sum"}},
		{"textDocument/codeAction", map[string]any{"textDocument": doc(mainURI), "range": map[string]any{"start": at(t, mainText, "strings.ToUpper", 0, 0), "end": at(t, mainText, "+ accent", 0, -1)}, "context": map[string]any{"diagnostics": []any{}}}},
		{"workspace/symbol", map[string]any{"query": "Greet"}},
		{"textDocument/semanticTokens/full", map[string]any{"textDocument": doc(mainURI)}},
		{"textDocument/inlayHint", map[string]any{"textDocument": doc(mainURI), "range": whole}},
		{"textDocument/documentSymbol", map[string]any{"textDocument": doc(greetURI)}},
		{"textDocument/foldingRange", map[string]any{"textDocument": doc(mainURI)}},
		{"textDocument/signatureHelp", map[string]any{"textDocument": doc(mainURI), "position": at(t, mainText, "name)) + accent", 0, 0)}},
		{"textDocument/implementation", map[string]any{"textDocument": doc(greetURI), "position": at(t, greetText, "Greeter interface", 0, 0)}},
	}
	for _, st := range steps {
		t.Run(st.method, func(t *testing.T) {
			d := call(t, ctx, direct, st.method, st.params)
			p := call(t, ctx, srv, st.method, st.params)
			if st.method == "textDocument/inlayHint" {
				// gopls itself returns inlay hints in varying order (one
				// run lists parameter names first, the next types first),
				// so the hints are compared as a set.
				d, p = sortedArray(t, d), sortedArray(t, p)
			}
			if !bytes.Equal(d, p) {
				t.Errorf("results differ\n gopls %.2000s\n proxy %.2000s", d, p)
			}
			if len(d) < 5 || string(d) == "null" || string(d) == "[]" {
				t.Errorf("gopls's answer is empty (%s): the step tests nothing", d)
			}
		})
	}

	// An incremental edit, then the same question on the edited text.
	edit := map[string]any{
		"textDocument":   map[string]any{"uri": mainURI, "version": 2},
		"contentChanges": []any{map[string]any{"range": map[string]any{"start": at(t, mainText, "total := 0", 0, 0), "end": at(t, mainText, "total := 0", 0, 0)}, "text": "extra := greet.English{}\n\t_ = extra\n\t"}},
	}
	for _, p := range both {
		p.notify("textDocument/didChange", edit)
	}
	// The insertion is one line plus a tab: "total" moved down a line.
	pos := at(t, mainText, "total := 0", 0, 0)
	pos.Line++
	hp := map[string]any{"textDocument": doc(mainURI), "position": map[string]any{"line": pos.Line - 1, "character": 2}}
	d := call(t, ctx, direct, "textDocument/hover", hp)
	p := call(t, ctx, srv, "textDocument/hover", hp)
	if !bytes.Equal(d, p) || !bytes.Contains(d, []byte("extra")) {
		t.Errorf("hover after didChange differs or misses the edit\n gopls %s\n proxy %s", d, p)
	}

	for _, p := range both {
		if err := p.shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	}
}

func call(t *testing.T, ctx context.Context, p *lspProc, method string, params any) json.RawMessage {
	t.Helper()
	m, err := p.send(ctx, method, params)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	if m.Error != nil {
		return m.Error // compared like a result: errors must match too
	}
	return m.Result
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
	return v
}

// keeps reports whether got keeps everything in want: objects keep every
// member (and may have more), arrays keep every element in order (and may
// have more: our commands, trigger characters), scalars are equal. It
// returns the path of the first loss.
func keeps(got, want any, path string) (string, bool) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path, false
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return path + "." + k, false
			}
			if p, ok := keeps(gv, wv, path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		g, ok := got.([]any)
		if !ok {
			return path, false
		}
		i := 0
		for _, gv := range g {
			if i < len(w) && reflect.DeepEqual(gv, w[i]) {
				i++
			}
		}
		if i < len(w) {
			return fmt.Sprintf("%s[%d]", path, i), false
		}
		return "", true
	default:
		return path, reflect.DeepEqual(got, want)
	}
}

// sortedArray re-encodes a JSON array with its elements sorted.
func sortedArray(t *testing.T, b []byte) []byte {
	var elems []json.RawMessage
	if err := json.Unmarshal(b, &elems); err != nil {
		return b
	}
	ss := make([]string, len(elems))
	for i, e := range elems {
		ss[i] = string(e)
	}
	sort.Strings(ss)
	return []byte("[" + strings.Join(ss, ",") + "]")
}
