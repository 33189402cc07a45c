package diagnostics

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"golang.org/x/tools/go/packages"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// TypeCache holds type information loaded with go/packages, keyed by module
// directory, the requested packages and the content hashes of their files,
// so that CheckTypes on a new snapshot reloads only what changed. It is safe
// for concurrent use; keep one per workspace.
type TypeCache struct {
	mu      sync.Mutex
	entries map[string]*typeEntry
	loads   int // number of go/packages loads, for tests
}

// NewTypeCache returns an empty cache.
func NewTypeCache() *TypeCache { return &TypeCache{entries: map[string]*typeEntry{}} }

type typeEntry struct {
	hash string
	pkgs map[string]*packages.Package // by import path
	err  error
	bad  map[string]string // import path → first error, for packages without types
}

// why returns ": <first error>" for a package of mod's last load that came
// back without types, "" when unknown.
func (c *TypeCache) why(mod *index.Module, path string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[mod.Dir]; e != nil && e.bad[path] != "" {
		return ": " + e.bad[path]
	}
	return ""
}

// Loads returns how many go/packages loads the cache has run.
func (c *TypeCache) Loads() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loads
}

// load type-checks the given packages of one module from source
// (loadFromSource: nothing is built, no cgo runs). Files are read from the
// snapshot, so editor overlays are used.
func (c *TypeCache) load(ctx context.Context, snap *index.Snapshot, mod *index.Module, pkgPaths []string) (map[string]*packages.Package, error) {
	sort.Strings(pkgPaths)
	h := sha256.New()
	overlay := map[string][]byte{}
	fmt.Fprintf(h, "%s\x00%s\x00", mod.Dir, strings.Join(pkgPaths, ","))
	if b, err := index.ReadRegular(filepath.Join(mod.Dir, "go.mod"), 0); err == nil {
		h.Write(b)
	}
	for _, path := range pkgPaths {
		pk := snap.Package(path)
		if pk == nil {
			continue
		}
		for _, id := range pk.Files {
			b, err := snap.Content(id)
			if errors.Is(err, index.ErrChanged) {
				// go/packages would read the newer bytes from disk while
				// findings are placed in the snapshot's text: no load for
				// this snapshot (the next one has the new text).
				return nil, fmt.Errorf("loading types of %s: %w", mod.Path, err)
			}
			if err != nil {
				continue
			}
			name := snap.Path(id)
			fmt.Fprintf(h, "%s\x00%d\x00", name, len(b))
			h.Write(b)
			overlay[name] = b
		}
	}
	// One entry per module: a new package set or new contents replace it,
	// so a long session holds at most one load per module.
	key := mod.Dir
	sum := hex.EncodeToString(h.Sum(nil))
	c.mu.Lock()
	if e, ok := c.entries[key]; ok && e.hash == sum {
		c.mu.Unlock()
		return e.pkgs, e.err
	}
	c.loads++
	c.mu.Unlock()

	// Never fetch toolchains or modules while checking: a load is a
	// read-only look at the workspace.
	env := append(os.Environ(), "GOTOOLCHAIN=local", "GOPROXY=off")
	if mod.Work == "" {
		// A module outside the go.work above it builds with its own go.mod
		// (the go command refuses it otherwise).
		env = append(env, "GOWORK=off")
	}
	pkgs, err := loadFromSource(ctx, mod.Dir, env, overlay, pkgPaths)
	e := &typeEntry{hash: sum, pkgs: map[string]*packages.Package{}, err: err}
	if err != nil {
		e.err = fmt.Errorf("loading types of %s: %w", mod.Path, err)
	}
	for _, p := range pkgs {
		if p.Types != nil && p.TypesInfo != nil {
			e.pkgs[p.PkgPath] = p
		} else if len(p.Errors) > 0 {
			if e.bad == nil {
				e.bad = map[string]string{}
			}
			e.bad[p.PkgPath] = strings.Join(strings.Fields(p.Errors[0].Error()), " ")
		}
	}
	if ctx.Err() == nil {
		c.mu.Lock()
		c.entries[key] = e
		c.mu.Unlock()
	}
	return e.pkgs, e.err
}

// listErrorIn returns the first go list error of pk or of a package it
// imports (directly or not), "" when there is none. Type errors are not
// reported: they are the user's code being edited.
func listErrorIn(pk *packages.Package) string {
	seen := map[*packages.Package]bool{}
	var walk func(q *packages.Package) string
	walk = func(q *packages.Package) string {
		if q == nil || seen[q] {
			return ""
		}
		seen[q] = true
		for _, e := range q.Errors {
			if e.Kind == packages.ListError {
				return strings.Join(strings.Fields(e.Msg), " ")
			}
		}
		for _, imp := range q.Imports {
			if why := walk(imp); why != "" {
				return why
			}
		}
		return ""
	}
	return walk(pk)
}

// oneLineErr flattens an error (go list output spans lines) to one line.
func oneLineErr(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// loadFor loads the packages of several import paths, grouped by module.
func (p *pass) loadFor(paths []string) map[string]*packages.Package {
	byMod := map[*index.Module][]string{}
	seen := map[string]bool{}
	for _, path := range paths {
		if seen[path] {
			continue
		}
		seen[path] = true
		pk := p.snap.Package(path)
		if pk == nil || pk.Module == nil || pk.Module.Dep {
			continue // dependency packages get no diagnostics: never load them
		}
		if _, err := os.Stat(filepath.Join(pk.Module.Dir, "go.mod")); err != nil {
			continue // go/packages needs a module
		}
		byMod[pk.Module] = append(byMod[pk.Module], path)
	}
	mods := make([]*index.Module, 0, len(byMod))
	for m := range byMod {
		mods = append(mods, m)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Dir < mods[j].Dir })
	out := map[string]*packages.Package{}
	for _, m := range mods {
		if p.ctx.Err() != nil {
			break
		}
		pkgs, err := p.types.load(p.ctx, p.snap, m, byMod[m])
		if p.ctx.Err() != nil {
			break
		}
		if err != nil {
			if p.opts.Logf != nil {
				p.opts.Logf("plugin-lsp: type information for %s: %v (REG004/PL002 skip it)", m.Path, err)
			}
			at := filepath.Join(m.Dir, "go.mod")
			if m.Work != "" {
				at = m.Work
			}
			p.problem("mod\x00"+m.Dir, index.Problem{Kind: index.ProblemTypes, Path: at,
				Msg: fmt.Sprintf("type information not loaded, so REG004 and PL002 did not run on module %s: %s", m.Path, oneLineErr(err))})
		}
		for _, path := range byMod[m] {
			if pk := pkgs[path]; pk != nil {
				// Typed, but go list could not find part of its import
				// graph (a module missing from the cache, offline): the
				// types are partial, REG004/PL002 may miss findings.
				if why := listErrorIn(pk); why != "" {
					p.problem("pkg\x00"+path, index.Problem{Kind: index.ProblemTypes, Path: pk.Dir,
						Msg: fmt.Sprintf("type information for package %s is incomplete, so REG004 and PL002 may miss findings in it: %s", path, why)})
				}
				continue
			}
			if err != nil {
				continue
			}
			dir := m.Dir
			if ip := p.snap.Package(path); ip != nil && ip.Dir != "" {
				dir = ip.Dir
			}
			p.problem("pkg\x00"+path, index.Problem{Kind: index.ProblemTypes, Path: dir,
				Msg: fmt.Sprintf("no type information for package %s, so REG004 and PL002 did not run on it%s", path, p.types.why(m, path))})
		}
		for path, pk := range pkgs {
			out[path] = pk
		}
	}
	return out
}

// nodeAt finds the outermost node of type T in pkg's file path that spans
// exactly [offset, end).
func nodeAt[T ast.Node](pkg *packages.Package, path string, offset, end int) (T, *token.File) {
	var zero T
	for i, f := range pkg.Syntax {
		tf := pkg.Fset.File(f.Pos())
		if tf == nil {
			continue
		}
		name := tf.Name()
		if i < len(pkg.CompiledGoFiles) {
			name = pkg.CompiledGoFiles[i]
		}
		if filepath.Clean(name) != filepath.Clean(path) && filepath.Clean(tf.Name()) != filepath.Clean(path) {
			continue
		}
		if offset < 0 || end > tf.Size() || offset > end {
			return zero, nil
		}
		pos, endPos := tf.Pos(offset), tf.Pos(end)
		var found T
		ok := false
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil || n.Pos() > pos || n.End() <= pos {
				return n == nil || n.Pos() <= pos
			}
			if t, isT := n.(T); isT && !ok && n.Pos() == pos && n.End() == endPos {
				found, ok = t, true
			}
			return true
		})
		if ok {
			return found, tf
		}
		return zero, tf
	}
	return zero, nil
}

// nameQualifier writes package-qualified names with the package name.
func nameQualifier(p *types.Package) string { return p.Name() }

// pathQualifier writes package-qualified names with the full import path,
// to compare types across separate loads.
func pathQualifier(p *types.Package) string { return p.Path() }

// contractOf finds the interface a registry's values must implement, and
// whether the register function's own parameter already enforces it (then
// the compiler reports mismatches and REG004 stays silent).
func contractOf(reg *index.Registry, pkgs map[string]*packages.Package) (*types.Named, *types.Interface) {
	rp := pkgs[reg.Package]
	if rp == nil {
		return nil, nil
	}
	lookupObj := func(id string) types.Object {
		i := strings.LastIndexByte(id, '.')
		if i < 0 {
			return nil
		}
		path, name := id[:i], id[i+1:]
		if path == rp.PkgPath {
			return rp.Types.Scope().Lookup(name)
		}
		for _, imp := range rp.Types.Imports() {
			if imp.Path() == path {
				return imp.Scope().Lookup(name)
			}
		}
		if q := pkgs[path]; q != nil {
			return q.Types.Scope().Lookup(name)
		}
		return nil
	}
	asIface := func(t types.Type) (*types.Named, *types.Interface) {
		n, ok := types.Unalias(t).(*types.Named)
		if !ok {
			return nil, nil
		}
		it, ok := n.Underlying().(*types.Interface)
		if !ok || it.NumMethods() == 0 {
			return nil, nil
		}
		return n, it
	}
	if reg.Contract != "" {
		if o, ok := lookupObj(reg.Contract).(*types.TypeName); ok {
			if n, it := asIface(o.Type()); n != nil {
				return n, it
			}
		}
	}
	for _, l := range reg.Lookup {
		if f, ok := lookupObj(l).(*types.Func); ok {
			sig := f.Type().(*types.Signature)
			if sig.Results().Len() > 0 {
				if n, it := asIface(sig.Results().At(0).Type()); n != nil {
					return n, it
				}
			}
		}
	}
	return nil, nil
}

func checkREG004(p *pass) {
	var paths []string
	var regs []*index.Registration
	for _, r := range p.snap.Registrations() {
		if r.IsTest || r.Package == "" {
			continue
		}
		reg := p.snap.Registry(r.Registry)
		if reg == nil || reg.Preset != "" || !p.takesAny(reg) {
			continue // the register function's signature enforces the contract
		}
		regs = append(regs, r)
		paths = append(paths, r.Package, reg.Package)
	}
	if len(regs) == 0 {
		return
	}
	pkgs := p.loadFor(paths)
	for _, r := range regs {
		reg := p.snap.Registry(r.Registry)
		named, iface := contractOf(reg, pkgs)
		pkg := pkgs[r.Package]
		if named == nil || pkg == nil {
			continue
		}
		call, _ := nodeAt[*ast.CallExpr](pkg, p.snap.Path(r.File), r.Call.Span.Start, r.Call.Span.End)
		if call == nil {
			continue
		}
		sig, ok := pkg.TypesInfo.TypeOf(call.Fun).(*types.Signature)
		if !ok {
			continue
		}
		// The value argument: the last one whose parameter is an interface.
		var arg ast.Expr
		var param types.Type
		for i, a := range call.Args {
			pi := i
			if pi >= sig.Params().Len() {
				pi = sig.Params().Len() - 1
			}
			if pi < 0 {
				break
			}
			pt := sig.Params().At(pi).Type()
			if s, ok := pt.(*types.Slice); ok && sig.Variadic() && pi == sig.Params().Len()-1 {
				pt = s.Elem()
			}
			if types.IsInterface(pt) {
				arg, param = a, pt
			}
		}
		if arg == nil {
			continue
		}
		if pi, ok := param.Underlying().(*types.Interface); ok && pi.NumMethods() > 0 {
			continue // the parameter type enforces a contract: the compiler checks
		}
		t := pkg.TypesInfo.TypeOf(arg)
		if t == nil || invalid(t) || invalid(named) || types.IsInterface(t) || types.Implements(t, iface) {
			continue // code that does not type-check is the compiler's to report
		}
		tn := types.TypeString(t, nameQualifier)
		cn := types.TypeString(named, nameQualifier)
		var why, fix string
		if _, isPtr := t.(*types.Pointer); !isPtr && types.Implements(types.NewPointer(t), iface) {
			m, _ := types.MissingMethod(t, iface, true)
			name := "a method"
			if m != nil {
				name = "method " + m.Name()
			}
			why = name + " has a pointer receiver"
			fix = "register a pointer (&" + strings.TrimPrefix(tn, "*") + "{})"
		} else if m, wrong := types.MissingMethod(t, iface, true); m != nil {
			if wrong {
				why = "wrong signature for method " + m.Name() + ", want " + types.TypeString(m.Type(), nameQualifier)
				fix = "change " + m.Name() + " to the contract's signature"
			} else {
				why = "missing method " + m.Name()
				fix = "add method " + m.Name() + " " + strings.TrimPrefix(types.TypeString(m.Type(), nameQualifier), "func")
			}
		} else {
			continue
		}
		fset := pkg.Fset
		start := fset.Position(arg.Pos()).Offset
		end := fset.Position(arg.End()).Offset
		var related []Related
		if !reg.ContractDecl.IsZero() {
			related = append(related, Related{Location: p.loc(reg.ContractDecl), Message: "contract " + cn})
		}
		p.report(Finding{
			Message:  tn + " does not implement " + cn + " (" + why + "): registry " + reg.ID + " fails on it at run time; " + fix,
			Location: p.span(r.File, index.Span{Start: start, End: end}),
			Related:  related,
		})
	}
}

// sigString renders a signature without parameter names, qualified by
// import path, so that signatures from separate loads compare equal.
func sigString(sig *types.Signature) string {
	var b strings.Builder
	b.WriteString("func(")
	for i := 0; i < sig.Params().Len(); i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		t := sig.Params().At(i).Type()
		if sig.Variadic() && i == sig.Params().Len()-1 {
			b.WriteString("...")
			t = t.(*types.Slice).Elem()
		}
		b.WriteString(typeString(t))
	}
	b.WriteString(")")
	switch sig.Results().Len() {
	case 0:
	case 1:
		b.WriteString(" " + typeString(sig.Results().At(0).Type()))
	default:
		b.WriteString(" (")
		for i := 0; i < sig.Results().Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(typeString(sig.Results().At(i).Type()))
		}
		b.WriteString(")")
	}
	return b.String()
}

func typeString(t types.Type) string {
	if s, ok := t.(*types.Signature); ok {
		return sigString(s)
	}
	return types.TypeString(t, pathQualifier)
}

func checkPL002(p *pass) {
	type site struct {
		pl  *index.PluginLookup
		nps []*index.NativePlugin
	}
	var sites []site
	var paths []string
	for _, pl := range p.snap.PluginLookups() {
		if pl.InPlugin || pl.Open == nil || len(pl.Open.Plugins) == 0 || pl.Assert == "" || pl.AssertRef.IsZero() {
			continue
		}
		sites = append(sites, site{pl, pl.Open.Plugins})
		paths = append(paths, pl.Package)
		for _, np := range pl.Open.Plugins {
			if np.Package != "" {
				paths = append(paths, np.Package)
			}
		}
	}
	if len(sites) == 0 {
		return
	}
	pkgs := p.loadFor(paths)
	for _, s := range sites {
		pl := s.pl
		host := pkgs[pl.Package]
		if host == nil {
			continue
		}
		texpr, _ := nodeAt[ast.Expr](host, p.snap.Path(pl.File), pl.AssertRef.Span.Start, pl.AssertRef.Span.End)
		if texpr == nil {
			continue
		}
		asserted := host.TypesInfo.TypeOf(texpr)
		if asserted == nil || invalid(asserted) || types.IsInterface(asserted) {
			continue // an interface assertion may hold
		}
		want := ""
		kind := ""
		declared := ""
		for _, np := range s.nps {
			w, k, d, ok := p.symbolDynamicType(np, pl.Symbol, pkgs)
			if !ok {
				want = ""
				break
			}
			if want != "" && w != want {
				want = "" // several sources disagree: unknown
				break
			}
			want, kind, declared = w, k, d
		}
		if want == "" {
			continue
		}
		got := typeString(asserted)
		if got == want {
			continue
		}
		written := p.src(pl.AssertRef.File, pl.AssertRef.Span)
		var msg string
		var fixes []Fix
		if kind == "var" {
			msg = pl.Symbol + " is a var of type " + declared + ": Lookup returns *" + declared + ", so ." + "(" + written + ") fails; assert .(*" + written + ")"
			if got == strings.TrimPrefix(want, "*") {
				fixes = append(fixes, Fix{Title: "Assert *" + written,
					Edits: []Edit{{Location: p.loc(pl.AssertRef), NewText: "*" + written}}})
			}
		} else {
			msg = pl.Symbol + " is a " + declared + ": the assertion ." + "(" + written + ") always fails; assert its signature"
		}
		p.report(Finding{Message: msg, Location: p.loc(pl.AssertRef), Fixes: fixes})
	}
}

// symbolDynamicType returns the dynamic type (path-qualified) of the value
// Lookup returns for sym in np, its kind, and its declared type for
// messages; ok is false when unknown.
func (p *pass) symbolDynamicType(np *index.NativePlugin, sym string, pkgs map[string]*packages.Package) (want, kind, declared string, ok bool) {
	var ps *index.PluginSymbol
	for i := range np.Symbols {
		if np.Symbols[i].Name == sym && lookupable(np.Symbols[i].Symbol) {
			ps = &np.Symbols[i]
		}
	}
	if ps == nil {
		return "", "", "", false
	}
	if pk := pkgs[np.Package]; pk != nil && len(pk.Errors) == 0 && pk.Types.Scope().Lookup(sym) != nil && !invalid(pk.Types.Scope().Lookup(sym).Type()) {
		switch o := pk.Types.Scope().Lookup(sym).(type) {
		case *types.Var:
			return typeString(types.NewPointer(o.Type())), "var", types.TypeString(o.Type(), nameQualifier), true
		case *types.Func:
			sig := o.Type().(*types.Signature)
			return sigString(sig), "func", "func" + strings.TrimPrefix(types.TypeString(sig, nameQualifier), "func"), true
		}
		return "", "", "", false
	}
	// The plugin does not type-check as a package (built file by file):
	// trust only builtin types written in its declaration.
	if ps.Kind == index.SymVar && types.Universe.Lookup(ps.Type) != nil {
		if _, isType := types.Universe.Lookup(ps.Type).(*types.TypeName); isType && ps.Type != "any" && ps.Type != "error" {
			return "*" + ps.Type, "var", ps.Type, true
		}
	}
	return "", "", "", false
}

// takesAny reports whether a registry's register function may take its
// value as an empty interface, so that only a run-time assertion checks
// the contract: it does as written, or the registry is configured (not
// inferred) and only types can tell.
func (p *pass) takesAny(reg *index.Registry) bool {
	if reg.Instance {
		// Its methods' parameter types (or the type argument of a
		// generic registry) are checked by the compiler.
		return false
	}
	if reg.Decl.IsZero() {
		return reg.Contract != ""
	}
	f := p.snap.Facts(reg.Decl.File)
	if f == nil {
		return false
	}
	for _, d := range f.Defs {
		if d.Span == reg.Decl.Span {
			t := strings.ReplaceAll(d.ValueType, " ", "")
			return t == "any" || t == "interface{}"
		}
	}
	return reg.Contract != "" // configured over an unrecognised function
}

// invalid reports whether a type (or a method signature of an interface)
// mentions a type the checker could not resolve.
func invalid(t types.Type) bool {
	if strings.Contains(types.TypeString(t, nil), "invalid type") {
		return true
	}
	// Methods too: a method whose signature does not resolve makes every
	// implements question unanswerable.
	for _, mt := range []types.Type{t, types.NewPointer(t)} {
		ms := types.NewMethodSet(mt)
		for i := 0; i < ms.Len(); i++ {
			if strings.Contains(types.TypeString(ms.At(i).Type(), nil), "invalid type") {
				return true
			}
		}
	}
	return false
}
