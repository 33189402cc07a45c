package lsp

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// wsSession is a Session with only the workspace feature, not connected to
// gopls or an editor: the editor side is a buffer (what we send it), and the
// test plays the read loop by calling the overlay store and the observers.
func wsSession(t *testing.T, root string, caps string) (*proxy.Session, *Workspace, *lockedBuffer) {
	t.Helper()
	out := &lockedBuffer{}
	var w *Workspace
	s, err := proxy.NewSession(context.Background(), strings.NewReader(""), out, Options{Features: withWorkspace(&w, workspaceFeature)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	info := &proxy.InitializeInfo{
		WorkspaceFolders:   []protocol.WorkspaceFolder{{URI: string(proxy.URIFromPath(root)), Name: "ws"}},
		ClientCapabilities: json.RawMessage(caps),
		PositionEncoding:   proxy.UTF16,
	}
	s.SetInfo(info)
	w.initialize(s.Context(), info)
	return s, w, out
}

// withWorkspace builds a session's features from table and stores the
// session's Workspace in *w.
func withWorkspace(w **Workspace, table ...FeatureFunc) proxy.FeaturesFunc {
	keep := func(ws *Workspace) proxy.Feature { *w = ws; return proxy.Feature{Name: "test-workspace"} }
	return sessionFeatures(append([]FeatureFunc{keep}, table...))
}

// wsEventually polls cond until it holds or ctx ends (no timing asserted).
func wsEventually(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func TestWorkspaceHandle(t *testing.T) {
	ctx := ctxT(t)
	root := wsCopy(t, "multi")
	alpha := filepath.Join(root, "plugins", "alpha", "alpha.go")
	beta := filepath.Join(root, "plugins", "beta", "beta.go")
	s, w, out := wsSession(t, root, `{"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}`)

	if err := w.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	snap := w.Snapshot()
	if n := len(snap.Registrations()); n != 3 {
		t.Fatalf("%d registrations, want 3", n)
	}
	alphaText := readText(t, alpha)
	for _, r := range snap.Registrations() {
		if snap.Path(r.File) != alpha {
			continue
		}
		loc, err := w.Location(r.NameRef)
		if err != nil {
			t.Fatal(err)
		}
		want := protocol.Range{Start: at(t, alphaText, `"logger"`, 0, 0), End: at(t, alphaText, `"logger"`, 0, len(`"logger"`))}
		if string(loc.URI) != fileURI(alpha) || loc.Range != want {
			t.Errorf("Location(alpha's name) = %+v, want %s %+v", loc, fileURI(alpha), want)
		}
	}
	wsEventually(t, ctx, "REG001 on both sides", func() bool {
		return len(w.diags.Diagnostics(proxy.URIFromPath(alpha))) == 1 && len(w.diags.Diagnostics(proxy.URIFromPath(beta))) == 1
	})

	// An open document with characters outside the BMP before the name:
	// positions are UTF-16, offsets bytes.
	betaURI := proxy.URIFromPath(beta)
	text := strings.Replace(readText(t, beta), `registry.Register("logger"`, `/*𝔊𝔬*/ registry.Register("beta"`, 1)
	params, _ := json.Marshal(map[string]any{"textDocument": map[string]any{"uri": betaURI, "languageId": "go", "version": 2, "text": text}})
	if err := s.Overlays().DidOpen(params); err != nil {
		t.Fatal(err)
	}
	w.onDocument(ctx, params)
	snap, err := w.Synced(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range snap.Registrations() {
		if r.Name != "beta" {
			continue
		}
		found = true
		loc, err := w.LocationIn(snap, r.NameRef)
		if err != nil {
			t.Fatal(err)
		}
		if want := at(t, text, `"beta"`, 0, 0); loc.Range.Start != want {
			t.Errorf("name at %+v, want %+v (UTF-16)", loc.Range.Start, want)
		}
		path, off, err := w.Offset(betaURI, loc.Range.Start)
		if err != nil || path != beta || off != strings.Index(text, `"beta"`) {
			t.Errorf("Offset = %s %d %v, want %s %d", path, off, err, beta, strings.Index(text, `"beta"`))
		}
	}
	if !found {
		t.Fatal("the overlay's registration is not in the synced snapshot")
	}
	if b, err := w.Text(beta); err != nil || string(b) != text {
		t.Errorf("Text(open document) is not the overlay: %v", err)
	}
	if b, err := w.Text(alpha); err != nil || string(b) != alphaText {
		t.Errorf("Text(closed file) is not the disk's: %v", err)
	}
	if _, err := w.Text(filepath.Join(root, "missing.go")); err == nil {
		t.Error("Text of a missing file: no error")
	}
	if _, _, err := w.Offset("untitled:x", protocol.Position{}); err == nil {
		t.Error("Offset of a non-file URI: no error")
	}
	wsEventually(t, ctx, "REG001 gone on both sides", func() bool {
		return len(w.diags.Diagnostics(proxy.URIFromPath(alpha))) == 0 && len(w.diags.Diagnostics(betaURI)) == 0
	})

	// Settings: a good change applies, a bad one is shown and the old kept.
	w.applySettings(json.RawMessage(`{"rules": {"disabled": ["REG003"]}, "debounceMs": 10}`))
	w.applySettings(json.RawMessage(`{"debounceMs": -1}`))
	if st := w.Settings(); !st.Options().Disabled["REG003"] || st.Debounce != 10*time.Millisecond {
		t.Errorf("settings after a bad change: %+v, want the previous ones", st)
	}
	wsEventually(t, ctx, "the settings error shown", func() bool {
		return strings.Contains(out.String(), `"window/showMessage"`) && strings.Contains(out.String(), "debounceMs: -1")
	})
	st := w.IndexStatus().(IndexStatus)
	if st.State != "ready" || st.Modules != 3 || len(st.Errors) != 1 || !strings.Contains(st.Errors[0], "debounceMs") {
		t.Errorf("status %+v", st)
	}
	// One registry in use (registry.Register); the presets are counted only in Registries.
	if st.RegistriesInUse != 1 || st.Registries <= st.RegistriesInUse {
		t.Errorf("status: %d registries in use of %d, want 1 of more", st.RegistriesInUse, st.Registries)
	}

	// A new build matrix rebuilds the index (open documents stay overlays);
	// diagnostics are computed for it.
	gen := w.diags.recomputed.Load()
	w.applySettings(json.RawMessage(`{"buildConfigs": ["windows/arm64"], "rules": {"disabled": ["REG003"]}}`))
	wsEventually(t, ctx, "a recompute on the new matrix", func() bool {
		cfgs := w.Snapshot().Configs()
		return w.diags.recomputed.Load() > gen && len(cfgs) == 1 && cfgs[0].String() == "windows/arm64+cgo"
	})
	if snap, err := w.Synced(ctx); err != nil || len(snap.Registrations()) != 3 {
		t.Fatalf("after the rebuild: %v", err)
	}
	for _, r := range w.Snapshot().Registrations() {
		if w.Snapshot().Path(r.File) == beta && r.Name != "beta" {
			t.Errorf("the rebuilt index lost the overlay: beta registers %q", r.Name)
		}
	}

	// Workspace folders: removing the only one empties the index.
	w.onFolders(ctx, json.RawMessage(`{"event": {"added": [], "removed": [{"uri": "`+string(proxy.URIFromPath(root))+`", "name": "ws"}]}}`))
	wsEventually(t, ctx, "an empty index", func() bool { return len(w.Snapshot().Files()) == 0 && len(w.Roots()) == 0 })
	w.onFolders(ctx, json.RawMessage(`{"event": {"added": [{"uri": "`+string(proxy.URIFromPath(root))+`", "name": "ws"}], "removed": []}}`))
	wsEventually(t, ctx, "the folder indexed again", func() bool { return len(w.Snapshot().Registrations()) == 3 })
}

func TestWorkspaceGuard(t *testing.T) {
	_, w, _ := wsSession(t, wsCopy(t, "multi"), `{}`)
	ran := false
	w.guard("test step", func() { panic("deliberate") })
	w.guard("next step", func() { ran = true })
	st := w.IndexStatus().(IndexStatus)
	if !ran || len(st.Errors) == 0 || st.Errors[len(st.Errors)-1] != "internal error in test step: deliberate" {
		t.Errorf("after a panic: ran %v, errors %q", ran, st.Errors)
	}
}
