package lsp

import (
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/lsp/internal/navtest"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// TestNavMentionsUnsavedEndToEnd: a config mention that exists only in the
// editor's text (telegraf.toml open and edited, not saved) is a site
// (definition from it reaches the Go registration) and a reference of the
// registration; through plugin-lsp with the real gopls.
func TestNavMentionsUnsavedEndToEnd(t *testing.T) {
	ctx := ctxT(t)
	ws := navtest.Load(t, filepath.Join("..", "testdata", "nav", "mentions.txtar"))
	srv := startProxy(t)
	srv.initialize(ctx, ws.Dir, nil)
	waitIndexReady(ctx, t, srv)
	toml := fileURI(ws.Path("etc/telegraf.toml"))
	text := string(ws.Files["etc/telegraf.toml"])
	openDoc(srv, toml, text, 1)
	const added = "[[inputs.cpu]]\n" // line 0 of the unsaved text
	srv.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": toml, "version": 2},
		"contentChanges": []any{map[string]any{"range": protocol.Range{}, "text": added}},
	})
	texts := map[string]string{"etc/telegraf.toml": added + text, "plugins/cpu/cpu.go": string(ws.Files["plugins/cpu/cpu.go"])}
	reg := ws.Locs["regCpu"]
	regKey := e2eLocKey(t, ws, texts, reg.File, reg.Start, reg.End)

	res := srv.call(ctx, "textDocument/definition", map[string]any{
		"textDocument": map[string]any{"uri": toml}, "position": protocol.Position{Line: 0, Character: 10}})
	if got := resultKeys(t, res); !reflect.DeepEqual(got, []string{regKey}) {
		t.Errorf("definition from the unsaved mention: %v, want %v", got, regKey)
	}

	pos, err := proxy.NewMapper([]byte(texts[reg.File]), proxy.UTF16).Position(reg.Start + 1)
	if err != nil {
		t.Fatal(err)
	}
	res = srv.call(ctx, "textDocument/references", map[string]any{
		"textDocument": map[string]any{"uri": fileURI(ws.Path(reg.File))}, "position": pos,
		"context": map[string]any{"includeDeclaration": true}})
	tc := ws.Locs["tomlCpu"]
	want := []string{
		regKey,
		e2eLocKey(t, ws, texts, "etc/telegraf.toml", 9, 12), // the unsaved [[inputs.cpu]]
		e2eLocKey(t, ws, texts, tc.File, tc.Start+len(added), tc.End+len(added)),
	}
	sort.Strings(want)
	if got := resultKeys(t, res); !reflect.DeepEqual(got, want) {
		t.Errorf("references with an unsaved mention:\n got %v\nwant %v", got, want)
	}
}
