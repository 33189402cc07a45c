package lsp

import (
	"context"
	"encoding/json"
	"fmt"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/lsp/navigation"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// completionFeature completes inside the string argument of a registry's
// register or lookup call (the plugin names of that registry, prefix
// matches first, then fuzzy ones) and inside (*plugin.Plugin).Lookup("…")
// (the exported funcs and vars of the plugins the receiver was opened
// from). Items replace the whole string contents. It declares `"` as a
// trigger character. Everywhere else the request goes to gopls untouched.
//
// It answers from memory without waiting for the index to catch up with
// the last keystroke: the cursor's string and call are read from the
// editor's text, and the names from the current snapshot.
func completionFeature(w *Workspace) proxy.Feature {
	n := &navState{w: w}
	return proxy.Feature{
		Name: "completion",
		Requests: map[string]proxy.RequestHandler{
			"textDocument/completion": n.completion,
		},
		// Outside a string literal the request is forwarded on the raw path.
		Claims:       map[string]proxy.ClaimFunc{"textDocument/completion": n.completionClaim},
		Capabilities: proxy.Capabilities{CompletionTriggers: []string{`"`}},
	}
}

// LSP CompletionItemKind values.
const (
	completionKindFunction = 3
	completionKindVariable = 6
	completionKindValue    = 12
)

type completionItemJSON struct {
	Label      string            `json:"label"`
	Kind       int               `json:"kind"`
	Detail     string            `json:"detail,omitempty"`
	SortText   string            `json:"sortText"`
	FilterText string            `json:"filterText"`
	TextEdit   protocol.TextEdit `json:"textEdit"`
}

// completionAt is completion's cheap first step: the cursor's file, text,
// mapper and offset, and whether the cursor is in a string literal (ok
// false: the request is gopls's). It reads the editor's current text.
func (n *navState) completionAt(params json.RawMessage) (path string, text []byte, m *proxy.Mapper, off int, ok bool) {
	var p positionParams
	if err := json.Unmarshal(params, &p); err != nil {
		return "", nil, nil, 0, false
	}
	w := n.w
	if !w.Ready() {
		return "", nil, nil, 0, false
	}
	path, err := proxy.PathFromURI(p.TextDocument.URI)
	if err != nil {
		return "", nil, nil, 0, false
	}
	// Deciding "ours or forward" must be cheap: the open document's Mapper
	// is cached per version, and navigation.StringContext reads one line.
	if d, ok := n.w.s.Overlays().Get(p.TextDocument.URI); ok {
		text, m = d.Text, d.Mapper(n.w.s.Encoding())
	} else if text, err = w.Text(path); err != nil {
		return "", nil, nil, 0, false
	} else {
		m = proxy.NewMapper(text, n.w.s.Encoding())
	}
	off, err = m.Offset(p.Position)
	if err != nil {
		return "", nil, nil, 0, false
	}
	if _, ok := navigation.StringContext(text, off); !ok {
		return "", nil, nil, 0, false
	}
	return path, text, m, off, true
}

// completionClaim is completion's ClaimFunc: only a cursor in a string
// literal may be ours.
func (n *navState) completionClaim(params json.RawMessage) bool {
	_, _, _, _, ok := n.completionAt(params)
	return ok
}

func (n *navState) completion(ctx context.Context, params json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
	path, text, m, off, ok := n.completionAt(params)
	if !ok {
		return forward(ctx)
	}
	w := n.w
	snap := w.Snapshot()
	fid, ok := snap.FileID(path)
	if !ok {
		return forward(ctx)
	}
	cc, items, more, ok := w.Nav(snap).Complete(fid, text, off)
	if !ok {
		return forward(ctx)
	}
	rng, err := m.Range(cc.Open, cc.Close)
	if err != nil {
		return forward(ctx)
	}
	out := make([]completionItemJSON, len(items))
	for i, it := range items {
		kind := completionKindValue
		switch it.Kind {
		case "func":
			kind = completionKindFunction
		case "var":
			kind = completionKindVariable
		}
		out[i] = completionItemJSON{Label: it.Label, Kind: kind, Detail: it.Detail,
			SortText: fmt.Sprintf("%05d", it.Rank), FilterText: it.Label,
			TextEdit: protocol.TextEdit{Range: rng, NewText: it.Label}}
	}
	return json.Marshal(struct {
		IsIncomplete bool                 `json:"isIncomplete"`
		Items        []completionItemJSON `json:"items"`
	}{more, out})
}
