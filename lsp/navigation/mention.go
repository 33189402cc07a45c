package navigation

import (
	"bytes"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// This file adds two kinds of navigation sites the derived Index does
// not hold, found on demand from the snapshot (so building the Index
// stays as it is):
//
//   - config mentions of plugin names (index.Mention: plugin.cfg, Corefile,
//     Caddyfile, Caddy JSON, Telegraf TOML), which navigate like a lookup of
//     the registry they fit;
//   - the `ID: "http.handlers.x"` literal a Caddy module's CaddyModule()
//     returns, which navigates like the registration it names.

// Sites found on demand (extraSiteAt), not held in the Index.
const (
	SiteMention  SiteKind = iota + 100 // a plugin name in a config file
	SiteModuleID                       // the ID literal of a Caddy module's CaddyModule()
)

// extraSiteAt returns a mention or module-ID site at off, or nil.
func (nx *Index) extraSiteAt(file index.FileID, off int) *Site {
	s := nx.snap
	for i := range s.MentionsIn(file) {
		m := &s.MentionsIn(file)[i]
		if m.Ref.Span.Start <= off && off <= m.Ref.Span.End {
			return &Site{kind: SiteMention, ref: m.Ref, name: m.Key(), registry: nx.mentionRegistry(m), literal: true}
		}
		if m.Package != "" && m.PackageRef.Span.Start <= off && off <= m.PackageRef.Span.End {
			return &Site{kind: SiteMentionPackage, ref: m.PackageRef, name: m.Package, literal: true}
		}
	}
	if e := nx.configEntryAt(file, off); e != nil {
		return &Site{kind: SiteConfigEntry, ref: e.Ref, name: e.Value, literal: true}
	}
	f := s.Facts(file)
	if f == nil || len(f.ModuleIDs) == 0 {
		return nil
	}
	b, err := s.Content(file)
	if err != nil {
		return nil
	}
	for _, id := range f.ModuleIDs {
		lit := []byte(strconv.Quote(id))
		for from := 0; ; {
			i := bytes.Index(b[from:], lit)
			if i < 0 {
				break
			}
			start := from + i
			from = start + len(lit)
			if start <= off && off <= start+len(lit) {
				reg := nx.caddyRegistryOf(id)
				if reg == "" {
					return nil
				}
				return &Site{kind: SiteModuleID, name: id, registry: reg, literal: true,
					ref: index.SymbolRef{File: file, Span: index.Span{Start: start, End: start + len(lit)}, Kind: index.KindPluginName}}
			}
		}
	}
	return nil
}

// caddyRegistryOf returns the Caddy registry that registers the module ID,
// or the first Caddy registry when none does yet.
func (nx *Index) caddyRegistryOf(id string) string {
	first := ""
	for _, r := range nx.snap.Registries() {
		if !slices.Contains(r.MentionFormats, index.FormatCaddyfile) || r.NameSource != index.NameFromValue {
			continue
		}
		if len(nx.byName[nameKey{r.ID, id}]) > 0 {
			return r.ID
		}
		if first == "" {
			first = r.ID
		}
	}
	return first
}

// mentionRegistry returns the registry a mention names a plugin of: the
// first (by ID) that it fits and that knows the name, else the first it
// fits, else "".
func (nx *Index) mentionRegistry(m *index.Mention) string {
	var fits []string
	for _, r := range nx.snap.Registries() {
		if m.Fits(r) {
			fits = append(fits, r.ID)
		}
	}
	sort.Strings(fits)
	for _, id := range fits {
		if len(nx.byName[nameKey{id, m.Key()}]) > 0 {
			return id
		}
	}
	if len(fits) > 0 {
		return fits[0]
	}
	return ""
}

// configMentions returns the mentions of name that fit registry.
func (nx *Index) configMentions(registry, name string) []*index.Mention {
	r := nx.snap.Registry(registry)
	if r == nil {
		return nil
	}
	var out []*index.Mention
	for _, m := range nx.snap.Mentions() {
		if m.Key() == name && m.Fits(r) {
			out = append(out, m)
		}
	}
	return out
}

func mentionTargets(ms []*index.Mention) []Target {
	out := make([]Target, len(ms))
	for i, m := range ms {
		out[i] = Target{Ref: m.Ref, What: "mention"}
	}
	return out
}

// mentionAt returns the mention whose name is at ref.
func (nx *Index) mentionAt(ref index.SymbolRef) *index.Mention {
	ms := nx.snap.MentionsIn(ref.File)
	for i := range ms {
		if ms[i].Ref.Span == ref.Span {
			return &ms[i]
		}
	}
	return nil
}

// mentionPackage is the package a plugin.cfg line links: its package
// clause. A bare name is a directory of CoreDNS's plugin tree.
func (nx *Index) mentionPackage(m *index.Mention) index.SymbolRef {
	if m == nil || m.Package == "" {
		return index.SymbolRef{}
	}
	ip := m.Package
	if !strings.Contains(ip, "/") {
		ip = "github.com/coredns/coredns/plugin/" + ip
	}
	p := nx.snap.Package(ip)
	if p == nil {
		return index.SymbolRef{}
	}
	for _, fid := range p.Files {
		if f := nx.snap.Facts(fid); f != nil && !f.IsTest {
			return index.SymbolRef{File: fid, Span: f.PackageSpan, Kind: index.KindImport}
		}
	}
	return index.SymbolRef{}
}

// caddyIDLiterals are the CaddyModule() ID literals of the registrations
// of (registry, name).
func (nx *Index) caddyIDLiterals(registry, name string) []Target {
	var out []Target
	for _, o := range nx.byName[nameKey{registry, name}] {
		if o.kind == SiteRegistration {
			if id := nx.caddyIDLiteral(o.reg); !id.IsZero() {
				out = append(out, Target{Ref: id, What: "module-id"})
			}
		}
	}
	return out
}

// extraRenameEdits are the edits a rename of (registry, name) to newName
// makes outside the registrations' and lookups' string literals: Caddy
// module ID literals, config mentions (a Caddy handler mention keeps its
// "http.handlers." namespace out of the text; it is left alone when the new
// ID leaves that namespace), and manifests: the `name:` of a manifest whose
// name is the plugin's (next to a registering package, or without a
// package) and the `requires` entries that name such a manifest.
func (nx *Index) extraRenameEdits(registry, name, newName string) []RenameEdit {
	var out []RenameEdit
	for _, t := range nx.caddyIDLiterals(registry, name) {
		out = append(out, RenameEdit{File: t.Ref.File, Span: index.Span{Start: t.Ref.Span.Start + 1, End: t.Ref.Span.End - 1}, NewText: newName})
	}
	for _, m := range nx.configMentions(registry, name) {
		pre := m.KeyPrefix()
		if !strings.HasPrefix(newName, pre) || len(newName) == len(pre) {
			continue
		}
		out = append(out, RenameEdit{File: m.File, Span: m.Ref.Span, NewText: newName[len(pre):]})
	}
	pkgs := map[string]bool{}
	for _, o := range nx.byName[nameKey{registry, name}] {
		if o.kind == SiteRegistration {
			pkgs[o.reg.Package] = true
		}
	}
	renamed := false
	for _, m := range nx.snap.Manifests() {
		if m.Name == name && (m.Package == "" || pkgs[m.Package]) && !m.NameRef.IsZero() {
			out = append(out, RenameEdit{File: m.File, Span: unquoted(nx.snap, m.NameRef), NewText: newName})
			renamed = true
		}
	}
	if renamed {
		for _, m := range nx.snap.Manifests() {
			for _, rq := range m.Requires {
				if rq.Name == name && !rq.Ref.IsZero() {
					out = append(out, RenameEdit{File: m.File, Span: nameSpan(nx.snap, rq.Ref, name), NewText: newName})
				}
			}
		}
	}
	return out
}

// unquoted drops the quotes of a quoted YAML scalar's span.
func unquoted(s *index.Snapshot, ref index.SymbolRef) index.Span {
	b, err := s.Content(ref.File)
	sp := ref.Span
	if err == nil && sp.End <= len(b) && sp.End-sp.Start >= 2 {
		if q := b[sp.Start]; (q == '"' || q == '\'') && b[sp.End-1] == q {
			return index.Span{Start: sp.Start + 1, End: sp.End - 1}
		}
	}
	return sp
}

// nameSpan finds name inside a requires entry's span ("logger >=1.0",
// "logger@^1", a map key): the span of its first occurrence, else the span.
func nameSpan(s *index.Snapshot, ref index.SymbolRef, name string) index.Span {
	b, err := s.Content(ref.File)
	sp := ref.Span
	if err != nil || sp.End > len(b) {
		return sp
	}
	if i := bytes.Index(b[sp.Start:sp.End], []byte(name)); i >= 0 {
		return index.Span{Start: sp.Start + i, End: sp.Start + i + len(name)}
	}
	return sp
}

// SiteConfigEntry is a value of a .plugin-lsp.yaml (index.ConfigEntry);
// SiteMentionPackage the package part of a plugin.cfg line.
const (
	SiteConfigEntry SiteKind = iota + 110
	SiteMentionPackage
)

// extraDefinition answers definition on the sites that only point
// somewhere (no references, hover or rename).
func (nx *Index) extraDefinition(st *Site, file index.FileID, off int) []Target {
	switch st.kind {
	case SiteConfigEntry:
		if e := nx.configEntryAt(file, off); e != nil {
			return nx.configEntryTargets(e)
		}
	case SiteMentionPackage:
		for i := range nx.snap.MentionsIn(file) {
			m := &nx.snap.MentionsIn(file)[i]
			if m.PackageRef.Span == st.ref.Span {
				if p := nx.mentionPackage(m); !p.IsZero() {
					return []Target{{Ref: p, What: "package"}}
				}
			}
		}
	}
	return nil
}

// configEntryAt returns the .plugin-lsp.yaml entry at off, or nil.
func (nx *Index) configEntryAt(file index.FileID, off int) *index.ConfigEntry {
	es := nx.snap.ConfigEntries(file)
	for i := range es {
		if es[i].Ref.Span.Start <= off && off <= es[i].Ref.Span.End {
			return &es[i]
		}
	}
	return nil
}

// configEntryTargets is where a .plugin-lsp.yaml entry points: a register
// or lookup function's declaration, a contract type's declaration, the
// package clause of the native plugin a `so:` path is built from or of the
// package in a `dir:`.
func (nx *Index) configEntryTargets(e *index.ConfigEntry) []Target {
	var out []Target
	switch e.Key {
	case "register", "lookup":
		if t := nx.funcDecl(e.Value); !t.IsZero() {
			out = append(out, Target{Ref: t, What: "registry"})
		}
	case "contract":
		if t := nx.typeDecl(e.Value); !t.IsZero() {
			out = append(out, Target{Ref: t, What: "type"})
		}
	case "so":
		for _, plugin := range nx.snap.NativePlugins() {
			for _, so := range plugin.SOPaths {
				if so == e.Path && len(plugin.Files) > 0 {
					if f := nx.snap.Facts(plugin.Files[0]); f != nil {
						out = append(out, Target{Ref: index.SymbolRef{File: plugin.Files[0], Span: f.PackageSpan, Kind: index.KindNativePlugin}, What: "package"})
					}
				}
			}
		}
	case "dir":
		for _, p := range nx.snap.Packages() {
			if p.Dir != e.Path {
				continue
			}
			for _, fid := range p.Files {
				if f := nx.snap.Facts(fid); f != nil && !f.IsTest {
					out = append(out, Target{Ref: index.SymbolRef{File: fid, Span: f.PackageSpan, Kind: index.KindNativePlugin}, What: "package"})
					break
				}
			}
		}
	}
	return dedupeTargets(out)
}

// funcDecl finds the declaration of a package-level function "pkgpath.F".
func (nx *Index) funcDecl(qualified string) index.SymbolRef {
	i := strings.LastIndexByte(qualified, '.')
	if i <= 0 {
		return index.SymbolRef{}
	}
	p := nx.snap.Package(qualified[:i])
	if p == nil {
		return index.SymbolRef{}
	}
	for _, fid := range p.Files {
		f := nx.snap.Facts(fid)
		if f == nil || f.IsTest {
			continue
		}
		for _, sym := range f.Symbols {
			if sym.Kind == index.SymFunc && sym.Name == qualified[i+1:] {
				return index.SymbolRef{File: fid, Span: sym.Span, Kind: index.KindRegistry}
			}
		}
	}
	return index.SymbolRef{}
}
