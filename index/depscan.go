package index

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/module"
)

// This file finds registrations in required modules that the workspace
// does not import (so dependency reading never read them): the packages a
// quick fix could blank-import ("github.com/lib/pq registers driver
// "postgres""). It runs on demand, when a rule needs it, and its answers are
// kept per module version and function set.

// maxScanFiles bounds the Go files looked at per module version.
const maxScanFiles = 4000

// ModuleRegistration is a registration found in a required module's source.
type ModuleRegistration struct {
	Func    string // the register function called, "pkgpath.Func"
	Name    string // the constant name registered
	Package string // import path of the registering package
	Module  string // "path@version"
}

// RequiredRegistrations scans the modules m's build selects (its go.mod or
// go.work requirements, found in the module cache) for non-test
// registrations through funcs (register function ID → index of its name
// argument) with a constant name. Internal, testdata, example and command
// directories are left out: nothing could import them for their side
// effects. Nothing is reported for modules missing from the module cache.
func (s *Snapshot) RequiredRegistrations(m *Module, funcs map[string]int) []ModuleRegistration {
	ds := s.ws.deps
	if ds == nil || ds.ix == nil || !ds.ix.depsEnabled() || m == nil || len(funcs) == 0 {
		return nil
	}
	modCache, err := ds.ix.modCache()
	if err != nil {
		return nil
	}
	var names []string
	for fn := range funcs {
		names = append(names, fn+"#"+strconv.Itoa(funcs[fn]))
	}
	sort.Strings(names)
	key := strings.Join(names, ",")
	vers := s.ws.buildVersions(m, false)
	// Registrations can only come from modules that import the register
	// functions' packages: a standard-library registry's from any module, a
	// registry module's from itself and the modules that require it.
	var regMods []string
	for fn := range funcs {
		if pkg := pkgOfID(fn); !isStdPath(pkg) {
			mp, _ := longestModule(vers, pkg)
			if mp == "" {
				return nil
			}
			regMods = append(regMods, mp)
		} else {
			regMods = nil
			break
		}
	}
	paths := make([]string, 0, len(vers))
	for p := range vers {
		if len(regMods) == 0 || slices.Contains(regMods, p) || ds.ix.requiresAny(modCache, p, vers[p], regMods) {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	var out []ModuleRegistration
	for _, mp := range paths {
		v := vers[mp]
		if !strings.HasPrefix(v, "v") {
			continue // replaced: not a module version
		}
		ep, err1 := module.EscapePath(mp)
		ev, err2 := module.EscapeVersion(v)
		if err1 != nil || err2 != nil {
			continue
		}
		dir := filepath.Join(modCache, filepath.FromSlash(ep)+"@"+ev)
		out = append(out, ds.ix.scanModule(dir, mp, v, key, funcs)...)
	}
	return out
}

// requiresAny reports whether the go.mod of module mp@v in the module cache
// requires one of mods.
func (ix *Index) requiresAny(modCache, mp, v string, mods []string) bool {
	if !strings.HasPrefix(v, "v") {
		return false
	}
	ep, err1 := module.EscapePath(mp)
	ev, err2 := module.EscapeVersion(v)
	if err1 != nil || err2 != nil {
		return false
	}
	t := &depTarget{path: mp, version: v, dir: filepath.Join(modCache, filepath.FromSlash(ep)+"@"+ev)}
	t.cacheKey = t.dir
	if _, err := os.Stat(t.dir); err != nil && ix.cachedDepMod(t.cacheKey) == nil {
		return false
	}
	dm := ix.depModFor(t)
	for _, r := range mods {
		if _, ok := dm.Requires[r]; ok {
			return true
		}
	}
	return false
}

// scanModule finds the registrations of one module version, memoised.
func (ix *Index) scanModule(dir, mp, v, key string, funcs map[string]int) []ModuleRegistration {
	st := ix.deps
	memoKey := dir + "\x00" + key
	st.mu.Lock()
	if st.scans == nil {
		st.scans = map[string][]ModuleRegistration{}
	}
	if r, ok := st.scans[memoKey]; ok {
		st.mu.Unlock()
		return r
	}
	st.mu.Unlock()
	var words, imports [][]byte
	for fn := range funcs {
		words = append(words, []byte(fn[strings.LastIndexByte(fn, '.')+1:]+"("))
		imports = append(imports, []byte(strconv.Quote(pkgOfID(fn))))
	}
	var out []ModuleRegistration
	n := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p != dir && (skipDir(name) || name == "internal" || name == "cmd" || strings.HasPrefix(name, "example")) {
				return filepath.SkipDir
			}
			if p != dir {
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
					return filepath.SkipDir // a nested module
				}
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || n >= maxScanFiles {
			return nil
		}
		probe := &FileFacts{}
		probe.NameGOOS, probe.NameGOARCH = fileNameConstraint(name)
		if !ix.buildsAnywhere(probe) {
			return nil
		}
		n++
		b, err := ix.readDep(p)
		if err != nil || !containsAny(b, words) || !containsAny(b, imports) {
			return nil
		}
		f := extractGo(b)
		if f.Package == "main" || !ix.buildsAnywhere(f) {
			return nil
		}
		rel, _ := filepath.Rel(dir, filepath.Dir(p))
		pkg := mp
		if rel != "." {
			pkg += "/" + filepath.ToSlash(rel)
		}
		for _, c := range f.Calls {
			if c.Pkg == "" {
				continue
			}
			ip := ""
			for _, im := range f.Imports {
				if !im.Blank && qualifier(im.Path, im.Name) == c.Pkg {
					ip = im.Path
				}
			}
			fn := ip + "." + c.Func
			arg, ok := funcs[fn]
			if !ok || arg >= len(c.Args) {
				continue
			}
			a := c.Args[arg]
			name := ""
			if a.IsLit {
				name = a.Lit
			} else {
				for _, k := range f.Consts {
					if k.Name == a.Expr && k.Ref == "" {
						name = k.Value
					}
				}
			}
			if name != "" {
				out = append(out, ModuleRegistration{Func: fn, Name: name, Package: pkg, Module: mp + "@" + v})
			}
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Package != out[j].Package {
			return out[i].Package < out[j].Package
		}
		return out[i].Name < out[j].Name
	})
	st.mu.Lock()
	st.scans[memoKey] = out
	st.mu.Unlock()
	return out
}
