package navigation

import (
	"bytes"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// This file holds the site table (Index, built once per snapshot) and the
// queries over it; mention.go adds the sites found on demand, hover.go the
// hover text.

// SiteKind says what a navigation site is.
type SiteKind uint8

// The kinds of sites.
const (
	SiteNone         SiteKind = iota
	SiteRegistration          // plugin name at a registration call
	SiteLookup                // plugin name at a registry lookup call
	SitePluginLookup          // symbol string of (*plugin.Plugin).Lookup
	SiteOpen                  // path argument of plugin.Open
	SiteManifestName          // name: in a plugin-manifest.yaml
	SiteRequire               // an entry of requires: in a manifest
	SiteContract              // declaration of a registry's contract type
	SiteNativeSymbol          // exported declaration of a native plugin
)

// Site is one place in a file that the index owns.
type Site struct {
	kind     SiteKind
	ref      index.SymbolRef // the span the cursor must be in
	name     string          // plugin name, symbol, path or manifest name
	registry string          // registry ID for registrations and lookups
	literal  bool            // the name is written as a string literal at ref

	reg          *index.Registration
	lookup       *index.Lookup
	pluginLookup *index.PluginLookup
	open         *index.OpenSite
	man          *index.Manifest
	req          *index.Require
	native       *index.NativePlugin
}

// nameKey identifies a plugin name within a registry.
type nameKey struct{ registry, name string }

// registryCall is what calling a function ID does to a registry: registers
// into it, or (lookup) looks a name up in it. (index has its own, richer
// role type for linking; this is the part navigation needs.)
type registryCall struct {
	registry string
	lookup   bool
}

// Index is what the navigation features derive from one snapshot: sites
// by file (sorted by offset), sites by plugin name, and per-registry name
// lists for completion. It is immutable once built.
type Index struct {
	snap          *index.Snapshot
	byFile        map[index.FileID][]*Site
	byName        map[nameKey][]*Site     // registrations and lookups
	regNames      map[string]*nameList    // registry ID → distinct registered names
	registryCalls map[string]registryCall // function ID → registry role
	all           *nameList               // every registered name (workspace symbols)
}

// nameList is a sorted list of distinct names with their lower-cased keys,
// for prefix (binary search) and fuzzy (scan) matching.
type nameList struct {
	names []string // sorted by lower-cased key, then name
	lower []string
}

func newNameList(set map[string]bool) *nameList {
	// Lower-cased once per name, not per comparison (that was half the
	// navigation index build at 10k names).
	type entry struct{ lower, name string }
	es := make([]entry, 0, len(set))
	for n := range set {
		es = append(es, entry{strings.ToLower(n), n})
	}
	slices.SortFunc(es, func(a, b entry) int {
		if c := strings.Compare(a.lower, b.lower); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	l := &nameList{names: make([]string, len(es)), lower: make([]string, len(es))}
	for i, e := range es {
		l.names[i], l.lower[i] = e.name, e.lower
	}
	return l
}

// nameListFor returns prev when it holds exactly the names of set (an edit
// that renamed no plugin), else a new list.
func nameListFor(set map[string]bool, prev *nameList) *nameList {
	if prev != nil && len(prev.names) == len(set) {
		same := true
		for _, n := range prev.names {
			if !set[n] {
				same = false
				break
			}
		}
		if same {
			return prev
		}
	}
	return newNameList(set)
}

// buildReuse are the name lists of the last navigation index built, which
// the next one reuses when its names are the same. Immutable.
type buildReuse struct {
	regNames map[string]*nameList
	all      *nameList
	// Sites of registrations and lookups by their linked object: a site
	// depends only on it and on its own file's facts, and incremental
	// linking hands unchanged files' objects to the next snapshot as they
	// are, so an identical pointer means an identical site.
	regSites    map[*index.Registration]*Site
	lookupSites map[*index.Lookup]*Site
}

// Cache hands out the Index of a snapshot. The Index is stored in the
// snapshot itself (index.Snapshot.Derived): built once, on the first
// navigation request after an edit, and shared by every feature and every
// Cache. A query reads exactly one snapshot; reading the stored index takes
// no lock once it is built. The name lists and sites of the last index built
// are kept (not the index: it would keep its snapshot alive) for the next
// build to reuse, so one Cache serves one workspace (the server keeps one
// per session: lsp.Workspace.Nav). The zero Cache is ready to use.
type Cache struct {
	last    atomic.Pointer[buildReuse]
	onBuild func() // see NewCache
}

// NewCache returns a Cache that calls onBuild (if not nil) after each Index
// it builds; tests count builds with it.
func NewCache(onBuild func()) *Cache { return &Cache{onBuild: onBuild} }

// indexKey is the Derived key of the Index.
type indexKey struct{}

// Get returns the Index of s, building it on first use.
func (c *Cache) Get(s *index.Snapshot) *Index {
	return s.Derived(indexKey{}, func() any {
		nx, names := build(s, c.last.Load())
		c.last.Store(names)
		if c.onBuild != nil {
			c.onBuild()
		}
		return nx
	}).(*Index)
}

// build builds the navigation index of s, reusing prev's name
// lists where the names are unchanged and prev's sites of the same linked
// registrations and lookups (prev may be nil, or of any snapshot: reuse is
// decided by content and identity). It also returns what the next build may
// reuse.
func build(s *index.Snapshot, prev *buildReuse) (*Index, *buildReuse) {
	if prev == nil {
		prev = &buildReuse{}
	}
	next := &buildReuse{regSites: make(map[*index.Registration]*Site, len(s.Registrations())),
		lookupSites: make(map[*index.Lookup]*Site, len(s.Lookups()))}
	nx := &Index{snap: s, byFile: map[index.FileID][]*Site{}, byName: map[nameKey][]*Site{},
		regNames: map[string]*nameList{}, registryCalls: map[string]registryCall{}}
	add := func(st *Site) {
		if st.ref.IsZero() {
			return
		}
		nx.byFile[st.ref.File] = append(nx.byFile[st.ref.File], st)
	}
	names := map[string]map[string]bool{}
	allNames := map[string]bool{}
	for _, r := range s.Registrations() {
		st := prev.regSites[r]
		if st == nil {
			st = &Site{kind: SiteRegistration, ref: r.NameRef, name: r.Name, registry: r.Registry, reg: r,
				literal: refIsStringLit(s, r.NameRef)}
		}
		next.regSites[r] = st
		add(st)
		if r.NameResolved {
			k := nameKey{r.Registry, r.Name}
			nx.byName[k] = append(nx.byName[k], st)
			if names[r.Registry] == nil {
				names[r.Registry] = map[string]bool{}
			}
			names[r.Registry][r.Name] = true
			allNames[r.Name] = true
		}
	}
	for _, lk := range s.Lookups() {
		st := prev.lookupSites[lk]
		if st == nil {
			st = &Site{kind: SiteLookup, ref: lk.NameRef, name: lk.Name, registry: lk.Registry, lookup: lk,
				literal: refIsStringLit(s, lk.NameRef)}
		}
		next.lookupSites[lk] = st
		add(st)
		if lk.NameResolved {
			k := nameKey{lk.Registry, lk.Name}
			nx.byName[k] = append(nx.byName[k], st)
		}
	}
	for _, pl := range s.PluginLookups() {
		add(&Site{kind: SitePluginLookup, ref: pl.Ref, name: pl.Symbol, pluginLookup: pl, literal: true})
	}
	for _, o := range s.Opens() {
		add(&Site{kind: SiteOpen, ref: o.PathRef, name: o.Path, open: o, literal: o.PathResolved})
	}
	for _, m := range s.Manifests() {
		add(&Site{kind: SiteManifestName, ref: m.NameRef, name: m.Name, man: m, literal: true})
		for i := range m.Requires {
			rq := &m.Requires[i]
			add(&Site{kind: SiteRequire, ref: rq.Ref, name: rq.Name, man: m, req: rq, literal: true})
		}
	}
	contracts := map[index.SymbolRef]bool{}
	for _, r := range s.Registries() {
		for _, fn := range r.Register {
			nx.registryCalls[fn] = registryCall{registry: r.ID}
		}
		for _, fn := range r.Lookup {
			nx.registryCalls[fn] = registryCall{registry: r.ID, lookup: true}
		}
		if !r.ContractDecl.IsZero() && !contracts[r.ContractDecl] {
			contracts[r.ContractDecl] = true
			add(&Site{kind: SiteContract, ref: r.ContractDecl, name: r.Contract})
		}
	}
	for _, plugin := range s.NativePlugins() {
		for _, sym := range plugin.Symbols {
			if sym.Exported && (sym.Kind == index.SymFunc || sym.Kind == index.SymVar) {
				add(&Site{kind: SiteNativeSymbol, ref: index.SymbolRef{File: sym.File, Span: sym.Span, Kind: index.KindSymbol},
					name: sym.Name, native: plugin})
			}
		}
	}
	for _, sites := range nx.byFile {
		sort.SliceStable(sites, func(i, j int) bool { return sites[i].ref.Span.Start < sites[j].ref.Span.Start })
	}
	for reg, set := range names {
		nx.regNames[reg] = nameListFor(set, prev.regNames[reg])
	}
	nx.all = nameListFor(allNames, prev.all)
	next.regNames, next.all = nx.regNames, nx.all
	return nx, next
}

// refIsStringLit reports whether the call argument at ref is a string
// literal (not a constant or expression). It reads the facts, not the file
// (diagnostics.srcIsStringLit asks the same of source text).
func refIsStringLit(s *index.Snapshot, ref index.SymbolRef) bool {
	f := s.Facts(ref.File)
	if f == nil {
		return false
	}
	for _, c := range f.Calls {
		for _, a := range c.Args {
			if a.Span == ref.Span {
				return a.IsLit
			}
		}
	}
	return false
}

// SiteAt returns the innermost site whose span contains off (the end of a
// span counts, so a cursor just after a closing quote still hits).
func (nx *Index) SiteAt(file index.FileID, off int) *Site {
	sites := nx.byFile[file]
	i := sort.Search(len(sites), func(i int) bool { return sites[i].ref.Span.Start > off })
	var best *Site
	for j := i - 1; j >= 0 && j >= i-8; j-- {
		st := sites[j]
		if st.ref.Span.Start <= off && off <= st.ref.Span.End {
			if best == nil || st.ref.Span.End-st.ref.Span.Start < best.ref.Span.End-best.ref.Span.Start {
				best = st
			}
		}
	}
	if best == nil {
		return nx.extraSiteAt(file, off) // config mentions, Caddy module IDs (mention.go)
	}
	return best
}

// Target is one answer of a query: where, and what is there.
type Target struct {
	Ref  index.SymbolRef
	What string // "registration", "type", "symbol", "package", "manifest", "lookup", "require", "const"
}

// Definition returns the targets of a definition request at off, and
// whether the index owns the position.
func (nx *Index) Definition(file index.FileID, off int) ([]Target, bool) {
	st := nx.SiteAt(file, off)
	if st == nil {
		return nil, false
	}
	s := nx.snap
	var out []Target
	switch st.kind {
	case SiteRegistration, SiteLookup, SiteMention, SiteModuleID:
		if st.kind == SiteRegistration && !st.literal {
			// A constant or a typed value (Caddy's T{}): gopls answers
			// for the identifier; we add the registrations of the name.
		}
		for _, o := range nx.byName[nameKey{st.registry, st.name}] {
			if o.kind != SiteRegistration {
				continue
			}
			out = append(out, Target{Ref: o.ref, What: "registration"})
			if t := nx.typeDecl(o.reg.ValueType); !t.IsZero() {
				out = append(out, Target{Ref: t, What: "type"})
			}
			if id := nx.caddyIDLiteral(o.reg); !id.IsZero() && id.Span != st.ref.Span {
				out = append(out, Target{Ref: id, What: "module-id"})
			}
		}
		switch st.kind {
		case SiteModuleID: // the ID literal is a declaration: its uses too
			for _, o := range nx.byName[nameKey{st.registry, st.name}] {
				if o.kind == SiteLookup {
					out = append(out, Target{Ref: o.ref, What: "lookup"})
				}
			}
		case SiteMention: // a plugin.cfg line also names the package
			if p := nx.mentionPackage(nx.mentionAt(st.ref)); !p.IsZero() {
				out = append(out, Target{Ref: p, What: "package"})
			}
		}
	case SitePluginLookup:
		for _, plugin := range nx.lookupPlugins(st.pluginLookup) {
			for _, sym := range plugin.Symbols {
				if sym.Name == st.name {
					out = append(out, Target{Ref: index.SymbolRef{File: sym.File, Span: sym.Span, Kind: index.KindSymbol}, What: "symbol"})
				}
			}
		}
	case SiteOpen:
		for _, plugin := range st.open.Plugins {
			if len(plugin.Files) > 0 {
				if f := s.Facts(plugin.Files[0]); f != nil {
					out = append(out, Target{Ref: index.SymbolRef{File: plugin.Files[0], Span: f.PackageSpan, Kind: index.KindNativePlugin}, What: "package"})
				}
			}
		}
	case SiteConfigEntry, SiteMentionPackage:
		out = append(out, nx.extraDefinition(st, file, off)...)
	case SiteRequire, SiteManifestName:
		for _, m := range s.Manifests() {
			if m.Name == st.name && (st.kind == SiteRequire || m != st.man) {
				out = append(out, Target{Ref: m.NameRef, What: "manifest"})
			}
		}
	default:
		return nil, false
	}
	return dedupeTargets(out), true
}

// lookupPlugins returns the native plugins a Lookup may read from: those of
// its Open site, else every native plugin (the receiver came from
// elsewhere).
func (nx *Index) lookupPlugins(pl *index.PluginLookup) []*index.NativePlugin {
	if pl.Open != nil && len(pl.Open.Plugins) > 0 {
		return pl.Open.Plugins
	}
	if pl.InPlugin {
		return nil
	}
	return nx.snap.NativePlugins()
}

// typeDecl finds the declaration of "pkgpath.T" or "*pkgpath.T".
func (nx *Index) typeDecl(qualified string) index.SymbolRef {
	t := strings.TrimLeft(qualified, "*")
	i := strings.LastIndexByte(t, '.')
	if i <= 0 || strings.ContainsAny(t, "()[]{} ") {
		return index.SymbolRef{}
	}
	p := nx.snap.Package(t[:i])
	if p == nil {
		return index.SymbolRef{}
	}
	name := t[i+1:]
	for _, fid := range p.Files {
		f := nx.snap.Facts(fid)
		if f == nil || f.IsTest {
			continue
		}
		for _, sym := range f.Symbols {
			if sym.Kind == index.SymType && sym.Name == name {
				return index.SymbolRef{File: fid, Span: sym.Span, Kind: index.KindSymbol}
			}
		}
	}
	return index.SymbolRef{}
}

// caddyIDLiteral finds the module ID string literal a Caddy module's
// CaddyModule method returns: for registrations whose name came from the
// value's type, not from a literal at the call.
func (nx *Index) caddyIDLiteral(r *index.Registration) index.SymbolRef {
	reg := nx.snap.Registry(r.Registry)
	if reg == nil || !slices.Contains(reg.MentionFormats, index.FormatCaddyfile) || reg.NameSource != index.NameFromValue || !r.NameResolved {
		return index.SymbolRef{}
	}
	decl := nx.typeDecl(r.ValueType)
	if decl.IsZero() {
		return index.SymbolRef{}
	}
	p := nx.snap.PackageOf(decl.File)
	if p == nil {
		return index.SymbolRef{}
	}
	lit := []byte(strconv.Quote(r.Name))
	for _, fid := range p.Files {
		f := nx.snap.Facts(fid)
		if f == nil || f.IsTest || f.ModuleIDs == nil {
			continue
		}
		b, err := nx.snap.Content(fid)
		if err != nil {
			continue
		}
		if i := bytes.Index(b, lit); i >= 0 {
			return index.SymbolRef{File: fid, Span: index.Span{Start: i, End: i + len(lit)}, Kind: index.KindPluginName}
		}
	}
	return index.SymbolRef{}
}

func dedupeTargets(ts []Target) []Target {
	seen := map[index.SymbolRef]bool{}
	out := ts[:0]
	for _, t := range ts {
		k := t.Ref
		k.Kind = 0
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, t)
	}
	return out
}

// References returns every mention of the name at off: registrations
// (when includeDecl), lookups, manifest names and requires entries; for a
// Lookup symbol string, the other Lookups of the symbol in the same plugins
// and (when includeDecl) its declaration; for a native plugin's exported
// declaration, the Lookup strings that name it.
func (nx *Index) References(file index.FileID, off int, includeDecl bool) ([]Target, bool) {
	st := nx.SiteAt(file, off)
	if st == nil {
		return nil, false
	}
	var out []Target
	switch st.kind {
	case SiteRegistration, SiteLookup, SiteMention, SiteModuleID:
		for _, o := range nx.byName[nameKey{st.registry, st.name}] {
			if o.kind == SiteRegistration && !includeDecl {
				continue
			}
			out = append(out, Target{Ref: o.ref, What: o.kind.what()})
		}
		out = append(out, nx.manifestMentions(st.name)...)
		out = append(out, mentionTargets(nx.configMentions(st.registry, st.name))...)
		if includeDecl {
			out = append(out, nx.caddyIDLiterals(st.registry, st.name)...)
		}
	case SiteManifestName, SiteRequire:
		out = append(out, nx.manifestMentions(st.name)...)
		for k, sites := range nx.byName {
			if k.name != st.name {
				continue
			}
			for _, o := range sites {
				if o.kind == SiteRegistration && !includeDecl {
					continue
				}
				out = append(out, Target{Ref: o.ref, What: o.kind.what()})
			}
		}
	case SitePluginLookup, SiteNativeSymbol:
		plugins := map[*index.NativePlugin]bool{}
		if st.kind == SiteNativeSymbol {
			plugins[st.native] = true
		} else {
			for _, plugin := range nx.lookupPlugins(st.pluginLookup) {
				plugins[plugin] = true
			}
		}
		if includeDecl {
			for plugin := range plugins {
				for _, sym := range plugin.Symbols {
					if sym.Name == st.name {
						out = append(out, Target{Ref: index.SymbolRef{File: sym.File, Span: sym.Span, Kind: index.KindSymbol}, What: "symbol"})
					}
				}
			}
		}
		for _, pl := range nx.snap.PluginLookups() {
			if pl.Symbol != st.name {
				continue
			}
			for _, plugin := range nx.lookupPlugins(pl) {
				if plugins[plugin] {
					out = append(out, Target{Ref: pl.Ref, What: "plugin-lookup"})
					break
				}
			}
		}
	default:
		return nil, false
	}
	out = dedupeTargets(out)
	sortTargets(nx.snap, out)
	return out, true
}

func (k SiteKind) what() string {
	switch k {
	case SiteRegistration:
		return "registration"
	case SiteLookup:
		return "lookup"
	case SitePluginLookup:
		return "plugin-lookup"
	case SiteOpen:
		return "open"
	case SiteManifestName:
		return "manifest"
	case SiteRequire:
		return "require"
	case SiteContract:
		return "contract"
	case SiteNativeSymbol:
		return "symbol"
	}
	return "none"
}

// manifestMentions are the manifest names and requires entries equal to name.
func (nx *Index) manifestMentions(name string) []Target {
	var out []Target
	for _, m := range nx.snap.Manifests() {
		if m.Name == name {
			out = append(out, Target{Ref: m.NameRef, What: "manifest"})
		}
		for _, rq := range m.Requires {
			if rq.Name == name {
				out = append(out, Target{Ref: rq.Ref, What: "require"})
			}
		}
	}
	return out
}

func sortTargets(s *index.Snapshot, ts []Target) {
	sort.SliceStable(ts, func(i, j int) bool {
		a, b := ts[i].Ref, ts[j].Ref
		if a.File != b.File {
			return s.Path(a.File) < s.Path(b.File)
		}
		return a.Span.Start < b.Span.Start
	})
}

// Implementations returns the registered types of every registry whose
// contract is declared at off (the cursor on the contract's name).
func (nx *Index) Implementations(file index.FileID, off int) ([]Target, bool) {
	st := nx.SiteAt(file, off)
	if st == nil || st.kind != SiteContract {
		return nil, false
	}
	var out []Target
	for _, r := range nx.registrationsOfContract(st.ref) {
		if t := nx.typeDecl(r.ValueType); !t.IsZero() {
			out = append(out, Target{Ref: t, What: "type"})
		}
	}
	out = dedupeTargets(out)
	sortTargets(nx.snap, out)
	return out, true
}

// registrationsOfContract returns the non-test registrations of every
// registry whose contract is declared at decl.
func (nx *Index) registrationsOfContract(decl index.SymbolRef) []*index.Registration {
	regs := map[string]bool{}
	for _, r := range nx.snap.Registries() {
		if r.ContractDecl.File == decl.File && r.ContractDecl.Span == decl.Span {
			regs[r.ID] = true
		}
	}
	var out []*index.Registration
	for _, r := range nx.snap.Registrations() {
		if regs[r.Registry] && !r.IsTest {
			out = append(out, r)
		}
	}
	return out
}

// RenameEdit is one replacement of a plugin name's text.
type RenameEdit struct {
	File    index.FileID
	Span    index.Span // the string contents, without quotes
	NewText string
}

// RenameError says why a plugin name cannot be renamed at a position.
type RenameError struct{ msg string }

// Error returns the reason.
func (e *RenameError) Error() string { return e.msg }

// PrepareRename returns the span of the string contents to rename at off.
// ok is false when the index does not own the position (forward to gopls);
// err is set when it does but the name is not a constant literal.
func (nx *Index) PrepareRename(file index.FileID, off int) (span index.Span, name string, ok bool, err error) {
	st := nx.SiteAt(file, off)
	if st == nil {
		return index.Span{}, "", false, nil
	}
	switch st.kind {
	case SiteRegistration, SiteLookup, SiteModuleID:
	case SiteMention:
		if st.registry == "" || len(nx.byName[nameKey{st.registry, st.name}]) == 0 {
			return index.Span{}, "", true, &RenameError{"no registration of plugin " + strconv.Quote(st.name) + " in the workspace"}
		}
		m := nx.mentionAt(st.ref)
		return st.ref.Span, m.Name, true, nil
	default:
		return index.Span{}, "", false, nil
	}
	if !st.literal {
		r := st.ref
		if f := nx.snap.Facts(r.File); f != nil && isIdentRef(f, r) {
			// A constant: renaming the identifier is gopls's job.
			return index.Span{}, "", false, nil
		}
		return index.Span{}, "", true, &RenameError{"plugin name " + strconv.Quote(st.name) + " is not a constant string literal here; rename it where it is declared"}
	}
	if len(nx.byName[nameKey{st.registry, st.name}]) == 0 {
		return index.Span{}, "", true, &RenameError{"plugin name is not a constant"}
	}
	return index.Span{Start: st.ref.Span.Start + 1, End: st.ref.Span.End - 1}, st.name, true, nil
}

// isIdentRef reports whether the call argument at r is a (qualified) identifier.
func isIdentRef(f *index.FileFacts, r index.SymbolRef) bool {
	for _, c := range f.Calls {
		for _, a := range c.Args {
			if a.Span == r.Span {
				return !a.IsLit && isIdent(a.Expr)
			}
		}
	}
	return false
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		for i, c := range part {
			if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
				return false
			}
		}
	}
	return true
}

// Rename returns the edits that rename the plugin name at off to newName at
// every registration and lookup of its registry (string literals, and the
// value of a constant a registration uses).
func (nx *Index) Rename(file index.FileID, off int, newName string) ([]RenameEdit, bool, error) {
	_, _, ok, err := nx.PrepareRename(file, off)
	if !ok || err != nil {
		return nil, ok, err
	}
	st := nx.SiteAt(file, off)
	if st.kind == SiteMention { // the user renamed the mention's text
		newName = nx.mentionAt(st.ref).KeyPrefix() + newName
	}
	var out []RenameEdit
	seen := map[index.SymbolRef]bool{}
	for _, o := range nx.byName[nameKey{st.registry, st.name}] {
		r := o.ref
		switch {
		case o.literal:
		case o.kind == SiteRegistration && !o.reg.NameDecl.IsZero():
			r = nx.constValueLit(o.reg.NameDecl)
			if r.IsZero() {
				continue
			}
		default:
			continue
		}
		if seen[r] {
			continue
		}
		seen[r] = true
		out = append(out, RenameEdit{File: r.File, Span: index.Span{Start: r.Span.Start + 1, End: r.Span.End - 1}, NewText: newName})
	}
	for _, e := range nx.extraRenameEdits(st.registry, st.name, newName) {
		if k := (index.SymbolRef{File: e.File, Span: e.Span}); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return nx.snap.Path(out[i].File) < nx.snap.Path(out[j].File)
		}
		return out[i].Span.Start < out[j].Span.Start
	})
	return out, true, nil
}

// constValueLit finds the string literal a const declaration's name is
// given: `Name = "x"` on the same line.
func (nx *Index) constValueLit(decl index.SymbolRef) index.SymbolRef {
	b, err := nx.snap.Content(decl.File)
	if err != nil || decl.Span.End > len(b) {
		return index.SymbolRef{}
	}
	rest := b[decl.Span.End:]
	if nl := bytes.IndexByte(rest, '\n'); nl >= 0 {
		rest = rest[:nl]
	}
	q := bytes.IndexByte(rest, '"')
	if q < 0 {
		return index.SymbolRef{}
	}
	e := bytes.IndexByte(rest[q+1:], '"')
	if e < 0 {
		return index.SymbolRef{}
	}
	start := decl.Span.End + q
	return index.SymbolRef{File: decl.File, Span: index.Span{Start: start, End: start + e + 2}, Kind: index.KindConst}
}

// HostLink says which host links a package under which configurations.
type HostLink struct {
	Host    string   // host import path relative to its module ("cmd/server")
	Configs []string // configurations; nil when all of them
}

// linkedBy returns the hosts that link pkg with file in it (a
// registration's file), per build configuration.
func (nx *Index) linkedBy(pkg string, file index.FileID) []HostLink {
	s := nx.snap
	cfgs := s.Configs()
	per := map[string][]string{}
	var order []string
	for _, cfg := range cfgs {
		if file != 0 && !s.FileBuilds(file, cfg) {
			continue
		}
		for _, h := range s.HostsLinking(pkg, cfg) {
			name := hostName(h)
			if _, ok := per[name]; !ok {
				order = append(order, name)
			}
			per[name] = append(per[name], cfg.String())
		}
	}
	sort.Strings(order)
	out := make([]HostLink, 0, len(order))
	for _, h := range order {
		hl := HostLink{Host: h}
		if len(per[h]) < len(cfgs) {
			hl.Configs = per[h]
		}
		out = append(out, hl)
	}
	return out
}

// hostName is a host's import path relative to its module, or its last
// element when it is the module root.
func hostName(h *index.Host) string {
	if h.Module != nil && strings.HasPrefix(h.ImportPath, h.Module.Path+"/") {
		return strings.TrimPrefix(h.ImportPath, h.Module.Path+"/")
	}
	return path.Base(h.ImportPath)
}

// CompletionItem is one candidate of a completion inside a plugin string.
type CompletionItem struct {
	Label  string
	Kind   string // "plugin", "func", "var"
	Detail string
	Rank   int
}

// CompletionContext is a cursor inside the string argument of a call.
type CompletionContext struct {
	Open, Close int    // offsets of the string contents: [Open, Close)
	Prefix      string // contents before the cursor
	Func        string // call expression before '(' as written: "registry.Get", "p.Lookup"
	ArgIndex    int
}

// InStringLit reports whether off is inside (or at the closing quote of) a
// double-quoted string literal on its line.
func InStringLit(text []byte, off int) bool {
	if off > len(text) {
		return false
	}
	open := false
	ls := off
	for ls > 0 && text[ls-1] != '\n' {
		ls--
	}
	for i := ls; i < off; i++ {
		switch c := text[i]; {
		case c == '\\' && open:
			i++
		case c == '"':
			open = !open
		case c == '/' && !open && i+1 < len(text) && text[i+1] == '/':
			return false
		}
	}
	if open {
		return true
	}
	// The cursor on the opening quote.
	return off < len(text) && text[off] == '"'
}

// StringContext finds the string literal around off in text and the call
// it is an argument of. It reads the text only (the file may not parse
// while the user types). Raw strings and multi-line literals are not
// handled: completion then falls through to gopls.
func StringContext(text []byte, off int) (CompletionContext, bool) {
	if off < 0 || off > len(text) {
		return CompletionContext{}, false
	}
	ls := bytes.LastIndexByte(text[:off], '\n') + 1
	le := len(text)
	if i := bytes.IndexByte(text[off:], '\n'); i >= 0 {
		le = off + i
	}
	// Find the quote that opens the literal the cursor is in.
	open := -1
	for i := ls; i < off; i++ {
		switch text[i] {
		case '\\':
			if open >= 0 {
				i++
			}
		case '"':
			if open >= 0 {
				open = -1
			} else {
				open = i
			}
		case '/':
			if open < 0 && i+1 < le && text[i+1] == '/' {
				return CompletionContext{}, false // in a comment
			}
		case '`', '\'':
			if open < 0 {
				return CompletionContext{}, false
			}
		}
	}
	if open < 0 {
		return CompletionContext{}, false
	}
	closeAt := le
	for i := off; i < le; i++ {
		if text[i] == '\\' {
			i++
			continue
		}
		if text[i] == '"' {
			closeAt = i
			break
		}
	}
	ctx := CompletionContext{Open: open + 1, Close: closeAt, Prefix: string(text[open+1 : off])}
	// Walk back over earlier arguments to the call's '('.
	depth, i := 0, open-1
	for ; i >= ls; i-- {
		c := text[i]
		switch {
		case c == ')' || c == ']' || c == '}':
			depth++
		case c == '(' || c == '[' || c == '{':
			if depth == 0 {
				goto found
			}
			depth--
		case c == ',' && depth == 0:
			ctx.ArgIndex++
		case c == '"' && depth == 0:
			// an earlier string argument: skip it
			j := i - 1
			for j >= ls && !(text[j] == '"' && (j == 0 || text[j-1] != '\\')) {
				j--
			}
			i = j
		}
	}
	return CompletionContext{}, false
found:
	if text[i] != '(' {
		return CompletionContext{}, false
	}
	e := i
	for e > ls && (text[e-1] == ' ' || text[e-1] == '\t') {
		e--
	}
	b := e
	for b > ls && (isIdentByte(text[b-1]) || text[b-1] == '.') {
		b--
	}
	ctx.Func = string(text[b:e])
	if ctx.Func == "" || strings.HasSuffix(ctx.Func, ".") || strings.HasPrefix(ctx.Func, ".") {
		return CompletionContext{}, false
	}
	return ctx, true
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// completionLimit caps the items of one answer; the reply says
// isIncomplete when more matched, so the editor asks again as the user types.
const completionLimit = 50

// Complete returns completion candidates for a cursor at off in file, whose
// current text is text (the overlay). ok is false when the cursor is not in
// a plugin string (the request goes to gopls). more reports that matches
// were left out.
func (nx *Index) Complete(file index.FileID, text []byte, off int) (cc CompletionContext, items []CompletionItem, more, ok bool) {
	cc, ok = StringContext(text, off)
	if !ok {
		return cc, nil, false, false
	}
	fn := cc.Func
	qual, name := "", fn
	if i := strings.LastIndexByte(fn, '.'); i >= 0 {
		qual, name = fn[:i], fn[i+1:]
	}
	if strings.Contains(qual, ".") {
		return cc, nil, false, false // x.y.F(: a field or method chain we do not resolve
	}
	f := nx.snap.Facts(file)
	pkg := nx.snap.PackageOf(file)
	var fnID string
	switch {
	case qual == "" && pkg != nil:
		fnID = pkg.ImportPath + "." + name
	case qual != "" && f != nil:
		if ip := importFor(nx.snap, f, qual); ip != "" {
			fnID = ip + "." + name
		}
	}
	if role, found := nx.registryCalls[fnID]; found && fnID != "" {
		if cc.ArgIndex != nameArgOf(nx.snap, fnID) {
			return cc, nil, false, false
		}
		items, more = nx.completeNames(role.registry, cc.Prefix)
		return cc, items, more, true
	}
	if name == "Lookup" && qual != "" && cc.ArgIndex == 0 && f != nil {
		if plugins, found := nx.openPlugins(file, qual); found {
			items, more = completeSymbols(plugins, cc.Prefix)
			return cc, items, more, true
		}
	}
	return cc, nil, false, false
}

// importFor resolves a package qualifier in a file to an import path.
func importFor(s *index.Snapshot, f *index.FileFacts, qual string) string {
	return index.ImportOf(f, qual, func(path string) string {
		if p := s.Package(path); p != nil {
			return p.Name
		}
		return ""
	})
}

// openPlugins returns the native plugins opened into the variable recv by a
// plugin.Open in file. found is false when recv is not such a variable.
func (nx *Index) openPlugins(file index.FileID, recv string) ([]*index.NativePlugin, bool) {
	found := false
	var out []*index.NativePlugin
	seen := map[*index.NativePlugin]bool{}
	for _, o := range nx.snap.Opens() {
		if o.File != file {
			continue
		}
		if f := nx.snap.Facts(file); f != nil {
			var v string
			for _, of := range f.Opens {
				if of.Call == o.Call.Span {
					v = of.Var
				}
			}
			if v != recv {
				continue
			}
		}
		found = true
		for _, plugin := range o.Plugins {
			if !seen[plugin] {
				seen[plugin] = true
				out = append(out, plugin)
			}
		}
	}
	return out, found
}

// completeNames ranks a registry's names against prefix: prefix matches in
// name order, then fuzzy (subsequence) matches by score.
func (nx *Index) completeNames(registry, prefix string) ([]CompletionItem, bool) {
	nl := nx.regNames[registry]
	if nl == nil {
		return nil, false
	}
	detail := "plugin in registry " + registry
	var items []CompletionItem
	more := false
	for _, n := range nl.rank(prefix, completionLimit+1) {
		if len(items) == completionLimit {
			more = true
			break
		}
		items = append(items, CompletionItem{Label: n, Kind: "plugin", Detail: detail, Rank: len(items)})
	}
	return items, more
}

// rank returns up to limit names: those starting with prefix (case-
// insensitively) in order, then the names prefix is a subsequence of,
// best score first.
func (nl *nameList) rank(prefix string, limit int) []string {
	lp := strings.ToLower(prefix)
	lo := sort.SearchStrings(nl.lower, lp)
	var out []string
	hi := lo
	for hi < len(nl.lower) && strings.HasPrefix(nl.lower[hi], lp) {
		if len(out) == limit {
			return out // enough prefix matches: no need to find where they end
		}
		out = append(out, nl.names[hi])
		hi++
	}
	if lp == "" {
		return out
	}
	type scored struct {
		i, score int
	}
	var fz []scored
	for i, k := range nl.lower {
		if i >= lo && i < hi {
			continue
		}
		if sc, ok := fuzzyScore(k, lp); ok {
			fz = append(fz, scored{i, sc})
		}
	}
	sort.SliceStable(fz, func(a, b int) bool { return fz[a].score < fz[b].score })
	for _, f := range fz {
		if len(out) >= limit {
			break
		}
		out = append(out, nl.names[f.i])
	}
	return out
}

// fuzzyScore reports whether pat is a subsequence of s and scores the match:
// lower is better (where the match starts plus the gaps inside it).
func fuzzyScore(s, pat string) (int, bool) {
	j, first, gaps, last := 0, -1, 0, -1
	for i := 0; i < len(s) && j < len(pat); i++ {
		if s[i] == pat[j] {
			if first < 0 {
				first = i
			} else {
				gaps += i - last - 1
			}
			last = i
			j++
		}
	}
	if j < len(pat) {
		return 0, false
	}
	return first + gaps*2, true
}

// completeSymbols lists the exported funcs and vars of native plugins
// (what Lookup can find; consts and types cannot be looked up).
func completeSymbols(plugins []*index.NativePlugin, prefix string) ([]CompletionItem, bool) {
	seen := map[string]bool{}
	var prefixed, fuzzy []CompletionItem
	lp := strings.ToLower(prefix)
	for _, plugin := range plugins {
		for _, sym := range plugin.Symbols {
			if !sym.Exported || seen[sym.Name] || sym.Kind != index.SymFunc && sym.Kind != index.SymVar {
				continue
			}
			seen[sym.Name] = true
			it := CompletionItem{Label: sym.Name, Kind: sym.Kind.String(), Detail: symbolDetail(sym.Symbol, plugin)}
			ln := strings.ToLower(sym.Name)
			if strings.HasPrefix(ln, lp) {
				prefixed = append(prefixed, it)
			} else if sc, ok := fuzzyScore(ln, lp); ok {
				it.Rank = sc
				fuzzy = append(fuzzy, it)
			}
		}
	}
	sort.Slice(prefixed, func(i, j int) bool { return prefixed[i].Label < prefixed[j].Label })
	sort.SliceStable(fuzzy, func(i, j int) bool { return fuzzy[i].Rank < fuzzy[j].Rank })
	out := append(prefixed, fuzzy...)
	more := false
	if len(out) > completionLimit {
		out, more = out[:completionLimit], true
	}
	for i := range out {
		out[i].Rank = i
	}
	return out, more
}

func symbolDetail(sym index.Symbol, plugin *index.NativePlugin) string {
	d := sym.Kind.String() + " " + sym.Name
	if sym.Type != "" {
		if sym.Kind == index.SymFunc {
			d = "func " + sym.Name + strings.TrimPrefix(sym.Type, "func")
		} else {
			d += " " + sym.Type
		}
	}
	return d + " (plugin " + path.Base(plugin.Dir) + ")"
}

// SymbolMatch is one workspace-symbol answer of ours.
type SymbolMatch struct {
	Name     string
	Ref      index.SymbolRef
	Registry string
	Kind     string // "plugin", "native-plugin"
}

// Symbols returns the registrations whose plugin name matches query
// (prefix first, then fuzzy), and native plugins whose name matches.
func (nx *Index) Symbols(query string, limit int) []SymbolMatch {
	var out []SymbolMatch
	for _, n := range nx.all.rank(query, limit) {
		for reg := range nx.regNames {
			for _, st := range nx.byName[nameKey{reg, n}] {
				if st.kind == SiteRegistration {
					out = append(out, SymbolMatch{Name: n, Ref: st.ref, Registry: reg, Kind: "plugin"})
				}
			}
		}
		if len(out) >= limit {
			break
		}
	}
	lq := strings.ToLower(query)
	for _, plugin := range nx.snap.NativePlugins() {
		base := path.Base(plugin.Dir)
		if _, ok := fuzzyScore(strings.ToLower(base), lq); ok && len(plugin.Files) > 0 {
			if f := nx.snap.Facts(plugin.Files[0]); f != nil {
				out = append(out, SymbolMatch{Name: base, Ref: index.SymbolRef{File: plugin.Files[0], Span: f.PackageSpan, Kind: index.KindNativePlugin}, Kind: "native-plugin"})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return false // keep rank order between names
		}
		if out[i].Registry != out[j].Registry {
			return out[i].Registry < out[j].Registry
		}
		return nx.snap.Path(out[i].Ref.File) < nx.snap.Path(out[j].Ref.File)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Lens is a code lens of ours before resolution.
type Lens struct {
	Ref  index.SymbolRef
	Kind string // "registration", "contract"
}

// Lenses returns the registrations and contract declarations in file.
func (nx *Index) Lenses(file index.FileID) []Lens {
	var out []Lens
	for _, st := range nx.byFile[file] {
		switch st.kind {
		case SiteRegistration:
			if !st.reg.IsTest {
				out = append(out, Lens{Ref: st.reg.Call, Kind: "registration"})
			}
		case SiteContract:
			out = append(out, Lens{Ref: st.ref, Kind: "contract"})
		}
	}
	return out
}

// LensTitle resolves a lens: the hosts linking a registration, or the
// number of plugins of a contract. The site is found again by its span in
// the current snapshot; ok is false when it is gone.
func (nx *Index) LensTitle(ls Lens) (string, bool) {
	switch ls.Kind {
	case "registration":
		for _, st := range nx.byFile[ls.Ref.File] {
			if st.kind == SiteRegistration && st.reg.Call.Span == ls.Ref.Span {
				return linkTitle(nx.linkedBy(st.reg.Package, st.reg.File)), true
			}
		}
	case "contract":
		st := nx.SiteAt(ls.Ref.File, ls.Ref.Span.Start)
		if st != nil && st.kind == SiteContract {
			n := len(nx.registrationsOfContract(st.ref))
			if n == 1 {
				return "1 plugin", true
			}
			return strconv.Itoa(n) + " plugins", true
		}
	}
	return "", false
}

func linkTitle(hl []HostLink) string {
	if len(hl) == 0 {
		return "not linked"
	}
	parts := make([]string, len(hl))
	for i, h := range hl {
		parts[i] = h.Host
		if h.Configs != nil {
			parts[i] += " (" + strings.Join(h.Configs, ", ") + ")"
		}
	}
	return "linked by " + strings.Join(parts, ", ")
}

// HoverReg is one registration of a hovered plugin name.
type HoverReg struct {
	Reg      *index.Registration
	TypeDecl index.SymbolRef // declaration of the registered type, zero if unknown
	Doc      string          // its doc comment
	Links    []HostLink
}

// HoverSym is one declaration of a hovered Lookup symbol.
type HoverSym struct {
	Sym    index.PluginSymbol
	Plugin *index.NativePlugin
	Doc    string
}

// HoverInfo is what a hover on a plugin string shows.
type HoverInfo struct {
	Site      *Site
	Registry  *index.Registry
	Regs      []HoverReg
	Lookups   int // lookups of the name in the workspace
	Manifests []*index.Manifest
	Mentions  []*index.Mention // config files naming the plugin
	Syms      []HoverSym
	Plugins   []*index.NativePlugin // plugin.Open targets
}

// Hover collects what is known about the site at off.
func (nx *Index) Hover(file index.FileID, off int) (*HoverInfo, bool) {
	st := nx.SiteAt(file, off)
	if st == nil {
		return nil, false
	}
	s := nx.snap
	h := &HoverInfo{Site: st}
	switch st.kind {
	case SiteRegistration, SiteLookup, SiteMention, SiteModuleID:
		h.Registry = s.Registry(st.registry)
		h.Mentions = nx.configMentions(st.registry, st.name)
		pkgs := map[string]bool{}
		for _, o := range nx.byName[nameKey{st.registry, st.name}] {
			if o.kind == SiteLookup {
				h.Lookups++
				continue
			}
			hr := HoverReg{Reg: o.reg, TypeDecl: nx.typeDecl(o.reg.ValueType), Links: nx.linkedBy(o.reg.Package, o.reg.File)}
			if !hr.TypeDecl.IsZero() {
				hr.Doc = nx.docComment(hr.TypeDecl)
			}
			h.Regs = append(h.Regs, hr)
			pkgs[o.reg.Package] = true
		}
		for _, m := range s.Manifests() {
			if m.Name == st.name || m.Package != "" && pkgs[m.Package] {
				h.Manifests = append(h.Manifests, m)
			}
		}
	case SitePluginLookup:
		for _, plugin := range nx.lookupPlugins(st.pluginLookup) {
			for _, sym := range plugin.Symbols {
				if sym.Name == st.name {
					h.Syms = append(h.Syms, HoverSym{Sym: sym, Plugin: plugin,
						Doc: nx.docComment(index.SymbolRef{File: sym.File, Span: sym.Span})})
				}
			}
		}
	case SiteOpen:
		h.Plugins = st.open.Plugins
	case SiteManifestName, SiteRequire:
		for _, m := range s.Manifests() {
			if m.Name == st.name {
				h.Manifests = append(h.Manifests, m)
			}
		}
	default:
		return nil, false
	}
	return h, true
}

// docComment returns the comment lines right above the line of ref (a
// declaration's name), without the comment markers. Grouped declarations
// (`type ( … )`) have their comment above the spec, which is the same rule.
func (nx *Index) docComment(ref index.SymbolRef) string {
	b, err := nx.snap.Content(ref.File)
	if err != nil || ref.Span.Start > len(b) {
		return ""
	}
	ls := bytes.LastIndexByte(b[:ref.Span.Start], '\n') + 1
	var lines []string
	end := ls
	for end > 0 {
		ps := bytes.LastIndexByte(b[:end-1], '\n') + 1
		line := strings.TrimSpace(string(b[ps : end-1]))
		if !strings.HasPrefix(line, "//") || strings.HasPrefix(line, "//go:") {
			break
		}
		lines = append(lines, strings.TrimPrefix(strings.TrimPrefix(line, "//"), " "))
		end = ps
	}
	for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
		lines[i], lines[j] = lines[j], lines[i]
	}
	return strings.Join(lines, "\n")
}

// Kind says what the site is.
func (st *Site) Kind() SiteKind { return st.kind }

// Ref is the span the cursor must be in.
func (st *Site) Ref() index.SymbolRef { return st.ref }

// Literal reports whether the name is written as a string literal at Ref
// (not as a constant or an expression: then gopls has an answer too).
func (st *Site) Literal() bool { return st.literal }
