package proxy

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"runtime/debug"
	"sort"
	"sync"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// DiagnosticsSource is plugin-lsp's own diagnostics engine as the merge sees
// it. Diagnostics returns our current diagnostics for uri (positions in the
// session's Encoding, Source "plugin-lsp", Code the rule ID). It is called
// with the merge's lock held: it must answer from memory and must not call
// Session.DiagnosticsChanged itself.
type DiagnosticsSource interface {
	Diagnostics(uri protocol.DocumentURI) []protocol.Diagnostic
}

// SetDiagnosticsSource sets our diagnostics engine. Call DiagnosticsChanged
// whenever its result for some URIs changes.
func (s *Session) SetDiagnosticsSource(src DiagnosticsSource) {
	s.diags.mu.Lock()
	s.diags.src = src
	s.diags.mu.Unlock()
}

// DiagnosticsChanged re-publishes the union of gopls's last diagnostics and
// ours for each uri (an empty list when both are empty, which clears the
// editor's). For documents the editor pulls diagnostics for, it asks the
// editor to pull again instead.
func (s *Session) DiagnosticsChanged(uris ...protocol.DocumentURI) {
	refresh := false
	for _, u := range uris {
		if s.diags.publish(u) {
			refresh = true
		}
	}
	if refresh {
		if info := s.Info(); info != nil && info.ClientSupports("workspace", "diagnostics", "refreshSupport") {
			s.Go("diagnostic refresh", func(ctx context.Context) {
				_, _ = s.CallClient(ctx, "workspace/diagnostic/refresh", nil)
			})
		}
	}
}

// diagMerge keeps gopls's last published diagnostics per URI and publishes
// the union with ours. publishDiagnostics replaces a URI's whole list, so
// every publish carries both sets.
type diagMerge struct {
	s   *Session
	mu  sync.Mutex // also orders publishes to the editor
	src DiagnosticsSource
	// gopls's last push per URI.
	gopls map[protocol.DocumentURI]goplsDiags
	// URIs whose last publish had some of ours (so a change must clear them).
	oursPushed map[protocol.DocumentURI]bool
	// URIs the editor pulls diagnostics for, with gopls's last full items.
	pulled map[protocol.DocumentURI][]json.RawMessage
	// deleted counts gopls entries deleted since the maps were last rebuilt.
	deleted int
}

type goplsDiags struct {
	version json.RawMessage
	items   []json.RawMessage
}

func newDiagMerge(s *Session) *diagMerge {
	return &diagMerge{
		s:          s,
		gopls:      make(map[protocol.DocumentURI]goplsDiags),
		oursPushed: make(map[protocol.DocumentURI]bool),
		pulled:     make(map[protocol.DocumentURI][]json.RawMessage),
	}
}

// oursLocked returns our diagnostics for uri, JSON-encoded. A panicking
// source counts as having none.
func (d *diagMerge) oursLocked(uri protocol.DocumentURI) (out []json.RawMessage) {
	if d.src == nil {
		return nil
	}
	defer func() {
		if p := recover(); p != nil {
			d.s.log.Printf("panic in diagnostics source for %s: %v\n%s", uri, p, debug.Stack())
			out = nil
		}
	}()
	for _, diag := range d.src.Diagnostics(uri) {
		b, err := json.Marshal(diag)
		if err != nil {
			d.s.log.Printf("encoding a diagnostic for %s: %v", uri, err)
			continue
		}
		out = append(out, b)
	}
	return out
}

type publishParams struct {
	URI         protocol.DocumentURI `json:"uri"`
	Version     json.RawMessage      `json:"version,omitempty"`
	Diagnostics []json.RawMessage    `json:"diagnostics"`
}

// fromGopls handles gopls's publishDiagnostics. With none of ours for the
// URI the message passes byte for byte.
func (d *diagMerge) fromGopls(m *wire.Message) {
	var p publishParams
	if err := json.Unmarshal(m.Params, &p); err != nil {
		d.s.log.Printf("publishDiagnostics from gopls: %v; passing it on", err)
		d.s.writeClient(m.Raw)
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gopls[p.URI] = goplsDiags{version: p.Version, items: p.Diagnostics}
	var ours []json.RawMessage
	if _, pulled := d.pulled[p.URI]; !pulled {
		ours = d.oursLocked(p.URI)
	}
	d.setPushedLocked(p.URI, len(ours) > 0)
	if len(ours) == 0 {
		d.s.writeClient(m.Raw)
		return
	}
	union := wire.JoinArray(append(append([]json.RawMessage(nil), p.Diagnostics...), ours...))
	params, err := wire.SetMember(m.Params, "diagnostics", union)
	if err != nil {
		d.s.writeClient(m.Raw)
		return
	}
	d.s.writeClient(wire.EncodeNotification("textDocument/publishDiagnostics", params))
}

// publish sends the union for uri, and reports whether the editor pulls
// diagnostics for it (and so needs a refresh to see ours).
func (d *diagMerge) publish(uri protocol.DocumentURI) (pulled bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, pulled = d.pulled[uri]; pulled {
		return true
	}
	d.publishLocked(uri, d.oursLocked(uri))
	return false
}

func (d *diagMerge) publishLocked(uri protocol.DocumentURI, ours []json.RawMessage) {
	g := d.gopls[uri]
	items := append(append(make([]json.RawMessage, 0, len(g.items)+len(ours)), g.items...), ours...)
	b, err := json.Marshal(publishParams{URI: uri, Version: g.version, Diagnostics: items})
	if err != nil {
		d.s.log.Printf("encoding diagnostics for %s: %v", uri, err)
		return
	}
	d.setPushedLocked(uri, len(ours) > 0)
	d.s.writeClient(wire.EncodeNotification("textDocument/publishDiagnostics", b))
}

// setPushedLocked records whether uri's last publish had some of ours, and
// forgets uri when both sides have nothing for it: the editor's list is
// empty then, and keeping an entry per URI ever published grew without
// bound (20,000 URIs published and cleared kept every entry).
func (d *diagMerge) setPushedLocked(uri protocol.DocumentURI, ours bool) {
	if ours {
		d.oursPushed[uri] = true
		return
	}
	delete(d.oursPushed, uri)
	if g, ok := d.gopls[uri]; ok && len(g.items) == 0 {
		delete(d.gopls, uri)
		d.deleted++
	}
	// Go maps keep their buckets after deletes: rebuild them once most of
	// what they held is gone.
	if d.deleted > 1024 && d.deleted > 2*len(d.gopls) {
		d.gopls = rebuilt(d.gopls)
		d.oursPushed = rebuilt(d.oursPushed)
		d.deleted = 0
	}
}

// rebuilt copies m into a map sized for what it holds now (maps.Clone keeps
// the old size).
func rebuilt[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	maps.Copy(out, m)
	return out
}

// closed forgets that the editor pulled diagnostics for a document it
// closed (it pulls again if it reopens it), and what is empty for it.
func (d *diagMerge) closed(uri protocol.DocumentURI) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.pulled, uri)
	d.setPushedLocked(uri, d.oursPushed[uri])
}

// republishAll sends the union again for every URI either side has spoken
// about (after a gopls restart: gopls's last lists stay until it replaces
// them, ours are not dropped).
func (d *diagMerge) republishAll() {
	d.mu.Lock()
	defer d.mu.Unlock()
	seen := map[protocol.DocumentURI]bool{}
	for u := range d.gopls {
		seen[u] = true
	}
	for u := range d.oursPushed {
		seen[u] = true
	}
	uris := make([]protocol.DocumentURI, 0, len(seen))
	for u := range seen {
		if _, pulled := d.pulled[u]; !pulled {
			uris = append(uris, u)
		}
	}
	sort.Slice(uris, func(i, j int) bool { return uris[i] < uris[j] })
	for _, u := range uris {
		d.publishLocked(u, d.oursLocked(u))
	}
}

type pullParams struct {
	TextDocument struct {
		URI protocol.DocumentURI `json:"uri"`
	} `json:"textDocument"`
}

// handlePull merges ours into gopls's textDocument/diagnostic reply. Once the
// editor pulls a document, ours for it go only into pull replies, so that
// no finding is both pushed and pulled.
func (d *diagMerge) handlePull(ctx context.Context, params json.RawMessage, forward Forward) (json.RawMessage, error) {
	res, err := forward(ctx)
	if err != nil {
		return nil, err
	}
	var p pullParams
	if json.Unmarshal(params, &p) != nil || p.TextDocument.URI == "" {
		return res, nil
	}
	uri := p.TextDocument.URI
	var r struct {
		Kind     string            `json:"kind"`
		ResultID json.RawMessage   `json:"resultId"`
		Items    []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(res, &r); err != nil {
		return res, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if r.Kind == "full" {
		d.pulled[uri] = r.Items
	} else if _, ok := d.pulled[uri]; !ok {
		d.pulled[uri] = nil
	}
	if d.oursPushed[uri] {
		// Take ours out of the pushed set now that they travel by pull.
		d.publishLocked(uri, nil)
	}
	ours := d.oursLocked(uri)
	if len(ours) == 0 {
		return res, nil
	}
	switch r.Kind {
	case "full":
		return wire.SetMember(res, "items", wire.JoinArray(append(append([]json.RawMessage(nil), r.Items...), ours...)))
	case "unchanged":
		// gopls's part is unchanged but ours may not be: answer in full
		// from gopls's last full items.
		out := map[string]any{"kind": "full", "items": append(append([]json.RawMessage{}, d.pulled[uri]...), ours...)}
		if r.ResultID != nil {
			out["resultId"] = r.ResultID
		}
		b, err := json.Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("encoding merged diagnostics: %w", err)
		}
		return b, nil
	}
	return res, nil
}
