package lsp

import (
	"context"
	"encoding/json"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// renameFeature renames a plugin name written as a string literal at every
// registration and lookup of its registry (and in the constant a
// registration names it with). prepareRename on a plugin name that is not a
// constant (an expression, a variable) answers an error that says why; on
// a name written as a constant identifier, and everywhere else, both
// requests go to gopls.
func renameFeature(w *Workspace) proxy.Feature {
	n := &navState{w: w}
	return positionFeature("rename", n, map[string]proxy.RequestHandler{
		"textDocument/prepareRename": n.prepareRename,
		"textDocument/rename":        n.rename,
	})
}

func (n *navState) prepareRename(ctx context.Context, params json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
	pos, err := n.resolve(ctx, params)
	if err != nil {
		return nil, err
	}
	if pos == nil {
		return forward(ctx)
	}
	span, name, ok, rerr := pos.nx.PrepareRename(pos.file, pos.off)
	if !ok {
		return forward(ctx)
	}
	if rerr != nil {
		return nil, proxy.NewError(proxy.CodeRequestFailed, "%s", rerr.Error())
	}
	loc, err := n.w.LocationIn(pos.snap, index.SymbolRef{File: pos.file, Span: span})
	if err != nil {
		return nil, proxy.NewError(proxy.CodeRequestFailed, "%v", err)
	}
	return json.Marshal(map[string]any{"range": loc.Range, "placeholder": name})
}

func (n *navState) rename(ctx context.Context, params json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
	pos, err := n.resolve(ctx, params)
	if err != nil {
		return nil, err
	}
	if pos == nil {
		return forward(ctx)
	}
	var p struct {
		NewName string `json:"newName"`
	}
	_ = json.Unmarshal(params, &p)
	edits, ok, rerr := pos.nx.Rename(pos.file, pos.off, p.NewName)
	if !ok {
		return forward(ctx)
	}
	if rerr != nil {
		return nil, proxy.NewError(proxy.CodeRequestFailed, "%s", rerr.Error())
	}
	if p.NewName == "" || strings.ContainsAny(p.NewName, "\"\\\n\r`") {
		return nil, proxy.NewError(-32602, "invalid plugin name %q: it must be non-empty and need no escaping", p.NewName)
	}
	w := n.w
	changes := map[protocol.DocumentURI][]protocol.TextEdit{}
	for _, e := range edits {
		loc, err := w.LocationIn(pos.snap, index.SymbolRef{File: e.File, Span: e.Span})
		if err != nil {
			return nil, proxy.NewError(proxy.CodeRequestFailed, "%v", err)
		}
		changes[loc.URI] = append(changes[loc.URI], protocol.TextEdit{Range: loc.Range, NewText: e.NewText})
	}
	return json.Marshal(map[string]any{"changes": changes})
}
