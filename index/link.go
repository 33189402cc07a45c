package index

import (
	"go/token"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// linked is everything derived from all facts of one snapshot. It is built
// once per snapshot, on first use, by a pass over facts (no parsing).
type linked struct {
	packages      []*Package
	byPath        map[string]*Package
	byDir         map[string]*Package
	byFile        []*Package // indexed by FileID
	registries    []*Registry
	candidates    []Candidate
	regByID       map[string]*Registry
	registrations []*Registration
	lookups       []*Lookup
	registering   map[string]bool
	hosts         []*Host
	natives       []*NativePlugin
	opens         []*OpenSite
	plookups      []*PluginLookup
	commands      []BuildCommand
	manifests     []*Manifest
	graph         []GraphEdge

	mu   sync.Mutex
	memo map[string]pkgSet // host|config → linked packages
	// unknownMemo: host|config → UnknownLinked's answer (guarded by mu).
	unknownMemo map[string][]string

	graphOnce sync.Once

	imports importState // reverse import graph, lazily (importers.go)

	// Kept for the next snapshot's reuse of the package grouping.
	ws     *workspace
	clause []string // package clause per FileID ("" if not in a package)
	tests  []bool   // _test.go per FileID
	consts map[string]map[string]constAt
	caddy  map[string]map[string]string
	// Kept for the next snapshot's incremental call resolution (relink):
	// the facts this linking read and the function roles it found.
	files []*fileEntry
	roles map[string]*funcRole
	// relinked: this snapshot reused its base's registries and re-resolved
	// only the changed files' calls (tests check the path taken).
	relinked bool
}

func (l *linked) isTest(id FileID) bool { return int(id) < len(l.tests) && l.tests[id] }

// pkgSet is a set of import paths.
type pkgSet map[string]bool

func (p pkgSet) has(s string) bool { return p[s] }

func (p pkgSet) sorted() []string {
	out := make([]string, 0, len(p))
	for s := range p {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// funcRole is what a function (by ID) does for a registry: registers into it
// or looks names up in it, and where the call carries the name.
type funcRole struct {
	reg     *Registry
	lookup  bool
	nameArg int
	mode    nameMode
	decl    bool // declared in the workspace (its own body is not a call site)
	// key, when set, computes the name from the call's arguments (a field,
	// a method of the value, pieces joined, lists); nameArg is then the
	// argument the name is shown at.
	key []NamePart
	// alias, when set, is a list of further names the value is stored
	// under (variadic aliases).
	alias []NamePart
}

type linker struct {
	s     *Snapshot
	l     *linked
	roles map[string]*funcRole
	// consts per package import path: name → const and its file.
	consts map[string]map[string]constAt
	caddy  map[string]map[string]string // package → type → ID
	inits  map[string]map[string]bool   // package → functions init() calls
	typed  map[string]bool              // types with a package-level instance registry
}

// initReach returns the functions a package's init functions call directly.
func (k *linker) initReach(p *Package) map[string]bool {
	if m, ok := k.inits[p.ImportPath]; ok {
		return m
	}
	m := map[string]bool{}
	for _, fid := range p.Files {
		if f := k.s.Facts(fid); !f.IsTest {
			for _, c := range f.InitCalls {
				m[c] = true
			}
		}
	}
	k.inits[p.ImportPath] = m
	return m
}

type constAt struct {
	c    ConstFact
	file FileID
	test bool // declared in a _test.go file
}

func linkSnapshot(s *Snapshot) *linked {
	l := &linked{byPath: map[string]*Package{}, byDir: map[string]*Package{}, byFile: make([]*Package, len(s.files)),
		regByID: map[string]*Registry{}, registering: map[string]bool{}, memo: map[string]pkgSet{},
		ws: s.ws, clause: make([]string, len(s.files)), tests: make([]bool, len(s.files)),
		consts: map[string]map[string]constAt{}, caddy: map[string]map[string]string{}}
	k := &linker{s: s, l: l, roles: map[string]*funcRole{}, consts: l.consts, caddy: l.caddy, inits: map[string]map[string]bool{}, typed: map[string]bool{}}
	s.baseMu.Lock()
	base, changed := s.base, s.changed
	if base != nil {
		l.imports.base, l.imports.changed = base.imports.computed(), changed
	}
	s.baseMu.Unlock()
	l.files = s.files
	reused := k.packages()
	for id, e := range s.files {
		if e != nil && e.facts != nil && e.facts.IsTest {
			l.tests[id] = true
		}
	}
	if reused && base.roles != nil && base.files != nil && k.linkNeutral(base, changed) {
		// The common keystroke: registries, roles, constants and init
		// reachability are those of base; only the changed files' own
		// calls need resolving again.
		k.roles = base.roles
		l.registries, l.regByID, l.candidates = base.registries, base.regByID, base.candidates
		k.relinkCalls(base, changed)
		l.relinked = true
		if sameConstraints(base, s, changed) {
			// Imports, packages and build constraints are base's: so are
			// the linked sets and the unknown sources of every host.
			base.mu.Lock()
			l.memo, l.unknownMemo = maps.Clone(base.memo), maps.Clone(base.unknownMemo)
			base.mu.Unlock()
			if l.memo == nil {
				l.memo = map[string]pkgSet{}
			}
		}
	} else {
		k.registries()
		k.calls()
	}
	l.roles = k.roles
	k.natives()
	k.opens()
	k.manifests()
	return l
}

// packages groups Go files by directory. When the snapshot derives from a
// linked one and no changed file entered, left or moved between packages (or
// changed its package clause or test-ness), the grouping is reused and only
// the per-package tables of the changed packages are recomputed.
func (k *linker) packages() (reused bool) {
	if k.reusePackages() {
		return true
	}
	s, l := k.s, k.l
	var deadName map[*Package]bool // Name taken from a file no configuration builds
	for id, e := range s.files {
		if e == nil || e.facts == nil {
			continue
		}
		f := e.facts
		dir := f.dir()
		p := l.byDir[dir]
		if p == nil {
			ip, m := s.ws.importPath(dir)
			if m == nil {
				continue // a file read only for its build commands
			}
			p = &Package{ImportPath: ip, Dir: dir, Module: m}
			l.byDir[dir] = p
		}
		p.Files = append(p.Files, FileID(id))
		live := k.buildsSomewhere(f)
		l.clause[id] = clauseKey(f, live)
		if !f.IsTest && (p.Name == "" || live && deadName[p]) {
			p.Name = f.Package
			switch {
			case !live && deadName == nil:
				deadName = map[*Package]bool{p: true}
			case deadName != nil:
				deadName[p] = !live
			}
		}
		if !f.IsTest && f.Package == "main" && live {
			p.IsMain = true
		}
	}
	for _, p := range l.byDir {
		slices.SortFunc(p.Files, func(a, b FileID) int { return strings.Compare(s.files[a].facts.Path, s.files[b].facts.Path) })
		l.packages = append(l.packages, p)
		l.byPath[p.ImportPath] = p
		for _, fid := range p.Files {
			l.byFile[fid] = p
		}
		k.packageTables(p)
	}
	slices.SortFunc(l.packages, func(a, b *Package) int { return strings.Compare(a.ImportPath, b.ImportPath) })
	return false
}

// packageTables computes a package's constants and CaddyModule IDs. Test
// files' entries are kept too (flagged) so that test registrations resolve;
// non-test code never sees them.
func (k *linker) packageTables(p *Package) {
	var cs map[string]constAt
	var ids map[string]string
	for _, fid := range p.Files {
		f := k.s.files[fid].facts
		for _, c := range f.Consts {
			if cs == nil {
				cs = map[string]constAt{}
			}
			if prev, ok := cs[c.Name]; ok && !prev.test && f.IsTest {
				continue
			}
			cs[c.Name] = constAt{c, fid, f.IsTest}
		}
		for _, m := range [2]map[string]string{f.ModuleIDs, f.MethodNames} {
			for t, id := range m {
				if ids == nil {
					ids = map[string]string{}
				}
				if f.IsTest {
					t = "\x00test:" + t
				}
				ids[t] = id
			}
		}
	}
	if cs != nil {
		k.consts[p.ImportPath] = cs
	}
	if ids != nil {
		k.caddy[p.ImportPath] = ids
	}
}

// buildsSomewhere reports whether some configuration of the matrix builds
// the file: a `//go:build ignore` generator (or a constraint no
// configuration satisfies) neither makes its directory a main package, a
// host, nor a native plugin.
func (k *linker) buildsSomewhere(f *FileFacts) bool {
	if len(k.s.configs) == 0 {
		return true
	}
	for _, cfg := range k.s.configs {
		if fileMatches(f, cfg) {
			return true
		}
	}
	return false
}

// clauseKey is what the package grouping keeps of a file: its package
// clause, marked when no configuration builds the file.
func clauseKey(f *FileFacts, live bool) string {
	if !live {
		return f.Package + "\x00excluded"
	}
	return f.Package
}

// reusePackages copies the package grouping of the base linked data when
// the changed files allow it.
func (k *linker) reusePackages() bool {
	s, l := k.s, k.l
	s.baseMu.Lock()
	b, changed := s.base, s.changed
	s.baseMu.Unlock()
	if b == nil || b.ws != s.ws || len(b.byFile) > len(s.files) {
		return false
	}
	dirty := map[string]bool{}
	for id := range changed {
		var op *Package
		if int(id) < len(b.byFile) {
			op = b.byFile[id]
		}
		var f *FileFacts
		if int(id) < len(s.files) && s.files[id] != nil {
			f = s.files[id].facts
		}
		inPkg := f != nil && s.ws.moduleFor(f.Path) != nil
		if (op != nil) != inPkg {
			return false // a Go file appeared in or left a package
		}
		if op == nil {
			continue
		}
		if b.clause[id] != clauseKey(f, k.buildsSomewhere(f)) || b.isTest(id) != f.IsTest {
			return false
		}
		dirty[op.ImportPath] = true
	}
	copy(l.clause, b.clause)
	// Sized once: growing these maps package by package was a third of a
	// keystroke's linking.
	n := len(b.packages)
	l.packages = make([]*Package, 0, n)
	l.byPath, l.byDir = make(map[string]*Package, n), make(map[string]*Package, n)
	k.consts, k.caddy = make(map[string]map[string]constAt, len(b.consts)), make(map[string]map[string]string, len(b.caddy))
	l.consts, l.caddy = k.consts, k.caddy
	for _, op := range b.packages {
		np := *op
		np.IsNativePlugin = false // recomputed by natives()
		l.packages = append(l.packages, &np)
		l.byPath[np.ImportPath] = &np
		l.byDir[np.Dir] = &np
		for _, fid := range np.Files {
			l.byFile[fid] = &np
		}
		if dirty[np.ImportPath] {
			k.packageTables(&np)
			continue
		}
		if cs, ok := b.consts[np.ImportPath]; ok {
			k.consts[np.ImportPath] = cs
		}
		if ids, ok := b.caddy[np.ImportPath]; ok {
			k.caddy[np.ImportPath] = ids
		}
	}
	return true
}

// importOf resolves a qualifier in a file to an import path.
func (k *linker) importOf(f *FileFacts, q string) string {
	return ImportOf(f, q, func(path string) string {
		if p := k.l.byPath[path]; p != nil {
			return p.Name
		}
		return ""
	})
}

// ImportOf resolves the package qualifier q of file f to an import path
// ("" when no import of f has that name): an explicit import name, else the
// package's name (pkgName: "" when the package is not indexed), else the
// qualifier the go tool would guess from the path (ImportQualifier).
func ImportOf(f *FileFacts, q string, pkgName func(path string) string) string {
	for _, im := range f.Imports {
		if im.Blank || im.Name == "." {
			continue
		}
		if im.Name != "" {
			if im.Name == q {
				return im.Path
			}
			continue
		}
		if n := pkgName(im.Path); n != "" {
			if n == q {
				return im.Path
			}
			continue
		}
		if qualifier(im.Path, "") == q {
			return im.Path
		}
	}
	return ""
}

// qualify turns a type as written in a file ("T", "*T", "x.T") into
// "pkgpath.T" form; predeclared and composite types stay as written.
func (k *linker) qualify(f *FileFacts, pkg, t string) string {
	star := ""
	base := t
	for strings.HasPrefix(base, "*") {
		star += "*"
		base = base[1:]
	}
	if base == "" || strings.ContainsAny(base, "[](){} ") {
		return t
	}
	if i := strings.IndexByte(base, '.'); i >= 0 {
		if ip := k.importOf(f, base[:i]); ip != "" {
			return star + ip + base[i:]
		}
		return t
	}
	if isPredeclared(base) {
		return t
	}
	return star + pkg + "." + base
}

func isPredeclared(s string) bool {
	switch s {
	case "bool", "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16",
		"uint32", "uint64", "uintptr", "byte", "rune", "float32", "float64", "complex64",
		"complex128", "error", "any":
		return true
	}
	return false
}

// basicValueType reports whether a type as written is plain data: a
// predeclared basic type (not any, not error), a well-known value type of
// the standard library, or a slice, array or map of those. A table keyed by
// name holding such values is a settings table (filled in init, overridden
// from configuration), not a plugin registry; any, interface{}, named
// interfaces, funcs and pointers to structs are what plugin registries hold.
func basicValueType(t string) bool {
	for {
		switch {
		case strings.HasPrefix(t, "[]"):
			t = t[2:]
			continue
		case strings.HasPrefix(t, "["):
			if i := strings.IndexByte(t, ']'); i > 0 {
				t = t[i+1:]
				continue
			}
		case strings.HasPrefix(t, "map["):
			if i := strings.IndexByte(t, ']'); i > 0 && basicValueType(t[4:i]) {
				t = t[i+1:]
				continue
			}
			return false
		}
		break
	}
	switch t {
	case "any", "error", "":
		return false
	case "time.Duration", "time.Time", "time.Month", "time.Weekday", "os.FileMode", "fs.FileMode",
		"big.Int", "*big.Int", "big.Float", "*big.Float", "netip.Addr", "netip.Prefix", "net.IP",
		"url.URL", "*url.URL", "json.RawMessage", "regexp.Regexp", "*regexp.Regexp", "slog.Level":
		return true
	}
	return isPredeclared(t)
}

// plainValue reports whether a registered value type is plain data
// (basicValueType), following a named type declared in the registry's own
// package (type Level int) one step.
func (k *linker) plainValue(f *FileFacts, p *Package, t string) bool {
	if basicValueType(t) {
		return true
	}
	if t == "" || strings.ContainsAny(t, ".*[]() {}") {
		return false
	}
	for _, fid := range p.Files {
		for _, sym := range k.s.Facts(fid).Symbols {
			if sym.Kind == SymType && sym.Name == t {
				return basicValueType(strings.TrimPrefix(sym.Type, "= "))
			}
		}
	}
	return false
}

func pkgOfID(id string) string {
	if i := strings.LastIndexByte(id, '.'); i >= 0 {
		return id[:i]
	}
	return ""
}

func (k *linker) addRegistry(r *Registry) {
	k.l.registries = append(k.l.registries, r)
	k.l.regByID[r.ID] = r
}

// infers reports whether inference reads the register function fnID
// from source: its package is indexed and the function stores into one of
// the package's stores the way an inferred registry does.
func (k *linker) infers(fnID string) bool {
	p := k.l.byPath[pkgOfID(fnID)]
	if p == nil {
		return false
	}
	fn := fnID[len(p.ImportPath)+1:]
	var stores map[string]bool
	for _, fid := range p.Files {
		f := k.s.Facts(fid)
		if f.IsTest {
			continue
		}
		for _, d := range f.Defs {
			if d.Func != fn || d.Op != OpMapStore && d.Op != OpSliceAppend || d.Recv != "" || d.PlainParams ||
				d.getOrCreate() || !token.IsExported(d.Func) {
				continue
			}
			if stores == nil {
				stores = k.packageStores(p)
			}
			if stores[d.Store] {
				return true
			}
		}
	}
	return false
}

// packageStores returns the package-level map[string]… and slice variables
// (and map fields of struct values) of a package's non-test files: the
// stores an inferred registry may write.
func (k *linker) packageStores(p *Package) map[string]bool {
	stores := map[string]bool{}
	for _, fid := range p.Files {
		if f := k.s.Facts(fid); !f.IsTest {
			for _, v := range f.MapVars {
				stores[v] = true
			}
			for _, v := range f.SliceVars {
				stores[v] = true
			}
		}
	}
	return stores
}

// getOrCreate reports whether a store returns a value the way a cache does.
// A registry returns nothing or an error, or a handle of what it stored
// (hash.RegisterHash returns a Type, errcode.Register an ErrorCode); a
// function that reads the store other than to panic on a duplicate, or
// returns early when the name is present, hands the existing value back:
// a get-or-create cache (a connection pool, singleflight's Do).
func (d *RegistryDef) getOrCreate() bool {
	return d.Result != "" && d.Result != "error" && !d.ReturnsValue &&
		(d.Op != OpMapStore || d.Dups == DupError || d.ReadsStore)
}

// registries builds presets, inferred registries, wrappers and configured ones.
func (k *linker) registries() {
	s, l := k.s, k.l
	// A preset is for a registry whose source is not at hand (the
	// standard library, a dependency not read). When the workspace holds
	// the register function and inference reads its store, inference
	// decides: checking Caddy itself finds caddy.RegisterModule by its
	// shape, not by name.
	for _, p := range presets {
		if k.infers(p.Register[0]) {
			continue
		}
		r := &Registry{ID: p.Register[0], Package: pkgOfID(p.Register[0]), Register: p.Register, Lookup: p.Lookup,
			Contract: p.Contract, Preset: p.Name, Note: p.Note, PanicsOnDuplicate: p.dups() == DupPanics,
			Duplicates: p.dups(), NameSource: p.source(), FilledAtRunTime: p.RunTime,
			MentionFormats: p.Mentions, MentionSection: p.MentionSection}
		k.addRegistry(r)
		for i, fn := range p.Register {
			mode := p.Mode
			if i > 0 && p.Mode == nameCaddy {
				mode = nameString
			}
			k.roles[fn] = &funcRole{reg: r, nameArg: p.NameArg, mode: mode, key: p.Key}
		}
		for _, fn := range p.Lookup {
			k.roles[fn] = &funcRole{reg: r, lookup: true}
		}
	}
	var lookups, forwards []defAt
	byStore := map[string]*Registry{}
	handles := map[*Registry]bool{}               // registries whose register function returns a handle
	methodDefs := map[string]map[string][]defAt{} // package → receiver type → method defs
	for _, p := range l.packages {
		stores := k.packageStores(p)
		// An unexported function is a registry only when the package's
		// own init() calls it or an exported function of the package
		// forwards to it: unexported map writers called at run time are
		// caches and interning tables.
		var wrapped map[string]bool
		for _, fid := range p.Files {
			if f := s.Facts(fid); !f.IsTest {
				for _, d := range f.Defs {
					if d.Op == OpForward && d.ForwardPkg == "" && token.IsExported(d.Func) {
						if wrapped == nil {
							wrapped = map[string]bool{}
						}
						wrapped[d.ForwardFunc] = true
					}
				}
			}
		}
		for _, fid := range p.Files {
			f := s.Facts(fid)
			if f.IsTest {
				continue
			}
			for _, d := range f.Defs {
				if d.Recv != "" {
					// Methods: instance registries, linked below per
					// package-level value of the receiver type.
					if methodDefs[p.ImportPath] == nil {
						methodDefs[p.ImportPath] = map[string][]defAt{}
					}
					methodDefs[p.ImportPath][d.Recv] = append(methodDefs[p.ImportPath][d.Recv], defAt{d, f, fid, p.ImportPath})
					continue
				}
				reject := func(why string) {
					if d.Op == OpMapStore || d.Op == OpSliceAppend {
						k.l.candidates = append(k.l.candidates, Candidate{ID: p.ImportPath + "." + d.Func,
							Decl: SymbolRef{File: fid, Span: d.Span, Kind: KindRegistry}, Reason: why})
					}
				}
				if !token.IsExported(d.Func) && !wrapped[d.Func] && !k.initReach(p)[d.Func] {
					reject("unexported, and neither called from the package's init() nor wrapped by an exported function: a helper, not a registry")
					continue
				}
				if d.Op != OpForward && !stores[d.Store] && k.roles[p.ImportPath+"."+d.Func] == nil {
					reject("stores into " + d.Store + ", which is not a package-level map[string]… or slice")
					continue // not a package-level map[string] or slice: a local or a field
				}
				if (d.Op == OpMapStore || d.Op == OpSliceAppend) && k.roles[p.ImportPath+"."+d.Func] == nil {
					if d.getOrCreate() {
						reject("returns " + d.Result + ": a cache (get-or-create), not a registry")
						continue
					}
					if d.PlainParams {
						reject("takes only plain values (strings, numbers, durations): a settings table, not a plugin registry")
						continue
					}
					if k.plainValue(f, p, d.ValueType) {
						reject("stores plain values (" + d.ValueType + "): a settings table, not a plugin registry")
						continue // a settings table of plain values, not plugin registration
					}
				}
				if d.Op == OpMapStore || d.Op == OpSliceAppend {
					k.l.candidates = append(k.l.candidates, Candidate{ID: p.ImportPath + "." + d.Func,
						Decl: SymbolRef{File: fid, Span: d.Span, Kind: KindRegistry}, Accepted: true,
						Reason: "stores its name parameter in " + d.Store})
				}
				da := defAt{d, f, fid, p.ImportPath}
				fnID := p.ImportPath + "." + d.Func
				switch d.Op {
				case OpLookup:
					lookups = append(lookups, da)
					continue
				case OpForward:
					forwards = append(forwards, da)
					continue
				}
				ref := SymbolRef{File: fid, Span: d.Span, Kind: KindRegistry}
				if ro := k.roles[fnID]; ro != nil {
					ro.decl = true
					if ro.reg.Decl.IsZero() && ro.reg.ID == fnID {
						ro.reg.Decl = ref
					}
					if ro.reg.Store == "" {
						ro.reg.Store = p.ImportPath + "." + d.Store
					}
					byStore[p.ImportPath+"."+d.Store] = ro.reg
					continue
				}
				key := p.ImportPath + "." + d.Store
				r := byStore[key]
				if r == nil {
					r = &Registry{ID: fnID, Package: p.ImportPath, Store: key, Decl: ref,
						Note: "inferred: " + d.Func + " stores its name parameter in " + d.Store}
					if d.Op == OpSliceAppend {
						r.Note = "inferred: " + d.Func + " appends its name parameter to " + d.Store
					}
					byStore[key] = r
					k.addRegistry(r)
				} else {
					r.Register = append(r.Register, fnID)
				}
				if len(r.Register) == 0 || r.Register[0] != fnID && !slices.Contains(r.Register, fnID) {
					r.Register = append([]string{fnID}, r.Register...)
				}
				if r.Contract == "" && d.ValueType != "" {
					r.Contract = k.qualify(f, p.ImportPath, d.ValueType)
				}
				if d.Result != "" && d.Result != "error" && !d.ReturnsValue {
					handles[r] = true
				}
				if d.Dups > r.Duplicates && r.Duplicates != DupPanics {
					r.Duplicates = d.Dups
				}
				if d.Op == OpSliceAppend && r.Duplicates == DupUnknown && len(d.Key) > 0 {
					r.Duplicates = DupFirstWins // the lookup scanning the slice finds the first
				}
				for _, part := range d.Key {
					if part.Param >= 0 && (part.Field != "" || part.Method != "") {
						r.NameSource = NameFromValue
					}
				}
				r.PanicsOnDuplicate = r.Duplicates == DupPanics
				k.roles[fnID] = &funcRole{reg: r, nameArg: d.NameParam, key: d.Key, alias: d.Alias, decl: true}
			}
		}
	}
	for _, da := range lookups {
		fnID := da.pkg + "." + da.d.Func
		r := byStore[da.pkg+"."+da.d.Store]
		if r == nil {
			continue
		}
		if ro := k.roles[fnID]; ro != nil {
			ro.decl = true
			continue
		}
		r.Lookup = append(r.Lookup, fnID)
		// A lookup's result is the contract, unless registering hands
		// out a handle (hash.Find returns the Type RegisterHash did).
		if r.Contract == "" && !handles[r] && da.d.Result != "" && da.d.Result != "bool" && da.d.Result != "error" {
			r.Contract = k.qualify(da.f, da.pkg, da.d.Result)
		}
		k.roles[fnID] = &funcRole{reg: r, lookup: true, nameArg: da.d.NameParam, key: da.d.Key, decl: true}
		if da.d.ScanField != "" {
			// Register appends whole values to the slice this lookup
			// scans: the field compared is the name.
			for _, fn := range r.Register {
				if ro := k.roles[fn]; ro != nil && len(ro.key) == 1 && ro.key[0].Field == "?" {
					ro.key = []NamePart{{Param: ro.key[0].Param, Field: da.d.ScanField}}
				}
			}
		}
	}
	k.instances(methodDefs)
	// Wrappers: a function passing its name parameter to a registry's
	// register (or lookup) function at the name position. Iterate for
	// wrappers of wrappers.
	for round := 0; round < 3; round++ {
		changed := false
		for _, da := range forwards {
			fnID := da.pkg + "." + da.d.Func
			if ro := k.roles[fnID]; ro != nil {
				ro.decl = true
				continue
			}
			target := da.pkg + "." + da.d.ForwardFunc
			if da.d.ForwardPkg != "" {
				ip := k.importOf(da.f, da.d.ForwardPkg)
				if ip == "" {
					continue
				}
				target = ip + "." + da.d.ForwardFunc
			}
			tr := k.roles[target]
			if tr == nil || tr.mode != nameString {
				continue
			}
			nr := &funcRole{reg: tr.reg, lookup: tr.lookup, nameArg: da.d.NameParam, key: da.d.Key, decl: true}
			if len(tr.key) > 0 {
				// The target names values by a field or method of a
				// parameter: take its key over the wrapper's parameters.
				key, ok := remapKey(tr.key, da.d.ArgParams)
				if !ok {
					key, ok = k.litKey(da, tr.key)
				}
				if !ok {
					continue
				}
				nr.key, nr.nameArg = key, -1
				for _, part := range key {
					if part.Param >= 0 {
						nr.nameArg = part.Param
						break
					}
				}
			} else if tr.nameArg != da.d.ForwardArg || da.d.ForwardArg < 0 {
				continue
			}
			k.roles[fnID] = nr
			if tr.lookup {
				tr.reg.Lookup = append(tr.reg.Lookup, fnID)
			} else {
				tr.reg.Register = append(tr.reg.Register, fnID)
			}
			changed = true
		}
		if !changed {
			break
		}
	}
	for _, ro := range k.roles {
		if !ro.lookup && slices.ContainsFunc(ro.key, func(p NamePart) bool { return p.Lower }) {
			ro.reg.FoldsCase = true
		}
	}
	// Configured registries and policies.
	for _, m := range s.ws.modules {
		if m.Config == nil || m.Config.Err != "" {
			continue
		}
		for _, cr := range m.Config.Registries {
			if cr.Register == "" {
				continue
			}
			ro := k.roles[cr.Register]
			var r *Registry
			if ro != nil && !ro.lookup {
				r = ro.reg
			} else {
				r = &Registry{ID: cr.Register, Package: pkgOfID(cr.Register), Register: []string{cr.Register},
					Note: "configured in " + filepath.Join(m.Dir, configName)}
				k.addRegistry(r)
				ro = &funcRole{reg: r, nameArg: cr.NameArg}
				k.roles[cr.Register] = ro
			}
			switch {
			case cr.NameField != "":
				ro.key, ro.nameArg = []NamePart{{Param: cr.NameArg, Field: cr.NameField}}, cr.NameArg
				r.NameSource = NameFromValue
			case cr.NameMethod != "":
				ro.key, ro.nameArg = []NamePart{{Param: cr.NameArg, Method: cr.NameMethod}}, cr.NameArg
				r.NameSource = NameFromValue
			}
			for _, lf := range cr.Lookup {
				if k.roles[lf] == nil {
					r.Lookup = append(r.Lookup, lf)
					k.roles[lf] = &funcRole{reg: r, lookup: true}
				}
			}
			if cr.Contract != "" {
				r.Contract = cr.Contract
			}
			if cr.PanicsOnDuplicate {
				r.Duplicates = DupPanics
			}
			if d, ok := ParseDuplicates(cr.Duplicates); ok {
				r.Duplicates = d
			}
			if r.Duplicates == DupUnknown && r.Decl.IsZero() {
				// Declared without source at hand: a map registry is
				// the common case, and the user declared it to be checked.
				r.Duplicates = DupOverwrites
			}
			r.PanicsOnDuplicate = r.Duplicates == DupPanics
			if cr.Capabilities != nil {
				r.Capabilities = append(r.Capabilities, cr.Capabilities...)
			}
		}
	}
	// Contract declarations in the workspace.
	for _, r := range l.registries {
		if r.Contract == "" || strings.HasPrefix(r.Contract, "*") {
			continue
		}
		if p := l.byPath[pkgOfID(r.Contract)]; p != nil {
			name := r.Contract[len(p.ImportPath)+1:]
			for _, fid := range p.Files {
				for _, sym := range s.Facts(fid).Symbols {
					if sym.Kind == SymType && sym.Name == name {
						r.ContractDecl = SymbolRef{File: fid, Span: sym.Span, Kind: KindContract}
					}
				}
			}
		}
	}
	for _, r := range l.registries {
		if r.Preset == "" && r.MentionFormats == nil {
			r.MentionFormats = mentionFormatsOf(r.Package)
			if r.MentionFormats == nil {
				// A Telegraf-style section registry: plugins of package
				// ".../inputs" are named in [[inputs.name]] tables.
				r.MentionFormats, r.MentionSection = []string{FormatTelegraf}, path.Base(r.Package)
			}
		}
	}
	sort.Slice(l.registries, func(i, j int) bool { return l.registries[i].ID < l.registries[j].ID })
}

// remapKey rewrites a key over a callee's parameters into one over the
// caller's, through the parameters the caller passes on unchanged; ok is
// false when a piece needs an argument the caller computes.
func remapKey(key []NamePart, argParams []int) ([]NamePart, bool) {
	out := make([]NamePart, len(key))
	for i, part := range key {
		out[i] = part
		if part.Param < 0 {
			continue
		}
		if part.Param >= len(argParams) || argParams[part.Param] < 0 {
			return nil, false
		}
		out[i].Param = argParams[part.Param]
	}
	return out, true
}

// litKey maps a registry key that reads a field of the value, or a method
// returning a field, onto a wrapper that builds the value from its
// parameters (func Register(name string, bf F) { balancer.Register(bb{name:
// name, bf: bf}) } with func (b bb) Name() string { return b.name }): the
// key becomes the wrapper's parameter.
func (k *linker) litKey(da defAt, key []NamePart) ([]NamePart, bool) {
	if len(key) != 1 || key[0].Param < 0 || key[0].Param >= len(da.d.ArgLits) || da.d.ArgLits[key[0].Param] == "" {
		return nil, false
	}
	part := key[0]
	typ, fields, _ := strings.Cut(da.d.ArgLits[part.Param], " ")
	field := part.Field
	if part.Method != "" {
		p := k.l.byPath[da.pkg]
		if p == nil {
			return nil, false
		}
		vals, ok, _ := k.methodName(p, da.f, typ, part.Method)
		if !ok || len(vals) != 1 || !strings.HasPrefix(vals[0], recvFieldMark) {
			return nil, false
		}
		field = vals[0][len(recvFieldMark):]
	}
	if field == "" || field == "?" {
		return nil, false
	}
	for _, fp := range strings.Fields(fields) {
		if f, idx, ok := strings.Cut(fp, "="); ok && f == field {
			i, err := strconv.Atoi(idx)
			if err != nil {
				return nil, false
			}
			return []NamePart{{Param: i, Lower: part.Lower}}, true
		}
	}
	return nil, false
}

// defAt is a registry definition with where it was found.
type defAt struct {
	d    RegistryDef
	f    *FileFacts
	file FileID
	pkg  string
}

// instances makes an instance registry of every package-level value whose
// type has registry methods (var Codecs = registry.New[Codec](); func (r
// *Registry[T]) Register(name string, v T) { r.m[name] = v }): one
// registry per value, its register and lookup roles keyed
// "pkgpath.Value.Method", the contract from the type argument when the
// stored value is the type parameter.
func (k *linker) instances(methodDefs map[string]map[string][]defAt) {
	if len(methodDefs) == 0 {
		return
	}
	defer k.typeRegistries(methodDefs)
	s, l := k.s, k.l
	for _, p := range l.packages {
		for _, fid := range p.Files {
			f := s.Facts(fid)
			if f.IsTest {
				continue
			}
			for _, iv := range f.Instances {
				tpkg, tname, targs := k.instanceType(p, f, iv)
				defs := methodDefs[tpkg][tname]
				if len(defs) == 0 {
					continue
				}
				k.typed[tpkg+"."+tname] = true
				k.methodRegistry(&Registry{ID: p.ImportPath + "." + iv.Name, Package: p.ImportPath,
					Decl: SymbolRef{File: fid, Span: iv.Span, Kind: KindRegistry},
					Note: "inferred: instance of " + tpkg + "." + tname + " whose "},
					defs, true, func(da defAt) string { return k.instanceContract(p, f, da, targs) })
			}
		}
	}
}

// methodRegistry makes r the registry of the register and lookup methods
// defs, keyed "r.ID.Method" (r.Note is the note's start, completed with the
// first register method; a zero r.Decl becomes that method), unless none
// of them stores a registration: not a value-returning store (a cache,
// singleflight's Do), not a settings table of plain values, and a slice
// append only when slices count (a type appending named values to a slice
// is an error accumulator or a code generator's list, not a registry).
func (k *linker) methodRegistry(r *Registry, defs []defAt, slices bool, contract func(defAt) string) {
	added := false
	for _, da := range defs {
		// Methods stay stricter than functions: one returning a value is
		// an object's operation (rclone's syncCopyMove), not a registry.
		if da.d.Op != OpMapStore && !(slices && da.d.Op == OpSliceAppend) ||
			da.d.Result != "" && da.d.Result != "error" && !da.d.ReturnsValue ||
			da.d.PlainParams || basicValueType(da.d.ValueType) {
			continue
		}
		if !added {
			added = true
			r.Store, r.Instance = r.ID+da.d.Store, true
			r.Note += da.d.Func + " stores its name parameter"
			if r.Decl.IsZero() {
				r.Decl = SymbolRef{File: da.file, Span: da.d.Span, Kind: KindRegistry}
			}
			k.addRegistry(r)
		}
		fnID := r.ID + "." + da.d.Func
		r.Register = append(r.Register, fnID)
		if da.d.Dups > r.Duplicates {
			r.Duplicates = da.d.Dups
		}
		r.PanicsOnDuplicate = r.Duplicates == DupPanics
		if r.Contract == "" && da.d.ValueType != "" {
			r.Contract = contract(da)
		}
		k.roles[fnID] = &funcRole{reg: r, nameArg: da.d.NameParam, key: da.d.Key, alias: da.d.Alias}
	}
	if !added {
		return
	}
	for _, da := range defs {
		if fnID := r.ID + "." + da.d.Func; da.d.Op == OpLookup && k.roles[fnID] == nil {
			r.Lookup = append(r.Lookup, fnID)
			k.roles[fnID] = &funcRole{reg: r, lookup: true, nameArg: da.d.NameParam, key: da.d.Key}
		}
	}
}

// typeRegistries makes a registry of every type with registry methods that
// no package-level value holds: its instances are created at run time and
// passed as parameters (Kubernetes' *admission.Plugins: a plugin package's
// Register(plugins *admission.Plugins) calls plugins.Register(name, f)).
// The registry is the type, "pkgpath.T"; calls reach it through a
// parameter of that type (CallFact.RecvType).
func (k *linker) typeRegistries(methodDefs map[string]map[string][]defAt) {
	pkgs := make([]string, 0, len(methodDefs))
	for p := range methodDefs {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, tpkg := range pkgs {
		types := make([]string, 0, len(methodDefs[tpkg]))
		for t := range methodDefs[tpkg] {
			types = append(types, t)
		}
		sort.Strings(types)
		for _, tname := range types {
			id := tpkg + "." + tname
			if k.typed[id] || k.l.regByID[id] != nil {
				continue
			}
			k.methodRegistry(&Registry{ID: id, Package: tpkg, Note: "inferred: values of type " + id + " passed around; "},
				methodDefs[tpkg][tname], false, func(da defAt) string { return k.instanceContract(nil, da.f, da, nil) })
		}
	}
}

// ctorResult returns the first result type of constructor fn of package
// pkg as written, and the file that declares it (nil when not found).
func (k *linker) ctorResult(pkg, fn string) (string, *FileFacts) {
	p := k.l.byPath[pkg]
	if p == nil {
		return "", nil
	}
	for _, fid := range p.Files {
		if f := k.s.Facts(fid); !f.IsTest {
			if r, ok := f.Ctors[fn]; ok {
				return r, f
			}
		}
	}
	return "", nil
}

// instanceType resolves a package-level value's type to the package and
// name of its (pointer) base type, and its type arguments.
func (k *linker) instanceType(p *Package, f *FileFacts, iv InstanceVar) (pkg, name string, targs []string) {
	t, from, ff := iv.Type, p.ImportPath, f
	if t == "" && iv.Ctor != "" {
		cpkg, fn, _ := k.ctorFunc(p, f, iv.Ctor)
		r, cf := k.ctorResult(cpkg, fn)
		if cf == nil {
			return "", "", nil
		}
		t, from, ff = r, cpkg, cf
	}
	t = strings.TrimLeft(t, "*")
	if i := strings.IndexByte(t, '['); i >= 0 {
		t = t[:i]
	}
	if i := strings.IndexByte(t, '.'); i >= 0 {
		return k.importOf(ff, t[:i]), t[i+1:], iv.TypeArgs
	}
	return from, t, iv.TypeArgs
}

// instanceContract is the contract of an instance registry: the stored
// value's type, or for a generic registry storing its type parameter, the
// type argument the value was instantiated with.
func (k *linker) instanceContract(p *Package, f *FileFacts, da defAt, targs []string) string {
	vt := da.d.ValueType
	if vt == "any" || strings.ReplaceAll(vt, " ", "") == "interface{}" {
		return ""
	}
	if len(targs) == 1 && isIdentExpr(vt) && !strings.Contains(vt, ".") {
		declared := false
		if tp := k.l.byPath[da.pkg]; tp != nil {
			for _, fid := range tp.Files {
				for _, sym := range k.s.Facts(fid).Symbols {
					if sym.Kind == SymType && sym.Name == vt {
						declared = true
					}
				}
			}
		}
		if !declared {
			return k.qualify(f, p.ImportPath, targs[0])
		}
	}
	return k.qualify(da.f, da.pkg, vt)
}

// constName reads a name as written at a call: a string literal (or a
// single-assignment local extraction resolved to one), or a constant
// resolved through files and packages; else the expression itself,
// unresolved.
func (k *linker) constName(f *FileFacts, pkg, lit string, isLit bool, expr string) (string, bool, SymbolRef) {
	if isLit {
		return lit, true, SymbolRef{}
	}
	if isIdentExpr(expr) {
		if v, ref, ok := k.resolveConst(f, pkg, expr); ok {
			return v, true, ref
		}
	}
	return expr, false, SymbolRef{}
}

// resolveConst follows a constant through files and packages.
func (k *linker) resolveConst(f *FileFacts, pkg, expr string) (string, SymbolRef, bool) {
	return k.resolveConstDepth(f, pkg, expr, 0)
}

func (k *linker) resolveConstDepth(f *FileFacts, pkg, expr string, depth int) (string, SymbolRef, bool) {
	fromTest := f.IsTest
	for ; depth < 6; depth++ {
		p, name := pkg, expr
		if i := strings.IndexByte(expr, '.'); i >= 0 {
			ip := k.importOf(f, expr[:i])
			if ip == "" {
				return "", SymbolRef{}, false
			}
			p, name = ip, expr[i+1:]
		}
		c, ok := k.consts[p][name]
		if !ok || c.test && !fromTest {
			return "", SymbolRef{}, false
		}
		ref := SymbolRef{File: c.file, Span: c.c.Span, Kind: KindConst}
		if c.c.Ref == "" {
			return c.c.Value, ref, true
		}
		if strings.Contains(c.c.Ref, ConstConcatSep) {
			// Operands resolved in the constant's own file and package.
			var b strings.Builder
			for _, op := range strings.Split(c.c.Ref, ConstConcatSep) {
				if s, err := strconv.Unquote(op); err == nil {
					b.WriteString(s)
					continue
				}
				v, _, ok := k.resolveConstDepth(k.s.Facts(c.file), p, op, depth+1)
				if !ok {
					return "", SymbolRef{}, false
				}
				b.WriteString(v)
			}
			return b.String(), ref, true
		}
		f, pkg, expr = k.s.Facts(c.file), p, c.c.Ref
	}
	return "", SymbolRef{}, false
}

func isIdentExpr(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i]) && s[i] != '.' {
			return false
		}
	}
	return strings.Count(s, ".") <= 1
}

// linkNeutral reports whether every changed file kept what other files'
// linking reads of it: imports, constants, CaddyModule IDs, registry
// definitions and stores, init() calls and type declarations (registry
// contracts), spans included. Its own calls, bodies and other declarations
// may differ. Call only after the package grouping was reused (so no file
// entered, left or moved between packages, nor changed its clause or
// test-ness).
func (k *linker) linkNeutral(b *linked, changed map[FileID]bool) bool {
	for id := range changed {
		o, n := factsBefore(b, k.s, id)
		if o == nil && n == nil {
			continue // not a Go file: natives and manifests are recomputed anyway
		}
		if o == nil || n == nil || !sameLinkFacts(o, n) {
			return false
		}
	}
	return true
}

// sameLinkFacts compares what linking reads of a file for other files.
func sameLinkFacts(o, n *FileFacts) bool {
	if o.Package != n.Package || o.IsTest != n.IsTest || len(o.Imports) != len(n.Imports) ||
		!slices.Equal(o.Consts, n.Consts) || !slices.EqualFunc(o.Defs, n.Defs, sameDef) ||
		!slices.Equal(o.MapVars, n.MapVars) || !slices.Equal(o.SliceVars, n.SliceVars) ||
		!slices.Equal(o.InitCalls, n.InitCalls) || !maps.Equal(o.ModuleIDs, n.ModuleIDs) ||
		!maps.Equal(o.MethodNames, n.MethodNames) || !maps.Equal(o.Ctors, n.Ctors) ||
		!slices.EqualFunc(o.Instances, n.Instances, func(a, b InstanceVar) bool {
			return a.Name == b.Name && a.Type == b.Type && a.Ctor == b.Ctor && a.Span == b.Span && slices.Equal(a.TypeArgs, b.TypeArgs)
		}) {
		return false
	}
	for i, im := range o.Imports {
		if jm := n.Imports[i]; im.Path != jm.Path || im.Name != jm.Name || im.Blank != jm.Blank {
			return false
		}
	}
	types := func(syms []Symbol) []Symbol {
		var out []Symbol
		for _, sym := range syms {
			if sym.Kind == SymType {
				out = append(out, sym)
			}
		}
		return out
	}
	return slices.Equal(types(o.Symbols), types(n.Symbols))
}

// factsBefore returns a file's facts in the base linking and in the new
// snapshot (nil where it is not a Go file).
func factsBefore(b *linked, s *Snapshot, id FileID) (o, n *FileFacts) {
	if int(id) < len(b.files) && b.files[id] != nil {
		o = b.files[id].facts
	}
	if int(id) < len(s.files) && s.files[id] != nil {
		n = s.files[id].facts
	}
	return o, n
}

// sameConstraints reports whether every changed Go file kept its build
// constraint (the //go:build line; file names cannot change in place).
func sameConstraints(b *linked, s *Snapshot, changed map[FileID]bool) bool {
	for id := range changed {
		o, n := factsBefore(b, s, id)
		if (o == nil) != (n == nil) || o != nil && o.Constraint != n.Constraint {
			return false
		}
	}
	return true
}

// sameDef compares two registry definitions field by field.
func sameDef(a, b RegistryDef) bool {
	type plain struct {
		Func, Store, ValueType, Result, ForwardPkg, ForwardFunc, Recv, ScanField string
		PlainParams, ReturnsValue, ReadsStore                                    bool
		Dups                                                                     Duplicates
		Span                                                                     Span
		Op                                                                       RegistryOp
		NameParam, ForwardArg                                                    int
		Panics                                                                   bool
	}
	flat := func(d RegistryDef) plain {
		return plain{d.Func, d.Store, d.ValueType, d.Result, d.ForwardPkg, d.ForwardFunc, d.Recv, d.ScanField, d.PlainParams, d.ReturnsValue, d.ReadsStore, d.Dups, d.Span, d.Op, d.NameParam, d.ForwardArg, d.Panics}
	}
	return flat(a) == flat(b) && slices.Equal(a.Key, b.Key) && slices.Equal(a.Alias, b.Alias) && slices.Equal(a.ArgParams, b.ArgParams) &&
		slices.Equal(a.ArgLits, b.ArgLits)
}

// relinkCalls builds the registrations and lookups from base's, resolving
// again only the changed files' calls. base's lists are in package, file
// path and call order, and the reused package grouping visits files in that
// same order, so one merge pass keeps the order a full pass gives.
func (k *linker) relinkCalls(b *linked, changed map[FileID]bool) {
	s, l := k.s, k.l
	l.registrations = make([]*Registration, 0, len(b.registrations)+4)
	l.lookups = make([]*Lookup, 0, len(b.lookups)+4)
	ri, li := 0, 0
	for _, p := range l.packages {
		for _, fid := range p.Files {
			if ri < len(b.registrations) && b.registrations[ri].File == fid {
				start := ri
				for ri < len(b.registrations) && b.registrations[ri].File == fid {
					ri++
				}
				if !changed[fid] {
					l.registrations = append(l.registrations, b.registrations[start:ri]...)
				}
			}
			if li < len(b.lookups) && b.lookups[li].File == fid {
				start := li
				for li < len(b.lookups) && b.lookups[li].File == fid {
					li++
				}
				if !changed[fid] {
					l.lookups = append(l.lookups, b.lookups[start:li]...)
				}
			}
			if changed[fid] {
				k.fileCalls(p, fid, s.Facts(fid))
			}
		}
	}
	for _, r := range l.registrations {
		if !r.IsTest {
			l.registering[r.Package] = true
		}
	}
}

// calls links call facts to registries.
func (k *linker) calls() {
	s, l := k.s, k.l
	for _, p := range l.packages {
		for _, fid := range p.Files {
			k.fileCalls(p, fid, s.Facts(fid))
		}
	}
}

// fileCalls links one file's call facts to registries.
func (k *linker) fileCalls(p *Package, fid FileID, f *FileFacts) {
	for _, c := range f.Calls {
		fn := c.Func
		if c.Recv != "" {
			fn = c.Recv + "." + c.Func // a method of a package-level value
		}
		if c.RecvType != "" {
			// A method on a parameter: the registry of that type.
			t := strings.TrimLeft(k.qualify(f, p.ImportPath, c.RecvType), "*")
			if k.roles[t+"."+c.Func] != nil {
				k.call(p, fid, f, c, t+"."+c.Func, k.roles[t+"."+c.Func])
			}
			continue
		}
		fnID := p.ImportPath + "." + fn
		if c.Pkg != "" {
			ip := k.importOf(f, c.Pkg)
			if ip == "" {
				continue
			}
			fnID = ip + "." + fn
		}
		ro := k.roles[fnID]
		if ro == nil {
			continue
		}
		if own := k.roles[p.ImportPath+"."+c.InFunc]; own != nil {
			continue // the registry's own body (or a wrapper's forward)
		}
		k.call(p, fid, f, c, fnID, ro)
	}
}

func (k *linker) call(p *Package, fid FileID, f *FileFacts, c CallFact, fnID string, ro *funcRole) {
	if len(ro.alias) > 0 && !ro.lookup {
		// The value's name, then each alias, as registrations of their own.
		k.call(p, fid, f, c, fnID, &funcRole{reg: ro.reg, nameArg: ro.nameArg, key: ro.key, mode: ro.mode, decl: ro.decl})
		for _, kn := range k.keyNames(p, f, c, ro.alias) {
			if !kn.resolved {
				continue // no aliases, or not constant ones
			}
			ref := SymbolRef{File: fid, Span: kn.span, Kind: KindPluginName}
			k.emit(p, fid, f, c, fnID, ro, kn.name, true, ref, kn.decl, ro.nameArg+1)
		}
		return
	}
	if len(ro.key) > 0 && ro.mode == nameString {
		valueArg := ro.nameArg + 1
		for _, part := range ro.key {
			if part.Param >= 0 && (part.Field != "" || part.Method != "") {
				valueArg = part.Param // the value names itself
				break
			}
		}
		for _, kn := range k.keyNames(p, f, c, ro.key) {
			ref := SymbolRef{File: fid, Span: kn.span, Kind: KindPluginName}
			k.emit(p, fid, f, c, fnID, ro, kn.name, kn.resolved, ref, kn.decl, valueArg)
		}
		return
	}
	name, resolved := "", false
	var nameRef, nameDecl SymbolRef
	valueArg := ro.nameArg + 1
	switch ro.mode {
	case nameCaddy, nameType:
		valueArg = 0
	}
	nameIdx := ro.nameArg
	if nameIdx >= len(c.Args) {
		if ro.mode != nameCaddy && ro.mode != nameType {
			return
		}
		nameIdx = 0
	}
	if len(c.Args) == 0 {
		return
	}
	a := c.Args[nameIdx]
	nameRef = SymbolRef{File: fid, Span: a.Span, Kind: KindPluginName}
	switch ro.mode {
	case nameString:
		name, resolved, nameDecl = k.constName(f, p.ImportPath, a.Lit, a.IsLit, a.Expr)
	case nameConst:
		name = a.Expr
		resolved = isIdentExpr(a.Expr)
	case nameCaddy:
		t := strings.TrimLeft(a.Type, "*")
		pkg := p.ImportPath
		if i := strings.IndexByte(t, '.'); i >= 0 {
			pkg, t = k.importOf(f, t[:i]), t[i+1:]
		}
		id, ok := k.caddy[pkg][t]
		if !ok && f.IsTest {
			id, ok = k.caddy[pkg]["\x00test:"+t]
		}
		if ok {
			if strings.HasPrefix(id, "\x00") {
				if v, ref, ok := k.resolveConst(f, pkg, id[1:]); ok && pkg == p.ImportPath {
					name, resolved, nameDecl = v, true, ref
				} else {
					name = id[1:]
				}
			} else {
				name, resolved = id, true
			}
		} else {
			name = a.Expr
		}
	case nameType:
		if a.Type != "" {
			name, resolved = k.qualify(f, p.ImportPath, a.Type), true
		} else {
			name = a.Expr
		}
	}
	k.emit(p, fid, f, c, fnID, ro, name, resolved, nameRef, nameDecl, valueArg)
}

// emit records one linked registration or lookup of a call.
func (k *linker) emit(p *Package, fid FileID, f *FileFacts, c CallFact, fnID string, ro *funcRole, name string, resolved bool, nameRef, nameDecl SymbolRef, valueArg int) {
	l := k.l
	if ro.lookup {
		nameRef.Kind = KindLookup
		l.lookups = append(l.lookups, &Lookup{Registry: ro.reg.ID, Func: fnID, Name: name, NameResolved: resolved,
			NameRef: nameRef, Call: SymbolRef{File: fid, Span: c.Call, Kind: KindLookup}, Package: p.ImportPath,
			File: fid, IsTest: f.IsTest})
		return
	}
	r := &Registration{Registry: ro.reg.ID, Func: fnID, Name: name, NameResolved: resolved, NameRef: nameRef,
		NameDecl: nameDecl, Call: SymbolRef{File: fid, Span: c.Call, Kind: KindRegistration},
		InInit: c.InInit || c.InVar || k.initReach(p)[c.InFunc], InFunc: c.InFunc, Package: p.ImportPath, File: fid, IsTest: f.IsTest}
	if valueArg < len(c.Args) {
		r.Value = c.Args[valueArg].Expr
		if c.Args[valueArg].Type != "" {
			r.ValueType = k.qualify(f, p.ImportPath, c.Args[valueArg].Type)
		}
	}
	l.registrations = append(l.registrations, r)
	if !f.IsTest {
		l.registering[p.ImportPath] = true
	}
}

// keyName is one name a call registers or looks up under a key template.
type keyName struct {
	name     string
	resolved bool
	span     Span
	decl     SymbolRef
}

// keyNames evaluates a registry's key template against a call's
// arguments: literal pieces, string arguments (literals, locals, constants),
// fields of composite-literal arguments, and constant-returning methods of
// the argument's type (b.Name(), TypeURLs()). A piece it cannot read makes
// the name unresolved (REG005 then says so); a list piece gives one name
// per element.
func (k *linker) keyNames(p *Package, f *FileFacts, c CallFact, key []NamePart) []keyName {
	out := []keyName{{resolved: true, span: c.Call}}
	spanSet := false
	for _, part := range key {
		if part.Param < 0 {
			for i := range out {
				out[i].name += part.Lit
			}
			continue
		}
		if part.Field == "?" || part.Param >= 4 {
			return nil // a value whose name field is unknown: nothing to link
		}
		if part.Param >= len(c.Args) {
			if part.Each {
				continue // no aliases passed
			}
			return nil
		}
		a := c.Args[part.Param]
		var vals []string
		var vspans []Span // per value, when the values are arguments of their own
		ok := false
		var decl SymbolRef
		span := a.Span
		// fieldValue reads field from the argument's composite literal
		// into vals (the last keyed element wins, as in Go); false when
		// the literal does not set it.
		fieldValue := func(field string) bool {
			for _, fa := range a.Fields {
				if fa.Name == field {
					span = fa.Span
					var v string
					v, ok, decl = k.constName(f, p.ImportPath, fa.Lit, fa.IsLit, fa.Expr)
					vals = []string{v}
				}
			}
			return vals != nil
		}
		switch {
		case part.Method != "":
			typ := a.Type
			if typ == "" && a.Ctor != "" {
				typ = k.ctorType(p, f, a.Ctor)
			}
			m := part.Method
			if part.Field != "" {
				m += "." + part.Field // a field of the composite literal the method returns
			}
			vals, ok, decl = k.methodName(p, f, typ, m)
			if !ok && a.Type == "" && a.Ctor != "" {
				// The constructor is declared to return an interface:
				// the type its body builds has the name method.
				if ct := k.ctorConcrete(p, f, a.Ctor); ct != "" {
					vals, ok, decl = k.methodName(p, f, ct, m)
				}
			}
			if ok && len(vals) == 1 && strings.HasPrefix(vals[0], recvFieldMark) {
				// The method returns a field: the argument's composite
				// literal sets it (or the name is not known here).
				field := vals[0][len(recvFieldMark):]
				vals, ok = nil, false
				fieldValue(field)
			}
			if !ok {
				vals = []string{a.Expr + "." + part.Method + "()"}
			}
		case part.Field != "":
			if !fieldValue(part.Field) {
				vals = []string{a.Expr + "." + part.Field}
			}
		case part.Each:
			ok = true
			for i := part.Param; i < len(c.Args) && i < 4; i++ {
				if !c.Args[i].IsLit {
					ok = false
				}
				vals = append(vals, c.Args[i].Lit)
				vspans = append(vspans, c.Args[i].Span)
			}
			if len(c.Args) == 4 {
				vals = append(vals, c.Args[3].Each...)
			}
			if !ok {
				vals = []string{a.Expr}
			}
		default:
			var v string
			v, ok, decl = k.constName(f, p.ImportPath, a.Lit, a.IsLit, a.Expr)
			vals = []string{v}
		}
		if part.Lower && ok {
			for i := range vals {
				vals[i] = strings.ToLower(vals[i])
			}
		}
		if !spanSet {
			spanSet = true
			for i := range out {
				out[i].span = span
			}
		}
		var next []keyName
		for _, o := range out {
			for vi, v := range vals {
				n := o
				if vi < len(vspans) && len(key) == 1 {
					n.span = vspans[vi]
				}
				n.name += v
				n.resolved = n.resolved && ok
				if n.decl.IsZero() {
					n.decl = decl
				}
				next = append(next, n)
			}
		}
		out = next
	}
	return out
}

// ctorConcrete returns the type a constructor's body builds (CtorReturnKey),
// following calls of other constructors of its package, as the caller
// would write it; "" when unknown.
func (k *linker) ctorConcrete(p *Package, f *FileFacts, ctor string) string {
	cpkg, fn, q := k.ctorFunc(p, f, ctor)
	for hop := 0; hop < 4; hop++ {
		r, cf := k.ctorResult(cpkg, fn+CtorReturnKey)
		if cf == nil {
			// A helper that is not constructor-named has no entry.
			return ""
		}
		if next, ok := strings.CutPrefix(r, "\x00"); ok {
			fn = next
			continue
		}
		return qualifiedAs(q, r)
	}
	return ""
}

// ctorFunc splits a constructor call as written in f ("NewX", "pkg.NewX")
// into the constructor's package, its name and the qualifier used.
func (k *linker) ctorFunc(p *Package, f *FileFacts, ctor string) (pkg, fn, q string) {
	if i := strings.IndexByte(ctor, '.'); i >= 0 {
		return k.importOf(f, ctor[:i]), ctor[i+1:], ctor[:i]
	}
	return p.ImportPath, ctor, ""
}

// qualifiedAs writes a type of another package's constructor ("*T") as the
// caller does ("*q.T"); q == "" (same package) or an already qualified type
// stays as it is.
func qualifiedAs(q, t string) string {
	if q == "" || strings.Contains(t, ".") {
		return t
	}
	star := ""
	for strings.HasPrefix(t, "*") {
		star, t = star+"*", t[1:]
	}
	return star + q + "." + t
}

// ctorType returns the result type of a constructor as the caller would
// write it ("*pkg.T" for another package's constructor).
func (k *linker) ctorType(p *Package, f *FileFacts, ctor string) string {
	cpkg, fn, q := k.ctorFunc(p, f, ctor)
	r, cf := k.ctorResult(cpkg, fn)
	if cf == nil {
		return ""
	}
	if i := strings.IndexByte(r, '['); i >= 0 {
		r = r[:i]
	}
	return qualifiedAs(q, r)
}

// methodName returns what a method without parameters of a value's type
// returns, when it returns constants ("T.Name" in the MethodNames of the
// type's package; "T.M.F" for a field of a returned composite literal is
// asked as method "M.F").
func (k *linker) methodName(p *Package, f *FileFacts, typ, method string) ([]string, bool, SymbolRef) {
	t := strings.TrimLeft(typ, "*")
	if t == "" || strings.ContainsAny(t, "[]() {}") {
		return nil, false, SymbolRef{}
	}
	pkg := p.ImportPath
	if i := strings.IndexByte(t, '.'); i >= 0 {
		pkg, t = k.importOf(f, t[:i]), t[i+1:]
	}
	v, ok := k.caddy[pkg][t+"."+method]
	if !ok && f.IsTest {
		v, ok = k.caddy[pkg]["\x00test:"+t+"."+method]
	}
	if !ok {
		return nil, false, SymbolRef{}
	}
	var out []string
	var decl SymbolRef
	for _, e := range strings.Split(v, "\x1e") {
		if !strings.HasPrefix(e, "\x00") {
			out = append(out, e)
			continue
		}
		// A constant, resolved in the method's package: the method's file
		// is not at hand, so qualified references resolve through any file
		// of that package that imports the qualifier.
		val, ref, found := k.resolveIn(pkg, e[1:])
		if !found {
			return nil, false, SymbolRef{}
		}
		if decl.IsZero() {
			decl = ref
		}
		out = append(out, val)
	}
	return out, true, decl
}

// resolveIn resolves a constant reference as written in package pkg.
func (k *linker) resolveIn(pkg, expr string) (string, SymbolRef, bool) {
	p := k.l.byPath[pkg]
	if p == nil {
		return "", SymbolRef{}, false
	}
	for _, fid := range p.Files {
		f := k.s.Facts(fid)
		if f.IsTest {
			continue
		}
		if v, ref, ok := k.resolveConst(f, pkg, expr); ok {
			return v, ref, true
		}
		if !strings.Contains(expr, ".") {
			break // unqualified: every file of the package sees the same constants
		}
	}
	return "", SymbolRef{}, false
}

// natives resolves build commands to native plugins, and finds hosts.
func (k *linker) natives() {
	s, l := k.s, k.l
	var cmds []BuildCommand
	for id, e := range s.files {
		if e == nil {
			continue
		}
		if e.facts != nil {
			for _, bc := range e.facts.Commands {
				bc.File = FileID(id)
				bc.Dir = filepath.Dir(e.facts.Path)
				bc.Group = filepath.Base(e.facts.Path) + ":" + bc.Group
				cmds = append(cmds, bc)
			}
		} else if sc, ok := e.other.([]BuildCommand); ok {
			cmds = append(cmds, sc...)
		}
	}
	byKey := map[string]*NativePlugin{}
	for i := range cmds {
		bc := &cmds[i]
		if bc.Mode == ModeCopy {
			continue // resolved below, against the plugin it copies
		}
		k.resolveCommand(bc)
		if bc.Mode != "plugin" || len(bc.Targets) == 0 {
			continue
		}
		key := strings.Join(bc.Targets, "\x00")
		np := byKey[key]
		if np == nil {
			np = &NativePlugin{}
			byKey[key] = np
			k.fillNative(np, bc.Targets)
		}
		if !slices.Contains(np.SOPaths, bc.Output) {
			np.SOPaths = append(np.SOPaths, bc.Output)
		}
		np.Builds = append(np.Builds, *bc)
	}
	// .so → dir from configuration.
	for _, m := range s.ws.modules {
		if m.Config == nil {
			continue
		}
		for _, cp := range m.Config.Plugins {
			dir := cp.Dir
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(m.Dir, dir)
			}
			so := cp.SO
			if !filepath.IsAbs(so) {
				so = filepath.Join(m.Dir, so)
			}
			key := filepath.Clean(dir)
			np := byKey[key]
			if np == nil {
				np = &NativePlugin{}
				byKey[key] = np
				k.fillNative(np, []string{key})
			}
			if !slices.Contains(np.SOPaths, so) {
				np.SOPaths = append(np.SOPaths, so)
			}
		}
	}
	for _, np := range byKey {
		l.natives = append(l.natives, np)
	}
	// By directory, then files, then outputs: several plugins built file
	// by file from one directory come in a fixed order.
	sort.Slice(l.natives, func(i, j int) bool {
		a, b := l.natives[i], l.natives[j]
		if a.Dir != b.Dir {
			return a.Dir < b.Dir
		}
		if fa, fb := s.Path(firstFile(a.Files)), s.Path(firstFile(b.Files)); fa != fb {
			return fa < fb
		}
		return strings.Join(a.SOPaths, "\x00") < strings.Join(b.SOPaths, "\x00")
	})
	k.copies(cmds)
	sort.SliceStable(cmds, func(i, j int) bool { return s.Path(cmds[i].File) < s.Path(cmds[j].File) })
	l.commands = cmds
	// A main package all of whose files are built as plugins (file by
	// file) is a plugin too, not a host.
	inPlugin := map[FileID]bool{}
	for _, np := range l.natives {
		for _, f := range np.Files {
			inPlugin[f] = true
		}
	}
	hostBuilt := map[string]bool{}
	for _, bc := range cmds {
		if bc.Mode != "plugin" {
			for _, t := range bc.Targets {
				hostBuilt[t] = true
			}
		}
	}
	for _, p := range l.packages {
		if !p.IsMain {
			continue
		}
		host := false
		for _, f := range p.Files {
			ff := s.Facts(f)
			// A test file, a file of another package or one no
			// configuration builds (a //go:build ignore generator) is no
			// program of its own.
			if ff.IsTest || inPlugin[f] || ff.Package != "main" || !k.buildsSomewhere(ff) {
				continue
			}
			// A file outside every plugin makes a host, unless the directory
			// is built as a plugin and nothing builds that file on its own
			// (it is then excluded by a constraint, not a separate program).
			if !p.IsNativePlugin || hostBuilt[ff.Path] {
				host = true
			}
		}
		if !host {
			p.IsNativePlugin = true
			continue
		}
		l.hosts = append(l.hosts, &Host{Package: p})
	}
}

// copies makes the output of each copy command (cp a.so b.so, os.Link,
// os.ReadFile then os.WriteFile) another output of the plugin that builds
// its source: a relative source is resolved against the directories that
// plugin's builds ran in (the build in the same script line or Go function
// wins), else the copy's own directory, its module and the roots; the copy's
// output against the same directory. Chains (a → b → c) resolve in order.
func (k *linker) copies(cmds []BuildCommand) {
	s := k.s
	for pass := 0; pass < 4; pass++ {
		changed := false
		for i := range cmds {
			c := &cmds[i]
			if c.Mode != ModeCopy || filepath.IsAbs(c.Output) && c.base != "" {
				continue
			}
			var np *NativePlugin
			base := ""
			grouped := false
			try := func(cand *NativePlugin, b string, g bool) {
				from := c.From
				if !filepath.IsAbs(from) {
					from = filepath.Join(b, from)
				}
				if !slices.Contains(cand.SOPaths, filepath.Clean(from)) || (np != nil && (grouped || !g)) {
					return
				}
				np, base, grouped = cand, b, g
			}
			var others []string
			others = append(others, c.Dir)
			if m := s.ws.moduleFor(s.Path(c.File)); m != nil {
				others = append(others, m.Dir)
			}
			others = append(others, s.roots...)
			for _, cand := range k.l.natives {
				for _, b := range cand.Builds {
					try(cand, k.buildBase(b), b.File == c.File && b.Group == c.Group)
				}
				for _, b := range others {
					try(cand, b, false)
				}
			}
			if np == nil {
				continue
			}
			out := c.Output
			if !filepath.IsAbs(out) {
				out = filepath.Join(base, out)
			}
			c.Output, c.base = filepath.Clean(out), base
			if !slices.Contains(np.SOPaths, c.Output) {
				np.SOPaths = append(np.SOPaths, c.Output)
			}
			changed = true
		}
		if !changed {
			return
		}
	}
}

func firstFile(fs []FileID) FileID {
	if len(fs) == 0 {
		return 0
	}
	return fs[0]
}

// resolveCommand makes a command's targets and output absolute. Relative
// paths are tried against the command's directory, its testdata, the file's
// module and the roots (Go tests run their commands in a copied module).
func (k *linker) resolveCommand(bc *BuildCommand) {
	s := k.s
	bases := commandBases(s.ws, s.roots, bc.Dir, s.Path(bc.File))
	base := ""
	args := bc.Args
	if len(args) == 0 {
		args = []string{"."}
	}
	for _, a := range args {
		if strings.Contains(a, "$") {
			continue
		}
		if !strings.HasPrefix(a, ".") && !filepath.IsAbs(a) && !strings.HasSuffix(a, ".go") {
			if p := k.l.byPath[a]; p != nil { // an import path
				bc.Targets = append(bc.Targets, p.Dir)
				continue
			}
		}
		for _, b := range bases {
			t := a
			if !filepath.IsAbs(t) {
				t = filepath.Join(b, a)
			}
			if s.cmdPaths[t] { // stat in the update step (commandPaths)
				bc.Targets = append(bc.Targets, t)
				if base == "" {
					base = b
				}
				break
			}
		}
	}
	sort.Strings(bc.Targets)
	if base == "" {
		base = bc.Dir
	}
	bc.base = base
	out := bc.Output
	if out == "" && len(bc.Targets) > 0 {
		t := bc.Targets[0]
		name := filepath.Base(t)
		if strings.HasSuffix(t, ".go") {
			name = strings.TrimSuffix(name, ".go")
		} else if p := k.l.byDir[t]; p != nil {
			name = filepath.Base(p.ImportPath)
		}
		out = name
		if bc.Mode == "plugin" {
			out += ".so"
		}
	}
	if out != "" && !filepath.IsAbs(out) && !strings.Contains(out, "$") {
		out = filepath.Join(base, out)
	}
	bc.Output = out
}

// buildBase is the directory a command's relative paths resolved against.
func (k *linker) buildBase(b BuildCommand) string {
	if b.base != "" {
		return b.base
	}
	return b.Dir
}

func (k *linker) fillNative(np *NativePlugin, targets []string) {
	s, l := k.s, k.l
	for _, t := range targets {
		if strings.HasSuffix(t, ".go") {
			np.Dir = filepath.Dir(t)
			if id, ok := s.FileID(t); ok {
				np.Files = append(np.Files, id)
			} else if id, ok := s.paths.lookup(t); ok && s.targets[id] != nil {
				np.Files = append(np.Files, id) // outside the walk (readTargets)
			}
			continue
		}
		np.Dir = t
		if p := l.byDir[t]; p == nil {
			// Outside the walk (readTargets): the directory's files, with
			// its constraints.
			for _, id := range k.targetsIn(t) {
				if f := s.Facts(id); len(s.configs) == 0 || fileMatches(f, s.configs[0]) {
					np.Files = append(np.Files, id)
				}
			}
		} else {
			p.IsNativePlugin = true
			for _, id := range p.Files {
				// A directory build applies build constraints; named files
				// (above) ignore them, as the go command does.
				if f := s.Facts(id); !f.IsTest && (len(s.configs) == 0 || fileMatches(f, s.configs[0])) {
					np.Files = append(np.Files, id)
				}
			}
		}
	}
	if p := l.byDir[np.Dir]; p != nil {
		np.Package = p.ImportPath
	}
	for _, id := range np.Files {
		f := s.Facts(id)
		if np.Name == "" {
			np.Name = f.Package
		}
		for _, sym := range f.Symbols {
			np.Symbols = append(np.Symbols, PluginSymbol{Symbol: sym, File: id})
		}
	}
}

// targetsIn returns the snapshot's build-target files (read outside the
// walk) directly in dir, sorted by path.
func (k *linker) targetsIn(dir string) []FileID {
	var out []FileID
	for id, e := range k.s.targets {
		if e.facts != nil && filepath.Dir(e.facts.Path) == dir {
			out = append(out, id)
		}
	}
	slices.SortFunc(out, func(a, b FileID) int { return strings.Compare(k.s.Path(a), k.s.Path(b)) })
	return out
}

// opens links plugin.Open sites to native plugins and Lookups.
func (k *linker) opens() {
	s, l := k.s, k.l
	inPlugin := map[FileID]bool{}
	for _, np := range l.natives {
		for _, f := range np.Files {
			inPlugin[f] = true
		}
	}
	// Host builds (non-plugin go build commands) by target, to pair a host
	// with the plugins built in the same script or test function.
	hostGroups := map[string][]BuildCommand{}
	for _, bc := range l.commands {
		if bc.Mode == "plugin" {
			continue
		}
		for _, t := range bc.Targets {
			hostGroups[t] = append(hostGroups[t], bc)
		}
	}
	for id, e := range s.files {
		if e == nil || e.facts == nil {
			continue
		}
		f := e.facts
		if len(f.Opens) == 0 && len(f.PLookups) == 0 {
			continue // nearly every file: no map lookup for them on each link
		}
		fid := FileID(id)
		pkg := ""
		if p := l.byFile[fid]; p != nil {
			pkg = p.ImportPath
		}
		var sites []*OpenSite
		for _, o := range f.Opens {
			os := &OpenSite{File: fid, Call: SymbolRef{File: fid, Span: o.Call, Kind: KindOpen}, Path: o.Path,
				PathResolved: o.Path != "", PathRef: SymbolRef{File: fid, Span: o.PathSpan, Kind: KindOpen}, Package: pkg}
			if o.Path != "" {
				os.Plugins = k.matchSO(o.Path, f.Path, append(hostGroups[f.Path], hostGroups[filepath.Dir(f.Path)]...))
			}
			sites = append(sites, os)
			l.opens = append(l.opens, os)
		}
		for _, pl := range f.PLookups {
			lk := &PluginLookup{File: fid, Symbol: pl.Symbol, Ref: SymbolRef{File: fid, Span: pl.SymbolSpan, Kind: KindPluginLookup},
				Call: SymbolRef{File: fid, Span: pl.Call, Kind: KindPluginLookup}, Assert: pl.Assert, Package: pkg,
				InPlugin: inPlugin[fid], FileImport: f.Imports}
			if pl.Assert != "" {
				lk.AssertRef = SymbolRef{File: fid, Span: pl.AssertSpan, Kind: KindPluginLookup}
			}
			// The nearest preceding Open in the same function on that variable.
			for i, o := range f.Opens {
				if o.InFunc == pl.InFunc && o.Var == pl.Recv && o.Call.Start < pl.Call.Start {
					lk.Open = sites[i]
				}
			}
			if lk.Open != nil {
				lk.Open.Lookups = append(lk.Open.Lookups, lk)
			}
			l.plookups = append(l.plookups, lk)
		}
	}
	sort.SliceStable(l.opens, func(i, j int) bool { return s.Path(l.opens[i].File) < s.Path(l.opens[j].File) })
	sort.SliceStable(l.plookups, func(i, j int) bool { return s.Path(l.plookups[i].File) < s.Path(l.plookups[j].File) })
}

// matchSO returns the plugins whose output an Open path names. An absolute
// path must match exactly; a relative one is resolved against the
// directories a host plausibly runs in (its own directory, its module root,
// the roots, the directories the build commands ran in). When the host is
// built by a command in the same group (test function, script line) as some
// candidates, those win.
func (k *linker) matchSO(path, hostFile string, hostBuilds []BuildCommand) []*NativePlugin {
	clean := filepath.Clean(path)
	cwds := map[string]bool{filepath.Dir(hostFile): true}
	if m := k.s.ws.moduleFor(hostFile); m != nil {
		cwds[m.Dir] = true
	}
	for _, r := range k.s.roots {
		cwds[r] = true
	}
	var cands []*NativePlugin
	for _, np := range k.l.natives {
		for _, so := range np.SOPaths {
			ok := false
			if filepath.IsAbs(clean) {
				ok = so == clean
			} else if filepath.Base(so) == filepath.Base(clean) {
				for _, b := range np.Builds {
					if filepath.Join(k.buildBase(b), clean) == so {
						ok = true
					}
				}
				for c := range cwds {
					if filepath.Join(c, clean) == so {
						ok = true
					}
				}
			}
			if ok {
				cands = append(cands, np)
				break
			}
		}
	}
	if len(cands) <= 1 || len(hostBuilds) == 0 {
		return cands
	}
	var paired []*NativePlugin
	for _, np := range cands {
		for _, b := range np.Builds {
			for _, hb := range hostBuilds {
				if b.File == hb.File && b.Group == hb.Group {
					paired = append(paired, np)
					goto next
				}
			}
		}
	next:
	}
	if len(paired) > 0 {
		return paired
	}
	return cands
}

func (k *linker) manifests() {
	s, l := k.s, k.l
	for _, e := range s.files {
		if e == nil {
			continue
		}
		if m, ok := e.other.(*Manifest); ok {
			c := *m
			if p := l.byDir[c.Dir]; p != nil {
				c.Package = p.ImportPath
			}
			l.manifests = append(l.manifests, &c)
		}
	}
	sort.Slice(l.manifests, func(i, j int) bool { return s.Path(l.manifests[i].File) < s.Path(l.manifests[j].File) })
}

// graph builds plugin dependency edges: imports between plugin packages and
// manifest requires. It runs on the first Graph() query.
func (l *linked) buildGraph(s *Snapshot) {
	l.graph = l.importEdges(s)
	node := func(m *Manifest) string {
		if m.Package != "" {
			return m.Package
		}
		return "manifest:" + m.Name
	}
	byName := map[string]*Manifest{}
	for _, m := range l.manifests {
		if m.Name != "" && byName[m.Name] == nil {
			byName[m.Name] = m
		}
	}
	for _, m := range l.manifests {
		for _, r := range m.Requires {
			if t := byName[r.Name]; t != nil {
				l.graph = append(l.graph, GraphEdge{From: node(m), To: node(t), Kind: EdgeRequires, Ref: r.Ref})
			}
		}
	}
	sort.SliceStable(l.graph, func(i, j int) bool {
		a, b := l.graph[i], l.graph[j]
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
}

// closure returns the workspace packages linked into root under cfg,
// memoised per (root, cfg). _test.go files never add imports.
func (l *linked) closure(s *Snapshot, root string, cfg BuildConfig) pkgSet {
	key := root + "|" + cfg.String()
	l.mu.Lock()
	if set, ok := l.memo[key]; ok {
		l.mu.Unlock()
		return set
	}
	l.mu.Unlock()
	set := pkgSet{}
	if l.byPath[root] == nil {
		return set
	}
	queue := []string{root}
	set[root] = true
	for len(queue) > 0 {
		p := l.byPath[queue[0]]
		queue = queue[1:]
		for _, fid := range p.Files {
			f := s.Facts(fid)
			if f.IsTest || !fileMatches(f, cfg) {
				continue
			}
			for _, im := range f.Imports {
				if !set[im.Path] && l.byPath[im.Path] != nil {
					set[im.Path] = true
					queue = append(queue, im.Path)
				}
			}
		}
	}
	l.mu.Lock()
	l.memo[key] = set
	l.mu.Unlock()
	return set
}

// chain finds one import path from → to under cfg.
func (l *linked) chain(s *Snapshot, from, to string, cfg BuildConfig) []string {
	if l.byPath[from] == nil {
		return nil
	}
	parent := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur == to {
			var out []string
			for c := to; c != ""; c = parent[c] {
				out = append([]string{c}, out...)
			}
			return out
		}
		for _, fid := range l.byPath[cur].Files {
			f := s.Facts(fid)
			if f.IsTest || !fileMatches(f, cfg) {
				continue
			}
			for _, im := range f.Imports {
				if _, ok := parent[im.Path]; !ok && l.byPath[im.Path] != nil {
					parent[im.Path] = cur
					queue = append(queue, im.Path)
				}
			}
		}
	}
	return nil
}

// buildTrie indexes plugin names, lookups, registries, contracts, symbols
// of plugin packages and native plugins, plugin Lookup strings, Open paths
// and manifest names.
func buildTrie(s *Snapshot) *Trie {
	l := s.link()
	var items []trieItem
	add := func(name string, ref SymbolRef) {
		if name == "" || ref.IsZero() {
			return
		}
		items = append(items, trieItem{key: strings.ToLower(name), e: TrieEntry{Name: name, Ref: ref}})
	}
	for _, r := range l.registrations {
		if r.NameResolved {
			add(r.Name, r.NameRef)
			add(r.Name, r.NameDecl)
		}
	}
	for _, lk := range l.lookups {
		if lk.NameResolved {
			add(lk.Name, lk.NameRef)
		}
	}
	for _, r := range l.registries {
		add(r.ID[strings.LastIndexByte(r.ID, '.')+1:], r.Decl)
		if r.Contract != "" {
			add(r.Contract[strings.LastIndexByte(r.Contract, '.')+1:], r.ContractDecl)
		}
	}
	// The registered types of plugin packages (not every exported symbol:
	// those are gopls's business and would make the trie ten times larger).
	typeNames := map[string]bool{}
	for _, r := range l.registrations {
		if t := strings.TrimLeft(r.ValueType, "*"); t != "" {
			typeNames[t] = true
		}
	}
	for _, p := range l.packages {
		if !l.registering[p.ImportPath] {
			continue
		}
		for _, fid := range p.Files {
			f := s.Facts(fid)
			if f.IsTest {
				continue
			}
			for _, sym := range f.Symbols {
				if sym.Kind == SymType && typeNames[p.ImportPath+"."+sym.Name] {
					add(sym.Name, SymbolRef{File: fid, Span: sym.Span, Kind: KindSymbol})
				}
			}
		}
	}
	for _, np := range l.natives {
		if len(np.Files) > 0 {
			f := s.Facts(np.Files[0])
			add(np.Name, SymbolRef{File: np.Files[0], Span: f.PackageSpan, Kind: KindNativePlugin})
		}
		for _, sym := range np.Symbols {
			if sym.Exported {
				add(sym.Name, SymbolRef{File: sym.File, Span: sym.Span, Kind: KindSymbol})
			}
		}
	}
	for _, lk := range l.plookups {
		add(lk.Symbol, lk.Ref)
	}
	for _, o := range l.opens {
		if o.Path != "" {
			add(filepath.Base(o.Path), o.PathRef)
		}
	}
	for _, m := range l.manifests {
		add(m.Name, m.NameRef)
	}
	return newTrie(items)
}
