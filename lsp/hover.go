package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// hoverFeature answers textDocument/hover on a plugin name, a Lookup
// string, a plugin.Open path or a manifest name: the registry, its
// contract, each registration with the registered type and its doc
// comment, which hosts link it under which build configurations, and the
// manifest's version, as markdown with links (file URIs with #L line
// anchors). When gopls also has a hover there, it follows ours.
func hoverFeature(s *Session) Feature {
	n := newNavState(s)
	return Feature{
		Name: "hover",
		Requests: map[string]RequestHandler{
			"textDocument/hover": n.hover,
		},
		// Outside the index's sites the request is forwarded on the raw path.
		Claims: map[string]ClaimFunc{
			"textDocument/hover": n.claim,
		},
	}
}

func (n *navState) hover(ctx context.Context, params json.RawMessage, forward Forward) (json.RawMessage, error) {
	pos, err := n.resolve(ctx, params)
	if err != nil {
		return nil, err
	}
	if pos == nil {
		return forward(ctx)
	}
	h, ok := pos.nx.hover(pos.file, pos.off)
	if !ok {
		return forward(ctx)
	}
	md := n.hoverMarkdown(pos.snap, h)
	loc, lerr := n.s.Workspace().LocationIn(pos.snap, pos.site.ref)
	// Ours stands alone: gopls's part is waited for a bounded time, so a
	// hung or busy gopls cannot hold the answer back.
	gctx, cancel := context.WithTimeout(ctx, n.s.opts.GoplsHalfWait)
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
func (n *navState) hoverMarkdown(snap *index.Snapshot, h *navHover) string {
	return renderHover(snap, h, n.relPath)
}

// renderHover renders a hover; rel shows a path relative to the workspace.
func renderHover(snap *index.Snapshot, h *navHover, rel func(string) string) string {
	var b strings.Builder
	link := func(ref index.SymbolRef) string {
		if ref.IsZero() {
			return ""
		}
		p := snap.Path(ref.File)
		line := snap.Position(ref).Line
		return fmt.Sprintf("[%s:%d](%s#L%d)", rel(p), line, URIFromPath(p), line)
	}
	st := h.Site
	switch st.kind {
	case siteRegistration, siteLookup, siteMention, siteModuleID:
		fmt.Fprintf(&b, "**plugin `%s`** in registry `%s`", st.name, st.registry)
		if h.Registry != nil {
			if h.Registry.Preset != "" {
				fmt.Fprintf(&b, " (preset %s)", h.Registry.Preset)
			}
			if h.Registry.Contract != "" {
				fmt.Fprintf(&b, "\n\ncontract: `%s`", h.Registry.Contract)
				if l := link(h.Registry.ContractDecl); l != "" {
					b.WriteString(" " + l)
				}
			}
		}
		if len(h.Regs) == 0 {
			b.WriteString("\n\nno registration of this name in the workspace")
		}
		for _, r := range h.Regs {
			fmt.Fprintf(&b, "\n\nregistered at %s", link(r.Reg.NameRef))
			if r.Reg.ValueType != "" {
				fmt.Fprintf(&b, ": `%s`", r.Reg.ValueType)
				if l := link(r.TypeDecl); l != "" {
					b.WriteString(" " + l)
				}
			} else if r.Reg.Value != "" {
				fmt.Fprintf(&b, ": `%s`", r.Reg.Value)
			}
			if r.Doc != "" {
				b.WriteString("\n\n> " + strings.ReplaceAll(r.Doc, "\n", "\n> "))
			}
			b.WriteString("\n\n" + linkTitle(r.Links))
		}
		if h.Lookups > 0 {
			fmt.Fprintf(&b, "\n\nlooked up at %d place(s)", h.Lookups)
		}
		for _, m := range h.Mentions {
			fmt.Fprintf(&b, "\n\nnamed in %s config %s", m.Format, link(m.Ref))
		}
	case sitePluginLookup:
		fmt.Fprintf(&b, "**plugin symbol `%s`**", st.name)
		if len(h.Syms) == 0 {
			b.WriteString("\n\nno plugin this Lookup may open declares it")
		}
		for _, sy := range h.Syms {
			fmt.Fprintf(&b, "\n\n`%s` in plugin `%s` %s", symbolDetailShort(sy.Sym.Symbol), filepath.Base(sy.Plugin.Dir), link(index.SymbolRef{File: sy.Sym.File, Span: sy.Sym.Span}))
			if sy.Sym.Kind == index.SymVar {
				fmt.Fprintf(&b, "\n\nLookup returns a pointer: `*%s`", orUnknown(sy.Sym.Type))
			}
			if sy.Doc != "" {
				b.WriteString("\n\n> " + strings.ReplaceAll(sy.Doc, "\n", "\n> "))
			}
		}
	case siteOpen:
		fmt.Fprintf(&b, "**native plugin `%s`**", st.name)
		if len(h.Plugins) == 0 {
			b.WriteString("\n\nno known build command produces this path")
		}
		for _, plugin := range h.Plugins {
			ref := index.SymbolRef{}
			if len(plugin.Files) > 0 {
				ref = index.SymbolRef{File: plugin.Files[0], Span: snap.Facts(plugin.Files[0]).PackageSpan}
			}
			fmt.Fprintf(&b, "\n\nbuilt from `%s` %s", rel(plugin.Dir), link(ref))
		}
	case siteManifestName, siteRequire:
		fmt.Fprintf(&b, "**plugin manifest `%s`**", st.name)
		if st.req != nil {
			fmt.Fprintf(&b, "\n\nrequired as `%s`", st.req.Constraint)
		}
	}
	for _, m := range h.Manifests {
		v := m.Version
		if v == "" {
			v = "no version"
		}
		fmt.Fprintf(&b, "\n\nmanifest: %s %s %s", m.Name, v, link(m.NameRef))
	}
	return b.String()
}

func symbolDetailShort(sym index.Symbol) string {
	if sym.Kind == index.SymFunc && sym.Type != "" {
		return "func " + sym.Name + strings.TrimPrefix(sym.Type, "func")
	}
	if sym.Type != "" {
		return sym.Kind.String() + " " + sym.Name + " " + sym.Type
	}
	return sym.Kind.String() + " " + sym.Name
}

func orUnknown(s string) string {
	if s == "" {
		return "T"
	}
	return s
}

// relPath shows a path relative to the workspace folder that holds it.
func (n *navState) relPath(p string) string {
	for _, r := range n.s.Workspace().Roots() {
		if rel, err := filepath.Rel(r, p); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return p
}
