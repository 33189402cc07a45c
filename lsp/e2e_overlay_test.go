package lsp

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// TestOverlayAgreesWithGopls sends didChanges that gopls v0.23.0 rejects or
// applies in a way a lenient editor model would not (issue 11, item 4), and
// checks after each that the proxy's text of the document is gopls's: every
// function gopls's documentSymbol lists is at the range gopls gives in the
// proxy's text, and the proxy's text declares no other. The next full text
// brings both back to the editor's.
func TestOverlayAgreesWithGopls(t *testing.T) {
	ctx := ctxT(t)
	ws := workspace(t)
	p := startProxy(t, "PLUGIN_LSP_TEST_FAKES=1")
	p.initialize(ctx, ws, nil)
	uri := fileURI(filepath.Join(ws, "overlayonly.go"))
	base := "package main\n\n// note\r\nfunc Alpha() {}\r\n\nfunc Beta() {}\n"
	openDoc(p, uri, base, 1)
	version := 1
	change := func(changes ...any) {
		version++
		p.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": version}, "contentChanges": changes})
	}
	rng := func(l1, c1, l2, c2 int) map[string]any {
		return map[string]any{"start": map[string]any{"line": l1, "character": c1}, "end": map[string]any{"line": l2, "character": c2}}
	}
	tests := []struct {
		name    string
		changes [][]any // one didChange per element
		want    []string
	}{
		{"character past the end of the line", [][]any{{map[string]any{"range": rng(0, 100, 0, 100), "text": "\nfunc Zeta() {}\n"}}},
			[]string{"Alpha", "Beta"}},
		{"full text after an incremental change", [][]any{{map[string]any{"range": rng(0, 0, 0, 0), "text": "// c\n"}, map[string]any{"text": "package main\n\nfunc Zeta() {}\n"}}},
			[]string{"Alpha", "Beta"}},
		{"rangeLength without range", [][]any{{map[string]any{"rangeLength": 3, "text": "package main\n\nfunc Zeta() {}\n"}}},
			[]string{"Alpha", "Beta"}},
		{"line past the end", [][]any{{map[string]any{"range": rng(40, 0, 40, 0), "text": "func Zeta() {}\n"}}},
			[]string{"Alpha", "Beta"}},
		{"end before start", [][]any{{map[string]any{"range": rng(3, 4, 3, 0), "text": "func Zeta() {}\n"}}},
			[]string{"Alpha", "Beta"}},
		// Between "\r" and "\n" is a position to gopls: Zeta goes after the
		// '\r' of "// note\r", and the next change splits the line there.
		{"position after a carriage return", [][]any{
			{map[string]any{"range": rng(2, 8, 2, 8), "text": "func Zeta() {}"}},
			{map[string]any{"range": rng(2, 8, 2, 8), "text": "\n"}}},
			[]string{"Alpha", "Beta", "Zeta"}},
		{"valid edits still apply", [][]any{{map[string]any{"range": rng(5, 5, 5, 9), "text": "Gamma"}}},
			[]string{"Alpha", "Gamma"}},
	}
	funcRE := regexp.MustCompile(`(?m)^func (\w+)`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			change(map[string]any{"text": base}) // resync: the editor's full text
			for _, c := range tt.changes {
				change(c...)
			}
			var ours string
			res := p.call(ctx, "workspace/executeCommand", map[string]any{"command": "plugin-lsp.test.overlayText", "arguments": []any{uri}})
			if err := json.Unmarshal(res, &ours); err != nil {
				t.Fatal(err)
			}
			// gopls answers with SymbolInformation (the test editor has no
			// hierarchical support): location.range spans the declaration.
			var syms []struct {
				Name     string `json:"name"`
				Location struct {
					Range protocol.Range `json:"range"`
				} `json:"location"`
			}
			if err := json.Unmarshal(p.call(ctx, "textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": uri}}), &syms); err != nil {
				t.Fatal(err)
			}
			m := proxy.NewMapper([]byte(ours), proxy.UTF16)
			var goplsNames, ourNames []string
			for _, s := range syms {
				goplsNames = append(goplsNames, s.Name)
				a, b, err := m.Offsets(s.Location.Range)
				if err != nil || !strings.HasPrefix(ours[a:b], "func "+s.Name+"()") {
					t.Errorf("gopls has %s at %v; the proxy's text there: %q (%v)", s.Name, s.Location.Range, ours[a:b], err)
				}
			}
			for _, mm := range funcRE.FindAllStringSubmatch(ours, -1) {
				ourNames = append(ourNames, mm[1])
			}
			sort.Strings(goplsNames)
			sort.Strings(ourNames)
			if strings.Join(goplsNames, ",") != strings.Join(ourNames, ",") || strings.Join(ourNames, ",") != strings.Join(tt.want, ",") {
				t.Errorf("functions: gopls %v, proxy %v, want %v\nproxy's text: %q", goplsNames, ourNames, tt.want, ours)
			}
		})
	}
}

// TestAliasURIKeepsUnsavedText: opening and closing the same file under
// another spelling of its URI (dir/../dir/gamma.go) does not take the
// index back to the disk's text while gamma.go is open with unsaved edits
// (issue 11, item 4).
func TestAliasURIKeepsUnsavedText(t *testing.T) {
	ctx := ctxT(t)
	ws, err := filepath.Abs(filepath.Join("..", "testdata", "lsp", "multi"))
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t)
	p.initialize(ctx, ws, nil)
	waitIndexReady(ctx, t, p)
	path := filepath.Join(ws, "plugins", "gamma", "gamma.go")
	uri := fileURI(path)
	alias := fileURI(filepath.Join(ws, "plugins", "gamma")) + "/../gamma/gamma.go"
	disk := readText(t, path)
	unsaved := strings.Replace(disk, `"metrics"`, `"metricsunsaved"`, 1)
	openDoc(p, uri, disk, 1)
	p.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 2}, "contentChanges": []any{map[string]any{"text": unsaved}}})
	hover := func() json.RawMessage {
		return p.call(ctx, "textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": at(t, unsaved, `"metricsunsaved"`, 0, 2)})
	}
	if h := hover(); !bytes.Contains(h, []byte("plugin `metricsunsaved`")) {
		t.Fatalf("hover on the unsaved name: %s", h)
	}
	openDoc(p, alias, disk, 1)
	p.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": alias}})
	if h := hover(); !bytes.Contains(h, []byte("plugin `metricsunsaved`")) {
		t.Errorf("after opening and closing %s, hover on the unsaved name in %s: %s", alias, uri, h)
	}
}
