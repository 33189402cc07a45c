package lsp

import (
	"context"
	"encoding/json"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// symbolsFeature adds plugins to gopls's workspace/symbol results: each
// registration of a plugin name matching the query (prefix matches first,
// then fuzzy), with containerName "plugin in registry X", and native
// plugins by directory name. gopls's symbols come first, unchanged.
func symbolsFeature(w *Workspace) proxy.Feature {
	n := &navState{w: w}
	return proxy.Feature{
		Name: "workspace-symbols",
		Requests: map[string]proxy.RequestHandler{
			"workspace/symbol": n.symbols,
		},
	}
}

// symbolLimit caps how many symbols of ours one answer adds.
const symbolLimit = 100

// LSP SymbolKind values.
const (
	symbolKindModule   = 2
	symbolKindConstant = 14
)

type symbolInformationJSON struct {
	Name          string            `json:"name"`
	Kind          int               `json:"kind"`
	Location      protocol.Location `json:"location"`
	ContainerName string            `json:"containerName"`
}

func (n *navState) symbols(ctx context.Context, params json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
	var p struct {
		Query string `json:"query"`
	}
	_ = json.Unmarshal(params, &p)
	w := n.w
	g, err := forward(ctx)
	if err != nil || !w.Ready() || strings.TrimSpace(p.Query) == "" {
		return g, err
	}
	snap := w.Snapshot()
	var ours []json.RawMessage
	for _, m := range w.Nav(snap).Symbols(strings.TrimSpace(p.Query), symbolLimit) {
		loc, err := w.LocationIn(snap, m.Ref)
		if err != nil {
			continue
		}
		si := symbolInformationJSON{Name: m.Name, Kind: symbolKindConstant, Location: loc, ContainerName: "plugin in registry " + m.Registry}
		if m.Kind == "native-plugin" {
			si.Kind, si.ContainerName = symbolKindModule, "native plugin"
		}
		b, err := json.Marshal(si)
		if err != nil {
			continue
		}
		ours = append(ours, b)
	}
	if len(ours) == 0 {
		return g, nil
	}
	var items []json.RawMessage
	if gs := strings.TrimSpace(string(g)); gs != "" && gs != "null" {
		if err := json.Unmarshal(g, &items); err != nil {
			return g, nil // not an array: leave gopls's answer alone
		}
	}
	return json.Marshal(append(items, ours...))
}
