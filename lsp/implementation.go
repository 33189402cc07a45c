package lsp

import (
	"context"
	"encoding/json"

	"github.com/plugin-lsp/plugin-lsp/lsp/navigation"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// implementationFeature adds, on a registry's contract interface, the types
// registered as plugins of that registry in any module of the workspace to
// gopls's implementations (gopls's first, no duplicates). gopls only sees
// implementations in packages it has loaded; the index sees every module.
func implementationFeature(w *Workspace) proxy.Feature {
	n := &navState{w: w}
	return positionFeature("implementation", n, map[string]proxy.RequestHandler{"textDocument/implementation": n.implementation})
}

func (n *navState) implementation(ctx context.Context, params json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
	pos, err := n.resolve(ctx, params)
	if err != nil {
		return nil, err
	}
	if pos == nil || pos.site.Kind() != navigation.SiteContract {
		return forward(ctx)
	}
	ts, _ := pos.nx.Implementations(pos.file, pos.off)
	locs := n.locations(pos.snap, ts)
	g, err := forward(ctx)
	if err != nil {
		return marshalLocations(locs)
	}
	return mergeLocations(g, locs)
}
