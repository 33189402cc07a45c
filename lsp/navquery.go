package lsp

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

// This file is the query layer of the navigation features (definition,
// references, implementation, hover, completion, workspace symbols, code
// lens, rename). It takes an index snapshot, a file and a byte offset and
// answers in index refs: plain functions, no LSP types, so they are tested
// without gopls (navquery_test.go). The feature files convert refs to LSP
// locations with the Mapper.

// siteKind says what a navigation site is.
type siteKind uint8

const (
	siteNone         siteKind = iota
	siteRegistration          // plugin name at a registration call
	siteLookup                // plugin name at a registry lookup call
	sitePluginLookup          // symbol string of (*plugin.Plugin).Lookup
	siteOpen                  // path argument of plugin.Open
	siteManifestName          // name: in a plugin-manifest.yaml
	siteRequire               // an entry of requires: in a manifest
	siteContract              // declaration of a registry's contract type
	siteNativeSymbol          // exported declaration of a native plugin
)

// navSite is one place in a file that the index owns.
type navSite struct {
	kind     siteKind
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

// navIndex is what the navigation features derive from one snapshot: sites
// by file (sorted by offset), sites by plugin name, and per-registry name
// lists for completion. It is immutable once built.
type navIndex struct {
	snap          *index.Snapshot
	byFile        map[index.FileID][]*navSite
	byName        map[nameKey][]*navSite  // registrations and lookups
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

// navNames are the name lists of the last navigation index built, which
// the next one reuses when its names are the same. Immutable.
type navNames struct {
	regNames map[string]*nameList
	all      *nameList
	// Sites of registrations and lookups by their linked object: a site
	// depends only on it and on its own file's facts, and incremental
	// linking hands unchanged files' objects to the next snapshot as they
	// are, so an identical pointer means an identical site.
	regSites    map[*index.Registration]*navSite
	lookupSites map[*index.Lookup]*navSite
}

// navCache hands out the navIndex of a snapshot. The navIndex is stored
// in the snapshot itself (index.Snapshot.Derived): built once, on the first
// navigation request after an edit, and shared by every feature (before,
// each of the eight features built its own copy, ~30 ms of CPU each at 10k
// registrations). A query reads exactly one snapshot; reading the stored
// index takes no lock once it is built.
// The name lists of the last index built are kept (not the index: it would
// keep its snapshot alive) for the next build to reuse.
type navCache struct {
	last atomic.Pointer[navNames]
}

// navIndexKey is the Derived key of the navIndex.
type navIndexKey struct{}

func (c *navCache) get(s *index.Snapshot) *navIndex {
	return s.Derived(navIndexKey{}, func() any {
		nx, names := buildNavIndexFrom(s, c.last.Load())
		c.last.Store(names)
		return nx
	}).(*navIndex)
}

// buildNavIndexFrom builds the navigation index of s, reusing prev's name
// lists where the names are unchanged and prev's sites of the same linked
// registrations and lookups (prev may be nil, or of any snapshot: reuse is
// decided by content and identity). It also returns what the next build may
// reuse.
func buildNavIndexFrom(s *index.Snapshot, prev *navNames) (*navIndex, *navNames) {
	if prev == nil {
		prev = &navNames{}
	}
	next := &navNames{regSites: make(map[*index.Registration]*navSite, len(s.Registrations())),
		lookupSites: make(map[*index.Lookup]*navSite, len(s.Lookups()))}
	nx := &navIndex{snap: s, byFile: map[index.FileID][]*navSite{}, byName: map[nameKey][]*navSite{},
		regNames: map[string]*nameList{}, registryCalls: map[string]registryCall{}}
	add := func(st *navSite) {
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
			st = &navSite{kind: siteRegistration, ref: r.NameRef, name: r.Name, registry: r.Registry, reg: r,
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
			st = &navSite{kind: siteLookup, ref: lk.NameRef, name: lk.Name, registry: lk.Registry, lookup: lk,
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
		add(&navSite{kind: sitePluginLookup, ref: pl.Ref, name: pl.Symbol, pluginLookup: pl, literal: true})
	}
	for _, o := range s.Opens() {
		add(&navSite{kind: siteOpen, ref: o.PathRef, name: o.Path, open: o, literal: o.PathResolved})
	}
	for _, m := range s.Manifests() {
		add(&navSite{kind: siteManifestName, ref: m.NameRef, name: m.Name, man: m, literal: true})
		for i := range m.Requires {
			rq := &m.Requires[i]
			add(&navSite{kind: siteRequire, ref: rq.Ref, name: rq.Name, man: m, req: rq, literal: true})
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
			add(&navSite{kind: siteContract, ref: r.ContractDecl, name: r.Contract})
		}
	}
	for _, plugin := range s.NativePlugins() {
		for _, sym := range plugin.Symbols {
			if sym.Exported && (sym.Kind == index.SymFunc || sym.Kind == index.SymVar) {
				add(&navSite{kind: siteNativeSymbol, ref: index.SymbolRef{File: sym.File, Span: sym.Span, Kind: index.KindSymbol},
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

// siteAt returns the innermost site whose span contains off (the end of a
// span counts, so a cursor just after a closing quote still hits).
func (nx *navIndex) siteAt(file index.FileID, off int) *navSite {
	sites := nx.byFile[file]
	i := sort.Search(len(sites), func(i int) bool { return sites[i].ref.Span.Start > off })
	var best *navSite
	for j := i - 1; j >= 0 && j >= i-8; j-- {
		st := sites[j]
		if st.ref.Span.Start <= off && off <= st.ref.Span.End {
			if best == nil || st.ref.Span.End-st.ref.Span.Start < best.ref.Span.End-best.ref.Span.Start {
				best = st
			}
		}
	}
	if best == nil {
		return nx.extraSiteAt(file, off) // config mentions, Caddy module IDs (navmention.go)
	}
	return best
}

// navTarget is one answer of a query: where, and what is there.
type navTarget struct {
	Ref  index.SymbolRef
	What string // "registration", "type", "symbol", "package", "manifest", "lookup", "require", "const"
}

// definition returns the targets of a definition request at off, and
// whether the index owns the position.
func (nx *navIndex) definition(file index.FileID, off int) ([]navTarget, bool) {
	st := nx.siteAt(file, off)
	if st == nil {
		return nil, false
	}
	s := nx.snap
	var out []navTarget
	switch st.kind {
	case siteRegistration, siteLookup, siteMention, siteModuleID:
		if st.kind == siteRegistration && !st.literal {
			// A constant or a typed value (Caddy's T{}): gopls answers
			// for the identifier; we add the registrations of the name.
		}
		for _, o := range nx.byName[nameKey{st.registry, st.name}] {
			if o.kind != siteRegistration {
				continue
			}
			out = append(out, navTarget{Ref: o.ref, What: "registration"})
			if t := nx.typeDecl(o.reg.ValueType); !t.IsZero() {
				out = append(out, navTarget{Ref: t, What: "type"})
			}
			if id := nx.caddyIDLiteral(o.reg); !id.IsZero() && id.Span != st.ref.Span {
				out = append(out, navTarget{Ref: id, What: "module-id"})
			}
		}
		switch st.kind {
		case siteModuleID: // the ID literal is a declaration: its uses too
			for _, o := range nx.byName[nameKey{st.registry, st.name}] {
				if o.kind == siteLookup {
					out = append(out, navTarget{Ref: o.ref, What: "lookup"})
				}
			}
		case siteMention: // a plugin.cfg line also names the package
			if p := nx.mentionPackage(nx.mentionAt(st.ref)); !p.IsZero() {
				out = append(out, navTarget{Ref: p, What: "package"})
			}
		}
	case sitePluginLookup:
		for _, plugin := range nx.lookupPlugins(st.pluginLookup) {
			for _, sym := range plugin.Symbols {
				if sym.Name == st.name {
					out = append(out, navTarget{Ref: index.SymbolRef{File: sym.File, Span: sym.Span, Kind: index.KindSymbol}, What: "symbol"})
				}
			}
		}
	case siteOpen:
		for _, plugin := range st.open.Plugins {
			if len(plugin.Files) > 0 {
				if f := s.Facts(plugin.Files[0]); f != nil {
					out = append(out, navTarget{Ref: index.SymbolRef{File: plugin.Files[0], Span: f.PackageSpan, Kind: index.KindNativePlugin}, What: "package"})
				}
			}
		}
	case siteConfigEntry, siteMentionPackage:
		out = append(out, nx.extraDefinition(st, file, off)...)
	case siteRequire, siteManifestName:
		for _, m := range s.Manifests() {
			if m.Name == st.name && (st.kind == siteRequire || m != st.man) {
				out = append(out, navTarget{Ref: m.NameRef, What: "manifest"})
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
func (nx *navIndex) lookupPlugins(pl *index.PluginLookup) []*index.NativePlugin {
	if pl.Open != nil && len(pl.Open.Plugins) > 0 {
		return pl.Open.Plugins
	}
	if pl.InPlugin {
		return nil
	}
	return nx.snap.NativePlugins()
}

// typeDecl finds the declaration of "pkgpath.T" or "*pkgpath.T".
func (nx *navIndex) typeDecl(qualified string) index.SymbolRef {
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
func (nx *navIndex) caddyIDLiteral(r *index.Registration) index.SymbolRef {
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

func dedupeTargets(ts []navTarget) []navTarget {
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

// references returns every mention of the name at off: registrations
// (when includeDecl), lookups, manifest names and requires entries; for a
// Lookup symbol string, the other Lookups of the symbol in the same plugins
// and (when includeDecl) its declaration; for a native plugin's exported
// declaration, the Lookup strings that name it.
func (nx *navIndex) references(file index.FileID, off int, includeDecl bool) ([]navTarget, bool) {
	st := nx.siteAt(file, off)
	if st == nil {
		return nil, false
	}
	var out []navTarget
	switch st.kind {
	case siteRegistration, siteLookup, siteMention, siteModuleID:
		for _, o := range nx.byName[nameKey{st.registry, st.name}] {
			if o.kind == siteRegistration && !includeDecl {
				continue
			}
			out = append(out, navTarget{Ref: o.ref, What: o.kind.what()})
		}
		out = append(out, nx.manifestMentions(st.name)...)
		out = append(out, mentionTargets(nx.configMentions(st.registry, st.name))...)
		if includeDecl {
			out = append(out, nx.caddyIDLiterals(st.registry, st.name)...)
		}
	case siteManifestName, siteRequire:
		out = append(out, nx.manifestMentions(st.name)...)
		for k, sites := range nx.byName {
			if k.name != st.name {
				continue
			}
			for _, o := range sites {
				if o.kind == siteRegistration && !includeDecl {
					continue
				}
				out = append(out, navTarget{Ref: o.ref, What: o.kind.what()})
			}
		}
	case sitePluginLookup, siteNativeSymbol:
		plugins := map[*index.NativePlugin]bool{}
		if st.kind == siteNativeSymbol {
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
						out = append(out, navTarget{Ref: index.SymbolRef{File: sym.File, Span: sym.Span, Kind: index.KindSymbol}, What: "symbol"})
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
					out = append(out, navTarget{Ref: pl.Ref, What: "plugin-lookup"})
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

func (k siteKind) what() string {
	switch k {
	case siteRegistration:
		return "registration"
	case siteLookup:
		return "lookup"
	case sitePluginLookup:
		return "plugin-lookup"
	case siteOpen:
		return "open"
	case siteManifestName:
		return "manifest"
	case siteRequire:
		return "require"
	case siteContract:
		return "contract"
	case siteNativeSymbol:
		return "symbol"
	}
	return "none"
}

// manifestMentions are the manifest names and requires entries equal to name.
func (nx *navIndex) manifestMentions(name string) []navTarget {
	var out []navTarget
	for _, m := range nx.snap.Manifests() {
		if m.Name == name {
			out = append(out, navTarget{Ref: m.NameRef, What: "manifest"})
		}
		for _, rq := range m.Requires {
			if rq.Name == name {
				out = append(out, navTarget{Ref: rq.Ref, What: "require"})
			}
		}
	}
	return out
}

func sortTargets(s *index.Snapshot, ts []navTarget) {
	sort.SliceStable(ts, func(i, j int) bool {
		a, b := ts[i].Ref, ts[j].Ref
		if a.File != b.File {
			return s.Path(a.File) < s.Path(b.File)
		}
		return a.Span.Start < b.Span.Start
	})
}

// implementations returns the registered types of every registry whose
// contract is declared at off (the cursor on the contract's name).
func (nx *navIndex) implementations(file index.FileID, off int) ([]navTarget, bool) {
	st := nx.siteAt(file, off)
	if st == nil || st.kind != siteContract {
		return nil, false
	}
	var out []navTarget
	for _, r := range nx.registrationsOfContract(st.ref) {
		if t := nx.typeDecl(r.ValueType); !t.IsZero() {
			out = append(out, navTarget{Ref: t, What: "type"})
		}
	}
	out = dedupeTargets(out)
	sortTargets(nx.snap, out)
	return out, true
}

// registrationsOfContract returns the non-test registrations of every
// registry whose contract is declared at decl.
func (nx *navIndex) registrationsOfContract(decl index.SymbolRef) []*index.Registration {
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

// renameEdit is one replacement of a plugin name's text.
type renameEdit struct {
	File    index.FileID
	Span    index.Span // the string contents, without quotes
	NewText string
}

// renameError says why a plugin name cannot be renamed at a position.
type renameError struct{ msg string }

func (e *renameError) Error() string { return e.msg }

// prepareRename returns the span of the string contents to rename at off.
// ok is false when the index does not own the position (forward to gopls);
// err is set when it does but the name is not a constant literal.
func (nx *navIndex) prepareRename(file index.FileID, off int) (span index.Span, name string, ok bool, err error) {
	st := nx.siteAt(file, off)
	if st == nil {
		return index.Span{}, "", false, nil
	}
	switch st.kind {
	case siteRegistration, siteLookup, siteModuleID:
	case siteMention:
		if st.registry == "" || len(nx.byName[nameKey{st.registry, st.name}]) == 0 {
			return index.Span{}, "", true, &renameError{"no registration of plugin " + strconv.Quote(st.name) + " in the workspace"}
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
		return index.Span{}, "", true, &renameError{"plugin name " + strconv.Quote(st.name) + " is not a constant string literal here; rename it where it is declared"}
	}
	if len(nx.byName[nameKey{st.registry, st.name}]) == 0 {
		return index.Span{}, "", true, &renameError{"plugin name is not a constant"}
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

// rename returns the edits that rename the plugin name at off to newName at
// every registration and lookup of its registry (string literals, and the
// value of a constant a registration uses).
func (nx *navIndex) rename(file index.FileID, off int, newName string) ([]renameEdit, bool, error) {
	_, _, ok, err := nx.prepareRename(file, off)
	if !ok || err != nil {
		return nil, ok, err
	}
	st := nx.siteAt(file, off)
	if st.kind == siteMention { // the user renamed the mention's text
		newName = nx.mentionAt(st.ref).KeyPrefix() + newName
	}
	var out []renameEdit
	seen := map[index.SymbolRef]bool{}
	for _, o := range nx.byName[nameKey{st.registry, st.name}] {
		r := o.ref
		switch {
		case o.literal:
		case o.kind == siteRegistration && !o.reg.NameDecl.IsZero():
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
		out = append(out, renameEdit{File: r.File, Span: index.Span{Start: r.Span.Start + 1, End: r.Span.End - 1}, NewText: newName})
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
func (nx *navIndex) constValueLit(decl index.SymbolRef) index.SymbolRef {
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

// hostLink says which host links a package under which configurations.
type hostLink struct {
	Host    string   // host import path relative to its module ("cmd/server")
	Configs []string // configurations; nil when all of them
}

// linkedBy returns the hosts that link pkg with file in it (a
// registration's file), per build configuration.
func (nx *navIndex) linkedBy(pkg string, file index.FileID) []hostLink {
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
	out := make([]hostLink, 0, len(order))
	for _, h := range order {
		hl := hostLink{Host: h}
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

// completionItem is one candidate of a completion inside a plugin string.
type completionItem struct {
	Label  string
	Kind   string // "plugin", "func", "var"
	Detail string
	Rank   int
}

// completionContext is a cursor inside the string argument of a call.
type completionContext struct {
	Open, Close int    // offsets of the string contents: [Open, Close)
	Prefix      string // contents before the cursor
	Func        string // call expression before '(' as written: "registry.Get", "p.Lookup"
	ArgIndex    int
}

// stringContext finds the string literal around off in text and the call
// it is an argument of. It reads the text only (the file may not parse
// while the user types). Raw strings and multi-line literals are not
// handled: completion then falls through to gopls.
func stringContext(text []byte, off int) (completionContext, bool) {
	if off < 0 || off > len(text) {
		return completionContext{}, false
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
				return completionContext{}, false // in a comment
			}
		case '`', '\'':
			if open < 0 {
				return completionContext{}, false
			}
		}
	}
	if open < 0 {
		return completionContext{}, false
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
	ctx := completionContext{Open: open + 1, Close: closeAt, Prefix: string(text[open+1 : off])}
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
	return completionContext{}, false
found:
	if text[i] != '(' {
		return completionContext{}, false
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
		return completionContext{}, false
	}
	return ctx, true
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// completionLimit caps the items of one answer; the reply says
// isIncomplete when more matched, so the editor asks again as the user types.
const completionLimit = 50

// complete returns completion candidates for a cursor at off in file, whose
// current text is text (the overlay). ok is false when the cursor is not in
// a plugin string (the request goes to gopls). more reports that matches
// were left out.
func (nx *navIndex) complete(file index.FileID, text []byte, off int) (cc completionContext, items []completionItem, more, ok bool) {
	cc, ok = stringContext(text, off)
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
	for _, im := range f.Imports {
		if im.Blank || im.Name == "." {
			continue
		}
		if im.Name != "" {
			if im.Name == qual {
				return im.Path
			}
			continue
		}
		if p := s.Package(im.Path); p != nil && p.Name != "" {
			if p.Name == qual {
				return im.Path
			}
			continue
		}
		if index.ImportQualifier(im.Path) == qual {
			return im.Path
		}
	}
	return ""
}

// openPlugins returns the native plugins opened into the variable recv by a
// plugin.Open in file. found is false when recv is not such a variable.
func (nx *navIndex) openPlugins(file index.FileID, recv string) ([]*index.NativePlugin, bool) {
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
func (nx *navIndex) completeNames(registry, prefix string) ([]completionItem, bool) {
	nl := nx.regNames[registry]
	if nl == nil {
		return nil, false
	}
	detail := "plugin in registry " + registry
	var items []completionItem
	more := false
	for _, n := range nl.rank(prefix, completionLimit+1) {
		if len(items) == completionLimit {
			more = true
			break
		}
		items = append(items, completionItem{Label: n, Kind: "plugin", Detail: detail, Rank: len(items)})
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
func completeSymbols(plugins []*index.NativePlugin, prefix string) ([]completionItem, bool) {
	seen := map[string]bool{}
	var prefixed, fuzzy []completionItem
	lp := strings.ToLower(prefix)
	for _, plugin := range plugins {
		for _, sym := range plugin.Symbols {
			if !sym.Exported || seen[sym.Name] || sym.Kind != index.SymFunc && sym.Kind != index.SymVar {
				continue
			}
			seen[sym.Name] = true
			it := completionItem{Label: sym.Name, Kind: sym.Kind.String(), Detail: symbolDetail(sym.Symbol, plugin)}
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

// symbolMatch is one workspace-symbol answer of ours.
type symbolMatch struct {
	Name     string
	Ref      index.SymbolRef
	Registry string
	Kind     string // "plugin", "native-plugin"
}

// symbols returns the registrations whose plugin name matches query
// (prefix first, then fuzzy), and native plugins whose name matches.
func (nx *navIndex) symbols(query string, limit int) []symbolMatch {
	var out []symbolMatch
	for _, n := range nx.all.rank(query, limit) {
		for reg := range nx.regNames {
			for _, st := range nx.byName[nameKey{reg, n}] {
				if st.kind == siteRegistration {
					out = append(out, symbolMatch{Name: n, Ref: st.ref, Registry: reg, Kind: "plugin"})
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
				out = append(out, symbolMatch{Name: base, Ref: index.SymbolRef{File: plugin.Files[0], Span: f.PackageSpan, Kind: index.KindNativePlugin}, Kind: "native-plugin"})
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

// lensSite is a code lens of ours before resolution.
type lensSite struct {
	Ref  index.SymbolRef
	Kind string // "registration", "contract"
}

// lenses returns the registrations and contract declarations in file.
func (nx *navIndex) lenses(file index.FileID) []lensSite {
	var out []lensSite
	for _, st := range nx.byFile[file] {
		switch st.kind {
		case siteRegistration:
			if !st.reg.IsTest {
				out = append(out, lensSite{Ref: st.reg.Call, Kind: "registration"})
			}
		case siteContract:
			out = append(out, lensSite{Ref: st.ref, Kind: "contract"})
		}
	}
	return out
}

// lensTitle resolves a lens: the hosts linking a registration, or the
// number of plugins of a contract. The site is found again by its span in
// the current snapshot; ok is false when it is gone.
func (nx *navIndex) lensTitle(ls lensSite) (string, bool) {
	switch ls.Kind {
	case "registration":
		for _, st := range nx.byFile[ls.Ref.File] {
			if st.kind == siteRegistration && st.reg.Call.Span == ls.Ref.Span {
				return linkTitle(nx.linkedBy(st.reg.Package, st.reg.File)), true
			}
		}
	case "contract":
		st := nx.siteAt(ls.Ref.File, ls.Ref.Span.Start)
		if st != nil && st.kind == siteContract {
			n := len(nx.registrationsOfContract(st.ref))
			if n == 1 {
				return "1 plugin", true
			}
			return strconv.Itoa(n) + " plugins", true
		}
	}
	return "", false
}

func linkTitle(hl []hostLink) string {
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

// hoverReg is one registration of a hovered plugin name.
type hoverReg struct {
	Reg      *index.Registration
	TypeDecl index.SymbolRef // declaration of the registered type, zero if unknown
	Doc      string          // its doc comment
	Links    []hostLink
}

// hoverSym is one declaration of a hovered Lookup symbol.
type hoverSym struct {
	Sym    index.PluginSymbol
	Plugin *index.NativePlugin
	Doc    string
}

// navHover is what a hover on a plugin string shows.
type navHover struct {
	Site      *navSite
	Registry  *index.Registry
	Regs      []hoverReg
	Lookups   int // lookups of the name in the workspace
	Manifests []*index.Manifest
	Mentions  []*index.Mention // config files naming the plugin
	Syms      []hoverSym
	Plugins   []*index.NativePlugin // plugin.Open targets
}

// hover collects what is known about the site at off.
func (nx *navIndex) hover(file index.FileID, off int) (*navHover, bool) {
	st := nx.siteAt(file, off)
	if st == nil {
		return nil, false
	}
	s := nx.snap
	h := &navHover{Site: st}
	switch st.kind {
	case siteRegistration, siteLookup, siteMention, siteModuleID:
		h.Registry = s.Registry(st.registry)
		h.Mentions = nx.configMentions(st.registry, st.name)
		pkgs := map[string]bool{}
		for _, o := range nx.byName[nameKey{st.registry, st.name}] {
			if o.kind == siteLookup {
				h.Lookups++
				continue
			}
			hr := hoverReg{Reg: o.reg, TypeDecl: nx.typeDecl(o.reg.ValueType), Links: nx.linkedBy(o.reg.Package, o.reg.File)}
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
	case sitePluginLookup:
		for _, plugin := range nx.lookupPlugins(st.pluginLookup) {
			for _, sym := range plugin.Symbols {
				if sym.Name == st.name {
					h.Syms = append(h.Syms, hoverSym{Sym: sym, Plugin: plugin,
						Doc: nx.docComment(index.SymbolRef{File: sym.File, Span: sym.Span})})
				}
			}
		}
	case siteOpen:
		h.Plugins = st.open.Plugins
	case siteManifestName, siteRequire:
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
func (nx *navIndex) docComment(ref index.SymbolRef) string {
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
