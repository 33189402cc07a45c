package lsp

import (
	"context"
	"encoding/json"

	"github.com/plugin-lsp/plugin-lsp/lsp/navigation"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// referencesFeature answers textDocument/references on a plugin name (at a
// registration, a lookup, a manifest name or requires entry): every
// registration (the declarations, kept only with includeDeclaration),
// lookup and manifest mention of the name, across modules. On a Lookup
// string: the other Lookups of the symbol in the same plugins and the
// declaration. On identifiers we also own (a constant used as a name, a
// native plugin's exported declaration) gopls's references come first.
func referencesFeature(w *Workspace) proxy.Feature {
	n := &navState{w: w}
	return positionFeature("references", n, map[string]proxy.RequestHandler{"textDocument/references": n.references})
}

func (n *navState) references(ctx context.Context, params json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
	pos, err := n.resolve(ctx, params)
	if err != nil {
		return nil, err
	}
	if pos == nil {
		return forward(ctx)
	}
	var p struct {
		Context struct {
			IncludeDeclaration bool `json:"includeDeclaration"`
		} `json:"context"`
	}
	_ = json.Unmarshal(params, &p)
	ts, ok := pos.nx.References(pos.file, pos.off, p.Context.IncludeDeclaration)
	if !ok {
		return forward(ctx)
	}
	locs := n.locations(pos.snap, ts)
	if pos.site.Literal() || pos.site.Kind() == navigation.SiteManifestName || pos.site.Kind() == navigation.SiteRequire {
		return marshalLocations(locs)
	}
	g, err := forward(ctx)
	if err != nil {
		return marshalLocations(locs)
	}
	return mergeLocations(g, locs)
}
