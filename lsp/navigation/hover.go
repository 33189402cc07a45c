package navigation

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// RenderHover renders a hover as markdown. rel shows a path relative to the
// workspace; fileURI spells a path's file URI (links are fileURI#L<line>,
// which VS Code and most editors open at the line).
func RenderHover(snap *index.Snapshot, h *HoverInfo, rel, fileURI func(path string) string) string {
	var b strings.Builder
	link := func(ref index.SymbolRef) string {
		if ref.IsZero() {
			return ""
		}
		p := snap.Path(ref.File)
		line := snap.Position(ref).Line
		return fmt.Sprintf("[%s:%d](%s#L%d)", rel(p), line, fileURI(p), line)
	}
	st := h.Site
	switch st.kind {
	case SiteRegistration, SiteLookup, SiteMention, SiteModuleID:
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
	case SitePluginLookup:
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
	case SiteOpen:
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
	case SiteManifestName, SiteRequire:
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
