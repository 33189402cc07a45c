package navigation

import (
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/lsp/internal/navtest"
)

// TestNavMentionRenameCaddy: a Caddy handler mention is written without the
// "http.handlers." namespace of the module ID. Renaming from the mention
// takes the mention's own text; the ID literal and lookups get the whole
// ID; a new ID outside the namespace leaves the mention alone.
func TestNavMentionRenameCaddy(t *testing.T) {
	ws := navtest.Load(t, filepath.Join("..", "..", "testdata", "nav", "mentions.txtar"))
	snap := navtest.Snapshot(t, ws.Dir)
	nx := (&Cache{}).Get(snap)
	mention := ws.Locs["caddyHello"]
	fid, ok := snap.FileID(ws.Path(mention.File))
	if !ok {
		t.Fatal("Caddyfile not indexed")
	}
	span, placeholder, ok, err := nx.PrepareRename(fid, mention.Cursor)
	if !ok || err != nil || placeholder != "hello" || span != (index.Span{Start: mention.Start, End: mention.End}) {
		t.Fatalf("prepareRename on the mention: %v %q %v %v", span, placeholder, ok, err)
	}
	idLit := ws.Locs["helloID"]
	idFile, _ := snap.FileID(ws.Path(idLit.File))
	tests := []struct {
		name    string
		file    index.FileID
		off     int
		newName string
		want    map[string]string // contents key → new text
	}{
		{"from the mention", fid, mention.Cursor, "hi", map[string]string{
			ws.ContentsKey(t, "helloID"): "http.handlers.hi", ws.ContentsKey(t, "getHello"): "http.handlers.hi", ws.ContentsKey(t, "caddyHello"): "hi"}},
		{"from the ID, leaving the namespace", idFile, idLit.Cursor, "events.handlers.hi", map[string]string{
			ws.ContentsKey(t, "helloID"): "events.handlers.hi", ws.ContentsKey(t, "getHello"): "events.handlers.hi"}},
	}
	for _, tt := range tests {
		edits, ok, err := nx.Rename(tt.file, tt.off, tt.newName)
		if !ok || err != nil {
			t.Fatalf("%s: rename %v %v", tt.name, ok, err)
		}
		got := map[string]string{}
		for _, e := range edits {
			got[refKey(ws, snap, index.SymbolRef{File: e.File, Span: e.Span})] = e.NewText
		}
		if !reflect.DeepEqual(got, tt.want) {
			keys := func(m map[string]string) []string {
				var out []string
				for k, v := range m {
					out = append(out, k+"="+v)
				}
				sort.Strings(out)
				return out
			}
			t.Errorf("%s:\n got %v\nwant %v", tt.name, keys(got), keys(tt.want))
		}
	}
}
