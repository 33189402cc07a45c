package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"time"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// workspaceFeature wires the index and the rule engine into the session:
// initialize starts the index in the background, document and file
// notifications keep it current, and diagnostics are recomputed after the
// debounce (see workspace.go for the handle features use).
func workspaceFeature(w *Workspace) proxy.Feature {
	w.s.SetDiagnosticsSource(w.diags)
	w.wired.Store(true)
	return proxy.Feature{
		Name: "workspace",
		// Our settings are not gopls's (settings.go).
		InitializeParams: goplsInitializeParams,
		Initialize:       w.initialize,
		Notifications: map[string]proxy.NotificationObserver{
			"initialized":                         w.onInitialized,
			"textDocument/didOpen":                w.onDocument,
			"textDocument/didChange":              w.onDocument,
			"textDocument/didClose":               w.onDocument,
			"workspace/didChangeWatchedFiles":     w.onWatchedFiles,
			"workspace/didChangeWorkspaceFolders": w.onFolders,
			"workspace/didChangeConfiguration":    w.onConfiguration,
		},
	}
}

// initialize records the folders and settings and starts the index. It
// never waits: the editor gets gopls's reply at once.
func (w *Workspace) initialize(_ context.Context, info *proxy.InitializeInfo) {
	var roots []string
	for _, f := range info.WorkspaceFolders {
		p, err := proxy.PathFromURI(protocol.DocumentURI(f.URI))
		if err != nil {
			w.s.Logf("workspace folder: %v", err)
			continue
		}
		roots = append(roots, p)
	}
	initial := wire.GetMember(info.InitializationOptions, SettingsSection)
	st, err := ParseSettings(initial)
	w.mu.Lock()
	w.roots = roots
	w.initialSettings = initial
	if err == nil {
		w.settings = st
		w.s.SetGoplsTimeout(st.GoplsTimeout)
	}
	w.mu.Unlock()
	if err != nil {
		w.badSettings(err)
	}
	w.start.Do(func() { w.s.Go("index", w.run) })
}

func (w *Workspace) badSettings(err error) {
	w.s.Logf("%v", err)
	w.addError(err.Error())
	w.s.ShowMessage(1, err.Error()+"; the previous plugin-lsp settings stay in effect")
}

// onInitialized: the editor may now get our requests (the protocol forbids
// them before the initialize reply). Register for watched files, ask for
// the settings.
func (w *Workspace) onInitialized(_ context.Context, _ json.RawMessage) {
	w.initO.Do(func() { close(w.inited) })
	info := w.s.Info()
	if info == nil {
		return
	}
	if info.ClientSupports("workspace", "didChangeWatchedFiles", "dynamicRegistration") {
		w.s.Go("register watched files", w.registerWatchers)
	}
	if info.ClientSupports("workspace", "configuration") {
		w.s.Go("configuration", w.fetchConfiguration)
	}
}

// watchGlobs are the files whose changes the index needs.
var watchGlobs = []string{"**/*.go", "**/go.mod", "**/go.work", "**/plugin-manifest.yaml",
	"**/.plugin-lsp.yaml", "**/Makefile", "**/GNUmakefile", "**/makefile", "**/*.mk", "**/*.sh",
	"**/plugin.cfg", "**/Corefile*", "**/Caddyfile*", "**/*.caddyfile", "**/*caddy*.json", "**/*.toml", "**/telegraf*.conf"}

func (w *Workspace) registerWatchers(ctx context.Context) {
	watchers := make([]map[string]any, 0, len(watchGlobs))
	for _, g := range watchGlobs {
		watchers = append(watchers, map[string]any{"globPattern": g}) // kind omitted: create, change, delete
	}
	params := map[string]any{"registrations": []any{map[string]any{
		"id":              "plugin-lsp-watched-files",
		"method":          "workspace/didChangeWatchedFiles",
		"registerOptions": map[string]any{"watchers": watchers},
	}}}
	if _, err := w.s.CallClient(ctx, "client/registerCapability", params); err != nil {
		w.s.Logf("registering workspace/didChangeWatchedFiles: %v", err)
	}
}

// fetchConfiguration asks the editor for section "plugin-lsp" and applies it.
func (w *Workspace) fetchConfiguration(ctx context.Context) {
	var scope any
	if roots := w.Roots(); len(roots) > 0 {
		scope = proxy.URIFromPath(roots[0])
	}
	item := map[string]any{"section": SettingsSection}
	if scope != nil {
		item["scopeUri"] = scope
	}
	seq := w.cfgSeq.Add(1)
	res, err := w.s.CallClient(ctx, "workspace/configuration", map[string]any{"items": []any{item}})
	if err != nil {
		w.s.Logf("workspace/configuration: %v", err)
		return
	}
	if w.cfgSeq.Load() != seq {
		return // a later request is under way; its answer is newer
	}
	var items []json.RawMessage
	if err := json.Unmarshal(res, &items); err != nil || len(items) == 0 {
		w.badSettings(fmt.Errorf("plugin-lsp settings: workspace/configuration answer %.100s is not a one-item array", res))
		return
	}
	w.applySettings(items[0])
}

// onConfiguration: didChangeConfiguration may carry the settings (push
// model) or nothing (pull model: ask again).
func (w *Workspace) onConfiguration(_ context.Context, params json.RawMessage) {
	if info := w.s.Info(); info != nil && info.ClientSupports("workspace", "configuration") {
		w.s.Go("configuration", w.fetchConfiguration)
		return
	}
	if v := wire.GetPath(params, "settings", SettingsSection); v != nil {
		w.applySettings(v)
	}
}

// applySettings parses raw (on top of the initial settings) and makes it
// current; bad settings are shown to the user and the old ones kept.
func (w *Workspace) applySettings(raw json.RawMessage) {
	w.mu.Lock()
	initial := w.initialSettings
	w.mu.Unlock()
	st, err := ParseSettings(layerSettings(initial, raw))
	if err != nil {
		w.badSettings(err)
		return
	}
	w.mu.Lock()
	if !sameConfigs(st.Configs, w.settings.Configs) || st.MaxFileSize != w.settings.MaxFileSize {
		w.rebuild = true
	}
	w.settings = st
	w.s.SetGoplsTimeout(st.GoplsTimeout)
	w.mu.Unlock()
	w.signal(w.now)
}

// onDocument marks an open document's overlay as changed; the loop applies
// it (reading the Overlays' current text) without waiting for the debounce.
func (w *Workspace) onDocument(_ context.Context, params json.RawMessage) {
	var p struct {
		TextDocument struct {
			URI protocol.DocumentURI `json:"uri"`
		} `json:"textDocument"`
	}
	if json.Unmarshal(params, &p) != nil || p.TextDocument.URI == "" {
		return
	}
	path, err := proxy.PathFromURI(p.TextDocument.URI)
	if err != nil {
		return
	}
	// Another spelling of the same file's URI may still be open
	// (dir/../dir/main.go): the file's document is the one ForPath picks.
	d, open := w.s.Overlays().ForPath(path)
	w.mu.Lock()
	if open {
		w.openURIs[path] = d.URI
	} else {
		delete(w.openURIs, path)
	}
	w.dirty[p.TextDocument.URI] = true
	w.seen++
	if w.changedAt.IsZero() {
		w.changedAt = time.Now()
	}
	w.mu.Unlock()
	w.signal(w.kick)
}

// onWatchedFiles feeds disk changes to the index (applied after the debounce).
func (w *Workspace) onWatchedFiles(_ context.Context, params json.RawMessage) {
	var p struct {
		Changes []struct {
			URI protocol.DocumentURI `json:"uri"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(params, &p); err != nil {
		w.s.Logf("didChangeWatchedFiles: %v", err)
		return
	}
	var paths []string
	for _, c := range p.Changes {
		if path, err := proxy.PathFromURI(c.URI); err == nil {
			paths = append(paths, path)
		}
	}
	if len(paths) == 0 {
		return
	}
	w.mu.Lock()
	ix := w.ix.Load()
	if ix == nil {
		// The build may have read these files already: apply after it.
		w.pendingDisk = append(w.pendingDisk, paths...)
	}
	w.mu.Unlock()
	if ix != nil {
		ix.DiskChanged(paths...)
	}
	w.signal(w.kick)
}

// onFolders updates the roots; the index is rebuilt for them.
func (w *Workspace) onFolders(_ context.Context, params json.RawMessage) {
	var p struct {
		Event struct {
			Added   []protocol.WorkspaceFolder `json:"added"`
			Removed []protocol.WorkspaceFolder `json:"removed"`
		} `json:"event"`
	}
	if err := json.Unmarshal(params, &p); err != nil {
		w.s.Logf("didChangeWorkspaceFolders: %v", err)
		return
	}
	w.mu.Lock()
	roots := w.roots
	for _, f := range p.Event.Removed {
		if path, err := proxy.PathFromURI(protocol.DocumentURI(f.URI)); err == nil {
			out := roots[:0:0]
			for _, r := range roots {
				if r != path {
					out = append(out, r)
				}
			}
			roots = out
		}
	}
	for _, f := range p.Event.Added {
		if path, err := proxy.PathFromURI(protocol.DocumentURI(f.URI)); err == nil {
			dup := false
			for _, r := range roots {
				dup = dup || r == path
			}
			if !dup {
				roots = append(roots, path)
			}
		}
	}
	w.roots = roots
	// A new index for the new roots: its watcher (when it watches) covers
	// them too, and folder changes are rare enough for a full build.
	w.rebuild = true
	w.mu.Unlock()
	w.signal(w.now)
}

// run owns the index: the first build (with $/progress), then the update
// loop until the session ends.
func (w *Workspace) run(ctx context.Context) {
	ix, stopWatch, err := w.build(ctx)
	w.readyO.Do(func() { close(w.ready) })
	if err != nil {
		// Keep going: a folder created later, or a change of folders, rescans.
		w.s.Logf("index: %v", err)
		w.s.ShowMessage(1, "plugin-lsp: indexing the workspace failed: "+err.Error())
	}
	w.signal(w.now) // publish the first diagnostics
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			stopWatch()
			return
		case <-w.kick:
			w.guard("applying overlays", func() { w.applyOverlays(ix) })
			if d := w.Settings().Debounce; d > 0 {
				timer.Reset(d)
				continue
			}
		case <-timer.C:
		case <-w.now:
		}
		// Recompute: settings that change the build matrix need a new index.
		w.mu.Lock()
		rebuild := w.rebuild
		w.rebuild = false
		w.mu.Unlock()
		if rebuild {
			stopWatch()
			nix, stop, err := w.build(ctx)
			if err != nil {
				w.s.Logf("index rebuild: %v", err)
			}
			ix, stopWatch = nix, stop
		}
		w.guard("recompute", func() {
			w.mu.Lock()
			at := w.changedAt // every change observed so far is applied below
			w.changedAt = time.Time{}
			w.mu.Unlock()
			w.applyOverlays(ix)
			w.diags.request(ix.Flush(), at)
		})
	}
}

// build makes a new Index for the current roots and settings, with every
// open document as an overlay, and builds it. Progress is reported once the
// editor may receive our requests. When the index watches the disk itself,
// the watcher starts before the build (so that no change after the build
// read a file is missed); stop ends it.
func (w *Workspace) build(ctx context.Context) (ix *index.Index, stop func(), err error) {
	w.mu.Lock()
	roots := append([]string(nil), w.roots...)
	st := w.settings
	matrix := w.indexMatrixLocked()
	w.state = "indexing"
	w.mu.Unlock()
	var done, total atomic.Int64
	ix = index.New(index.Options{
		Roots:    roots,
		Debounce: max(st.Debounce, time.Millisecond),
		// nil (neither the editor nor a file set one yet): the index
		// takes the files' matrix itself (engineOptions rebuilds when it
		// changes).
		Configs: matrix,
		Watch:   w.needFSNotify(),
		// Files over the cap are skipped and shown (problems.go).
		MaxFileSize: st.MaxFileSize,
		Progress:    func(d, t int) { done.Store(int64(d)); total.Store(int64(t)) },
		Logf:        w.s.Logf,
	})
	w.mu.Lock()
	w.dirty = map[protocol.DocumentURI]bool{}
	applied := w.seen
	w.mu.Unlock()
	for _, d := range w.s.Overlays().All() {
		if path, err := proxy.PathFromURI(d.URI); err == nil {
			if fd, ok := w.s.Overlays().ForPath(path); ok {
				ix.SetOverlay(path, fd.Text)
			}
		}
	}
	watchCtx, stop := context.WithCancel(ctx)
	w.startWatch(watchCtx, ix)
	finished := make(chan struct{})
	w.s.Go("index progress", func(ctx context.Context) { w.progress(ctx, finished, &done, &total) })
	t0 := time.Now()
	_, err = ix.Build(ctx)
	close(finished)
	took := time.Since(t0)
	w.mu.Lock()
	w.lastBuild = took
	if err != nil {
		w.state = "failed"
		w.buildErr = err
		w.errs = appendErr(w.errs, err.Error())
	} else {
		w.state = "ready"
		w.buildErr = nil
	}
	w.markApplied(applied)
	w.mu.Unlock()
	// Even a failed build's index is kept: it is empty, and a later change
	// of folders or files rescans it.
	w.mu.Lock()
	w.ix.Store(ix)
	pending := w.pendingDisk
	w.pendingDisk = nil
	w.mu.Unlock()
	if len(pending) > 0 {
		ix.DiskChanged(pending...)
	}
	if err != nil {
		return ix, stop, err
	}
	w.s.Infof("index: %d roots built in %v", len(roots), took.Round(time.Millisecond))
	return ix, stop, nil
}

// progress shows $/progress while a build runs (only after "initialized",
// and only when the build is still running then).
func (w *Workspace) progress(ctx context.Context, finished <-chan struct{}, done, total *atomic.Int64) {
	select {
	case <-w.inited:
	case <-finished:
		return
	case <-ctx.Done():
		return
	}
	select {
	case <-finished:
		return
	default:
	}
	p := w.s.StartProgress(ctx, "plugin-lsp: indexing plugins")
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-finished:
			p.End(fmt.Sprintf("indexed %d files", total.Load()))
			return
		case <-ctx.Done():
			p.End("cancelled")
			return
		case <-tick.C:
			d, t := done.Load(), total.Load()
			pct := -1
			if t > 0 {
				pct = int(100 * d / t)
			}
			p.Report(fmt.Sprintf("%d/%d files", d, t), pct)
		}
	}
}

// needFSNotify: the index watches the disk itself when the editor cannot
// send workspace/didChangeWatchedFiles for our globs.
func (w *Workspace) needFSNotify() bool {
	info := w.s.Info()
	return info == nil || !info.ClientSupports("workspace", "didChangeWatchedFiles", "dynamicRegistration")
}

// startWatch runs the index's fsnotify loop when it watches; its flushes
// trigger a recompute without a second debounce.
func (w *Workspace) startWatch(ctx context.Context, ix *index.Index) {
	if !w.needFSNotify() {
		return
	}
	w.s.Go("index watch", func(context.Context) {
		if err := ix.Run(ctx, func(*index.Snapshot) { w.signal(w.now) }); err != nil {
			w.s.Logf("%v", err)
			w.addError(err.Error())
		}
	})
}

// applyOverlays gives the index the current text of every document changed
// since the last call (or drops the overlay of a closed one).
func (w *Workspace) applyOverlays(ix *index.Index) {
	w.mu.Lock()
	dirty := w.dirty
	target := w.seen
	w.dirty = map[protocol.DocumentURI]bool{}
	w.mu.Unlock()
	for u := range dirty {
		path, err := proxy.PathFromURI(u)
		if err != nil {
			continue
		}
		if d, ok := w.s.Overlays().ForPath(path); ok {
			ix.SetOverlay(path, d.Text)
		} else {
			ix.ClearOverlay(path)
		}
	}
	w.mu.Lock()
	w.markApplied(target)
	w.mu.Unlock()
}

// markApplied records that overlay changes up to n are in the index.
// Callers hold w.mu.
func (w *Workspace) markApplied(n uint64) {
	if n > w.applied {
		w.applied = n
		close(w.appliedCh)
		w.appliedCh = make(chan struct{})
	}
}

// guard runs f and turns a panic (a bug in the index or a rule) into a
// logged error in plugin-lsp.status, so that the loops keep serving the
// next change instead of ending.
func (w *Workspace) guard(what string, f func()) {
	defer func() {
		if p := recover(); p != nil {
			w.s.Logf("panic in %s: %v\n%s", what, p, debug.Stack())
			w.addError(fmt.Sprintf("internal error in %s: %v", what, p))
		}
	}()
	f()
}

func (w *Workspace) addError(e string) {
	w.mu.Lock()
	w.errs = appendErr(w.errs, e)
	w.mu.Unlock()
}

// appendErr keeps the last few errors for plugin-lsp.status.
func appendErr(errs []string, e string) []string {
	errs = append(errs, e)
	if len(errs) > 10 {
		errs = errs[len(errs)-10:]
	}
	return errs
}

// IndexStatus is what plugin-lsp.status reports about the index.
type IndexStatus struct {
	State      string   `json:"state"` // not started, indexing, ready, failed
	Roots      []string `json:"roots"`
	Files      int      `json:"files"`
	Modules    int      `json:"modules"`
	Registries int      `json:"registries"` // presets included
	// RegistriesInUse counts the registries the workspace registers into or
	// looks up in; Registries also counts every built-in preset
	// (database/sql, Caddy, …), which the editor's status bar does not show.
	RegistriesInUse int     `json:"registriesInUse"`
	Plugins         int     `json:"plugins"` // registrations
	Native          int     `json:"nativePlugins"`
	Hosts           int     `json:"hosts"`
	Generation      uint64  `json:"generation"`
	LastBuildMs     float64 `json:"lastBuildMs"`
	Diagnostics     int     `json:"diagnostics"`
	// LastCheckMs is the last syntax-rule run (diagnostics.Check, linking
	// included); LastRecomputeMs adds conversion and publishing.
	LastCheckMs     float64 `json:"lastCheckMs"`
	LastRecomputeMs float64 `json:"lastRecomputeMs"`
	// LastChangeMs is the last document change observed → its
	// diagnostics published, debounce included.
	LastChangeMs float64  `json:"lastChangeMs"`
	Recomputes   uint64   `json:"recomputes"`
	TypeChecks   string   `json:"typeChecks"` // idle, running
	Configs      []string `json:"buildConfigs"`
	Errors       []string `json:"errors,omitempty"`
}

// IndexStatus is the index part of plugin-lsp.status (command.go).
func (w *Workspace) IndexStatus() any {
	snap := w.Snapshot()
	w.mu.Lock()
	state := w.state
	if state == "ready" && !w.Ready() {
		// The build has finished but its index is not published to
		// requests yet: a client that waits for "ready" and then asks must
		// get an answer from the index, not from gopls alone.
		state = "indexing"
	}
	st := IndexStatus{
		State:       state,
		Roots:       append([]string{}, w.roots...),
		LastBuildMs: float64(w.lastBuild.Microseconds()) / 1000,
		Errors:      append([]string(nil), w.errs...),
	}
	w.mu.Unlock()
	for _, c := range snap.Configs() {
		st.Configs = append(st.Configs, c.String())
	}
	st.Files = len(snap.Files())
	st.Modules = len(snap.Modules())
	st.Registries = len(snap.Registries())
	st.Plugins = len(snap.Registrations())
	inUse := map[string]bool{}
	for _, r := range snap.Registrations() {
		inUse[r.Registry] = true
	}
	for _, l := range snap.Lookups() {
		inUse[l.Registry] = true
	}
	st.RegistriesInUse = len(inUse)
	st.Native = len(snap.NativePlugins())
	st.Hosts = len(snap.Hosts())
	st.Generation = snap.Generation()
	st.Diagnostics, st.TypeChecks = w.diags.counts()
	st.LastCheckMs = float64(w.diags.lastCheck.Load()/1000) / 1000
	st.LastRecomputeMs = float64(w.diags.lastRecompute.Load()/1000) / 1000
	st.LastChangeMs = float64(w.diags.lastChange.Load()/1000) / 1000
	st.Recomputes = w.diags.recomputed.Load()
	if st.State == "" {
		st.State = "not started"
	}
	return st
}
