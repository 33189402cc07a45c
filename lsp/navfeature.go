package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/lsp/navigation"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// This file holds what the navigation features (definition.go,
// references.go, implementation.go, hover.go, completion.go, symbols.go,
// codelens.go, rename.go) share: deciding "ours or forward" for a position,
// and turning index refs into LSP locations. The queries themselves are in
// package navigation.

// navState is the navigation features' view of the session: the
// workspace's index and its one navigation cache (Workspace.Nav).
type navState struct {
	w *Workspace
}

// positionFeature is the Feature of a navigation feature whose handlers
// start with resolve and forward untouched when it returns nil: each method
// is claimed by claim, so a request outside the index's sites is forwarded
// on the raw path without running a handler.
func positionFeature(name string, n *navState, handlers map[string]proxy.RequestHandler) proxy.Feature {
	claims := make(map[string]proxy.ClaimFunc, len(handlers))
	for method := range handlers {
		claims[method] = n.claim
	}
	return proxy.Feature{Name: name, Requests: handlers, Claims: claims}
}

// navPos is a resolved request position the index owns.
type navPos struct {
	nx   *navigation.Index
	snap *index.Snapshot
	file index.FileID
	off  int
	path string
	uri  protocol.DocumentURI
	site *navigation.Site
}

type positionParams struct {
	TextDocument struct {
		URI protocol.DocumentURI `json:"uri"`
	} `json:"textDocument"`
	Position protocol.Position `json:"position"`
}

// resolve decides whether the index owns the position of a
// textDocument/position request. It returns nil (forward to gopls) unless
// the cursor is on a site of the index. The decision is made from the
// editor's current text and the current snapshot without waiting; only
// when the position may be ours does the handler detach from the read loop
// and wait for a snapshot that includes every edit sent so far.
func (n *navState) resolve(ctx context.Context, params json.RawMessage) (*navPos, error) {
	p, path, off, maybe := n.mayOwn(params)
	if !maybe {
		return nil, nil
	}
	proxy.Detach(ctx)
	w := n.w
	snap, err := w.Synced(ctx)
	if err != nil {
		return nil, err
	}
	fid, ok := snap.FileID(path)
	if !ok {
		return nil, nil
	}
	nx := w.Nav(snap)
	st := nx.SiteAt(fid, off)
	if st == nil {
		return nil, nil
	}
	return &navPos{nx: nx, snap: snap, file: fid, off: off, path: path, uri: p.TextDocument.URI, site: st}, nil
}

// mayOwn is the first, synchronous half of resolve: whether the position
// of a textDocument/position request may be on a site of the index, judged
// from the editor's current text (Overlays, unsaved edits included) and the
// current snapshot, without waiting. False means resolve returns nil and
// the handler forwards untouched. It is also the features' Claim (claim),
// run on the read loop.
func (n *navState) mayOwn(params json.RawMessage) (p positionParams, path string, off int, maybe bool) {
	if err := json.Unmarshal(params, &p); err != nil {
		return p, "", 0, false // gopls reports bad params
	}
	w := n.w
	if !w.Ready() {
		return p, "", 0, false
	}
	path, off, err := w.Offset(p.TextDocument.URI, p.Position)
	if err != nil {
		return p, "", 0, false
	}
	if filepath.Ext(path) != ".go" {
		return p, path, off, true // manifests: gopls has nothing to say
	}
	if text, err := w.Text(path); err == nil && navigation.InStringLit(text, off) {
		return p, path, off, true
	}
	// Identifiers we own too: constants used as names, contract
	// declarations, native plugins' exported declarations.
	snap := w.Snapshot()
	fid, ok := snap.FileID(path)
	if !ok || w.Nav(snap).SiteAt(fid, off) == nil {
		return p, path, off, false
	}
	return p, path, off, true
}

// claim is the ClaimFunc of the features whose handlers start with resolve
// and forward untouched when it returns nil.
func (n *navState) claim(params json.RawMessage) bool {
	_, _, _, maybe := n.mayOwn(params)
	return maybe
}

// locations converts targets to LSP locations (dropping any that cannot be
// mapped, which only happens when a file vanished).
func (n *navState) locations(snap *index.Snapshot, ts []navigation.Target) []protocol.Location {
	w := n.w
	out := make([]protocol.Location, 0, len(ts))
	for _, t := range ts {
		loc, err := w.LocationIn(snap, t.Ref)
		if err != nil {
			n.w.s.Logf("navigation: %v", err)
			continue
		}
		out = append(out, loc)
	}
	return out
}

// mergeLocations appends ours to gopls's definition/references/
// implementation result (null, a Location, Location[] or LocationLink[]),
// without duplicates. gopls's entries stay first and byte for byte.
func mergeLocations(gopls json.RawMessage, ours []protocol.Location) (json.RawMessage, error) {
	var items []json.RawMessage
	g := strings.TrimSpace(string(gopls))
	switch {
	case g == "" || g == "null":
	case strings.HasPrefix(g, "["):
		if err := json.Unmarshal(gopls, &items); err != nil {
			return nil, fmt.Errorf("gopls result: %w", err)
		}
	default:
		items = []json.RawMessage{gopls}
	}
	links := false
	seen := map[string]bool{}
	for _, it := range items {
		var l struct {
			URI         protocol.DocumentURI `json:"uri"`
			Range       *protocol.Range      `json:"range"`
			TargetURI   protocol.DocumentURI `json:"targetUri"`
			TargetRange *protocol.Range      `json:"targetSelectionRange"`
		}
		if json.Unmarshal(it, &l) != nil {
			continue
		}
		if l.TargetURI != "" && l.TargetRange != nil {
			links = true
			seen[locKey(l.TargetURI, *l.TargetRange)] = true
		} else if l.Range != nil {
			seen[locKey(l.URI, *l.Range)] = true
		}
	}
	for _, loc := range ours {
		k := locKey(loc.URI, loc.Range)
		if seen[k] {
			continue
		}
		seen[k] = true
		var b []byte
		var err error
		if links {
			b, err = json.Marshal(map[string]any{"targetUri": loc.URI, "targetRange": loc.Range, "targetSelectionRange": loc.Range})
		} else {
			b, err = json.Marshal(loc)
		}
		if err != nil {
			return nil, err
		}
		items = append(items, b)
	}
	if items == nil {
		return json.RawMessage("null"), nil
	}
	return json.Marshal(items)
}

func locKey(uri protocol.DocumentURI, r protocol.Range) string {
	return fmt.Sprintf("%s:%d:%d:%d:%d", uri, r.Start.Line, r.Start.Character, r.End.Line, r.End.Character)
}

// marshalLocations encodes our own answer: an empty array, not null, when
// the index owns the position but finds nothing (the editor then says "no
// definition found" instead of asking again).
func marshalLocations(locs []protocol.Location) (json.RawMessage, error) {
	if locs == nil {
		locs = []protocol.Location{}
	}
	return json.Marshal(locs)
}
