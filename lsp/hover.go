package lsp

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/lsp/navigation"
	"github.com/plugin-lsp/plugin-lsp/lsp/proxy"
)

// hoverFeature answers textDocument/hover on a plugin name, a Lookup
// string, a plugin.Open path or a manifest name: the registry, its
// contract, each registration with the registered type and its doc
// comment, which hosts link it under which build configurations, and the
// manifest's version, as markdown with links (file URIs with #L line
// anchors). When gopls also has a hover there, it follows ours.
func hoverFeature(w *Workspace) proxy.Feature {
	n := &navState{w: w}
	return positionFeature("hover", n, map[string]proxy.RequestHandler{"textDocument/hover": n.hover})
}

func (n *navState) hover(ctx context.Context, params json.RawMessage, forward proxy.Forward) (json.RawMessage, error) {
	pos, err := n.resolve(ctx, params)
	if err != nil {
		return nil, err
	}
	if pos == nil {
		return forward(ctx)
	}
	h, ok := pos.nx.Hover(pos.file, pos.off)
	if !ok {
		return forward(ctx)
	}
	md := n.hoverMarkdown(pos.snap, h)
	loc, lerr := n.w.LocationIn(pos.snap, pos.site.Ref())
	// Ours stands alone: gopls's part is waited for a bounded time, so a
	// hung or busy gopls cannot hold the answer back.
	gctx, cancel := context.WithTimeout(ctx, n.w.s.GoplsHalfWait())
	g, ferr := forward(gctx)
	cancel()
	if ferr == nil {
		var gh struct {
			Contents json.RawMessage `json:"contents"`
		}
		if json.Unmarshal(g, &gh) == nil && len(gh.Contents) > 0 {
			if extra := markupText(gh.Contents); extra != "" {
				md += "\n\n---\n\n" + extra
			}
		}
	}
	res := map[string]any{"contents": protocol.MarkupContent{Kind: protocol.Markdown, Value: md}}
	if lerr == nil {
		res["range"] = loc.Range
	}
	return json.Marshal(res)
}

// markupText returns the text of hover contents in any of the protocol's
// shapes (MarkupContent, MarkedString, MarkedString[]).
func markupText(c json.RawMessage) string {
	var mc struct {
		Value    string `json:"value"`
		Language string `json:"language"`
	}
	var s string
	var arr []json.RawMessage
	switch {
	case json.Unmarshal(c, &s) == nil:
		return s
	case json.Unmarshal(c, &arr) == nil:
		var parts []string
		for _, a := range arr {
			if t := markupText(a); t != "" {
				parts = append(parts, t)
			}
		}
		return strings.Join(parts, "\n\n")
	case json.Unmarshal(c, &mc) == nil:
		if mc.Language != "" {
			return "```" + mc.Language + "\n" + mc.Value + "\n```"
		}
		return mc.Value
	}
	return ""
}

// hoverMarkdown renders a hover. Links are file URIs with a #L<line> anchor
// (VS Code and most editors open them at the line).
func (n *navState) hoverMarkdown(snap *index.Snapshot, h *navigation.HoverInfo) string {
	return navigation.RenderHover(snap, h, n.relPath, func(p string) string { return string(proxy.URIFromPath(p)) })
}

// relPath shows a path relative to the workspace folder that holds it.
func (n *navState) relPath(p string) string {
	for _, r := range n.w.Roots() {
		if rel, err := filepath.Rel(r, p); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return p
}
