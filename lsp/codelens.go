package lsp

import (
	"context"
	"encoding/json"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/lsp/navigation"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy/wire"
)

// codeLensFeature adds lenses to gopls's: on each registration, which
// hosts link the plugin ("linked by cmd/server, cmd/agent", with the build
// configurations when not all of them, or "not linked"); on each contract
// declaration, how many plugins are registered for it ("3 plugins"). Our
// lenses come without a command and are resolved lazily in
// codeLens/resolve (linking is the costly part); it turns on
// codeLensProvider.resolveProvider in gopls's initialize result. gopls's
// lenses are kept, and resolve requests for them go to gopls.
func codeLensFeature(w *Workspace) proxy.Feature {
	n := &navState{w: w}
	return proxy.Feature{
		Name: "codelens",
		Requests: map[string]proxy.RequestHandler{
			"initialize":            enableLensResolve,
			"textDocument/codeLens": n.codeLens,
			"codeLens/resolve":      n.resolveLens,
		},
		Capabilities: proxy.Capabilities{Set: map[string]json.RawMessage{
			"codeLensProvider": json.RawMessage(`{"resolveProvider":true}`),
		}},
	}
}

// enableLensResolve sets codeLensProvider.resolveProvider in gopls's
// initialize result (gopls resolves nothing lazily and says so); every other
// byte of gopls's answer is kept.
func enableLensResolve(ctx context.Context, params json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
	res, err := forward(ctx)
	if err != nil {
		return res, err
	}
	if wire.GetPath(res, "capabilities", "codeLensProvider") == nil {
		return res, nil // declared by Capabilities.Set instead
	}
	if out, err := wire.SetPath(res, []byte("true"), "capabilities", "codeLensProvider", "resolveProvider"); err == nil {
		return out, nil
	}
	return res, nil
}

// lensData is what our lenses carry to codeLens/resolve.
type lensData struct {
	PluginLSP struct {
		Kind  string `json:"kind"` // "registration" or "contract"
		Path  string `json:"path"`
		Start int    `json:"start"`
		End   int    `json:"end"`
	} `json:"pluginLsp"`
}

type codeLensJSON struct {
	Range   protocol.Range    `json:"range"`
	Command *protocol.Command `json:"command,omitempty"`
	Data    any               `json:"data,omitempty"`
}

func (n *navState) codeLens(ctx context.Context, params json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
	var p struct {
		TextDocument struct {
			URI protocol.DocumentURI `json:"uri"`
		} `json:"textDocument"`
	}
	_ = json.Unmarshal(params, &p)
	w := n.w
	path, perr := proxy.PathFromURI(p.TextDocument.URI)
	if !w.Ready() || perr != nil || !strings.HasSuffix(path, ".go") {
		return forward(ctx)
	}
	proxy.Detach(ctx)
	g, gerr := forward(ctx)
	snap, err := w.Synced(ctx)
	if err != nil {
		return g, gerr
	}
	fid, ok := snap.FileID(path)
	if !ok {
		return g, gerr
	}
	var ours []json.RawMessage
	for _, ls := range w.Nav(snap).Lenses(fid) {
		loc, err := w.LocationIn(snap, ls.Ref)
		if err != nil {
			continue
		}
		var d lensData
		d.PluginLSP.Kind, d.PluginLSP.Path, d.PluginLSP.Start, d.PluginLSP.End = ls.Kind, path, ls.Ref.Span.Start, ls.Ref.Span.End
		// A lens sits on its first line only.
		r := loc.Range
		r.End = r.Start
		b, err := json.Marshal(codeLensJSON{Range: r, Data: d})
		if err == nil {
			ours = append(ours, b)
		}
	}
	if gerr != nil {
		if len(ours) == 0 {
			return nil, gerr
		}
		g = nil
	}
	if len(ours) == 0 {
		return g, nil
	}
	var items []json.RawMessage
	if gs := strings.TrimSpace(string(g)); gs != "" && gs != "null" {
		if err := json.Unmarshal(g, &items); err != nil {
			return g, nil
		}
	}
	return json.Marshal(append(items, ours...))
}

func (n *navState) resolveLens(ctx context.Context, params json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
	var lens struct {
		Range protocol.Range `json:"range"`
		Data  lensData       `json:"data"`
	}
	if json.Unmarshal(params, &lens) != nil || lens.Data.PluginLSP.Kind == "" {
		return forward(ctx)
	}
	d := lens.Data.PluginLSP
	w := n.w
	snap := w.Snapshot()
	title := "plugin " + d.Kind + " (index changed; ask again)"
	if fid, ok := snap.FileID(d.Path); ok {
		ls := navigation.Lens{Ref: index.SymbolRef{File: fid, Span: index.Span{Start: d.Start, End: d.End}}, Kind: d.Kind}
		if t, ok := w.Nav(snap).LensTitle(ls); ok {
			title = t
		}
	}
	return json.Marshal(codeLensJSON{Range: lens.Range, Command: &protocol.Command{Title: title, Command: ""}, Data: lens.Data})
}
