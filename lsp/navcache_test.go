package lsp

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/plugin-lsp/plugin-lsp/lsp/internal/navtest"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// TestNavCacheShared: the navigation features share one cache per
// workspace, so hover and then definition (two features) at a position on
// one snapshot build the site table once, and both answer from it.
func TestNavCacheShared(t *testing.T) {
	ctx := ctxT(t)
	ws := navtest.Load(t, filepath.Join("..", "testdata", "nav", "plugins.txtar"))
	_, w, _ := wsSession(t, ws.Dir, `{}`)
	if err := w.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	var m *navtest.Marker
	for i := range ws.Markers {
		if mk := ws.Markers[i]; mk.Op == "def" && len(mk.Args) > 0 {
			m = &ws.Markers[i]
			break
		}
	}
	if m == nil {
		t.Fatal("no @def marker with targets in plugins.txtar")
	}
	pos, err := proxy.NewMapper(ws.Files[m.File], proxy.UTF16).Position(m.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	params, _ := json.Marshal(map[string]any{
		"textDocument": map[string]any{"uri": proxy.URIFromPath(ws.Path(m.File))},
		"position":     pos,
	})
	forward := func(context.Context) (json.RawMessage, error) { return json.RawMessage("null"), nil }
	before := w.navBuilds.Load()
	for _, f := range []struct {
		feature FeatureFunc
		method  string
	}{
		{hoverFeature, "textDocument/hover"},
		{definitionFeature, "textDocument/definition"},
	} {
		res, err := f.feature(w).Requests[f.method](ctx, params, forward)
		if err != nil || string(res) == "null" || string(res) == "[]" {
			t.Fatalf("%s at %s: %s, %v; want our answer", f.method, m, res, err)
		}
	}
	if got := w.navBuilds.Load() - before; got != 1 {
		t.Errorf("hover then definition on one snapshot built the site table %d times, want 1", got)
	}
}
