package lsp

import (
	"context"
	"encoding/json"

	"github.com/plugin-lsp/plugin-lsp/lsp/navigation"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// definitionFeature answers textDocument/definition on plugin strings: a
// plugin name at a registration or lookup goes to every registration of the
// name (all build configurations) and the registered type; a Lookup("Sym")
// string to the symbol in the plugin's source; a plugin.Open path to the
// plugin's main package; a manifest requires entry (or name) to the other
// manifest. On a name written as a constant or a typed value, gopls's
// answer comes first and ours is added. Everywhere else: gopls's answer.
func definitionFeature(w *Workspace) proxy.Feature {
	n := &navState{w: w}
	return positionFeature("definition", n, map[string]proxy.RequestHandler{"textDocument/definition": n.definition})
}

func (n *navState) definition(ctx context.Context, params json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
	pos, err := n.resolve(ctx, params)
	if err != nil {
		return nil, err
	}
	if pos == nil {
		return forward(ctx)
	}
	ts, ok := pos.nx.Definition(pos.file, pos.off)
	if !ok {
		return forward(ctx)
	}
	locs := n.locations(pos.snap, ts)
	if pos.site.Literal() || (pos.site.Kind() != navigation.SiteRegistration && pos.site.Kind() != navigation.SiteLookup) {
		return marshalLocations(locs)
	}
	g, err := forward(ctx)
	if err != nil {
		return marshalLocations(locs)
	}
	return mergeLocations(g, locs)
}
