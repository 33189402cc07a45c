package index

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"fmt"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// This file reads the packages the workspace imports from dependency
// modules (go.mod require + replace, resolved in the module cache) through
// the same per-file fact extraction as workspace files, so that their
// registries, wrappers and registrations link like the workspace's own: a
// host that imports github.com/lib/pq links the "postgres" driver it
// registers. Only packages reachable from the workspace's non-test imports
// are read. A module version never changes, so what was read of it is kept
// per module@version, in memory and (with Options.CacheDir) on disk: a warm
// restart reads no file of the module cache. Dependency files never get
// diagnostics (Snapshot.IsDependency).

// maxDepFiles bounds the Go files read from dependency modules per build;
// packages past it count as unknown sources.
const maxDepFiles = 30000

// depCacheVersion changes whenever the per-module cache changes meaning
// (it holds FileFacts: bump it with diskCacheVersion).
const depCacheVersion = diskCacheVersion

// DepCoverage says what dependency reading knew in one snapshot.
type DepCoverage struct {
	// Modules are the dependency modules packages were read from
	// ("path@version"), sorted.
	Modules []string
	// Missing are modules the workspace imports packages of whose source is
	// not in the module cache (or that are replaced by a directory outside
	// the workspace), with the reason: "path@version: not in the module
	// cache".
	Missing []string
	// Unresolved are imported package paths no required module provides.
	Unresolved []string
	// Packages is the number of dependency packages read; Files their Go
	// files.
	Packages, Files int
	// FilesRead is how many of Files were read from the module cache by
	// this Index (0 when every module came from the per-module cache).
	FilesRead int
	// Truncated is set when maxDepFiles stopped the reading.
	Truncated bool
	// Err is why the module cache could not be located ("" normally).
	Err string
}

// depSet is what one workspace (ws.deps) holds of its dependencies.
type depSet struct {
	modules []*Module         // dependency modules read, by path
	files   map[FileID]bool   // their Go files
	pkgs    map[string]bool   // dependency packages read (import paths)
	unknown map[string]string // imported non-std package → why its source is unknown
	partial map[string]string // dependency package read in part → why
	ix      *Index            // for on-demand scans of required modules (depscan.go)
	seen    map[string]bool   // every import path considered, workspace ones included
	cov     DepCoverage
}

// depStore is an Index's memory of dependency modules, by path@version.
// It outlives snapshots: module versions are immutable.
type depStore struct {
	mu       sync.Mutex
	env      *goEnv
	mods     map[string]*depMod              // by directory in the module cache
	scans    map[string][]ModuleRegistration // depscan.go
	read     atomic.Int64                    // Go files read from the module cache, ever
	cacheDir string                          // "" for memory only
}

type goEnv struct {
	modCache string
	err      error
}

// depMod is what is known of one module version.
type depMod struct {
	mu       sync.Mutex
	Requires map[string]string // its go.mod's requirements
	Pkgs     map[string]*depPkg
	loaded   bool // disk cache consulted
	dirty    bool // packages added since loaded
}

// depPkg is one package directory of a module version.
type depPkg struct {
	Missing bool // no such directory (or no Go files)
	Files   []depFile
	Skipped []string // files not read, with the reason
}

type depFile struct {
	Name  string
	Facts *FileFacts // path-independent
	// Sum and Size fingerprint the text read (fileEntry.sum).
	Sum  uint32
	Size int64
}

// depCacheFile is the on-disk form of a depMod.
type depCacheFile struct {
	Version  int
	Requires map[string]string
	Pkgs     map[string]*depPkg
}

// NoDependencies, as Options.ModCache, turns dependency reading off.
const NoDependencies = "off"

// depCacheDir is where dependency facts are kept between runs:
// Options.CacheDir, else (for the real module cache read from the disk) the
// user's cache directory, shared by every workspace: a module version's
// facts are the same everywhere. "" keeps them in memory only.
func depCacheDir(opts Options) string {
	switch {
	case opts.ModCache == NoDependencies:
		return ""
	case opts.CacheDir != "":
		return opts.CacheDir
	case opts.Source != nil || opts.ModCache != "":
		return ""
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "plugin-lsp")
	}
	return ""
}

// newDepStore returns the dependency memory of an Index. Module versions
// never change, so their facts are kept on disk under cacheDir ("" keeps
// them in memory only).
func newDepStore(cacheDir string) *depStore {
	return &depStore{mods: map[string]*depMod{}, cacheDir: cacheDir}
}

// modCache returns the module cache directory: Options.ModCache, else
// `go env GOMODCACHE` run once with GOTOOLCHAIN=local (never downloads a
// toolchain) outside any module.
func (ix *Index) modCache() (string, error) {
	if ix.opts.ModCache != "" {
		return ix.opts.ModCache, nil
	}
	st := ix.deps
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.env == nil {
		cmd := exec.Command("go", "env", "GOMODCACHE")
		cmd.Dir = os.TempDir()
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOWORK=off", "GOFLAGS=-mod=mod")
		out, err := cmd.Output()
		dir := strings.TrimSpace(string(out))
		if err == nil && dir == "" {
			err = fmt.Errorf("empty GOMODCACHE")
		}
		if err != nil {
			err = fmt.Errorf("go env GOMODCACHE: %w", err)
		}
		st.env = &goEnv{modCache: dir, err: err}
	}
	return st.env.modCache, st.env.err
}

// isStdPath reports whether an import path belongs to the standard library
// (no dot in its first element, as the go command reserves them) or is a
// pseudo-package.
func isStdPath(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

// depTarget is where the source of one dependency module version lives.
type depTarget struct {
	path    string // module path as imported
	version string
	dir     string // absolute directory in the module cache
	key     string // "srcpath@version" (the replacement's when replaced), for messages
	// cacheKey names the module version in the depStore and on disk: its
	// directory in the module cache (which names the cache and the
	// version), or a vendor directory with the version.
	cacheKey string
	unknown  string // why the source is unknown ("" when dir is usable)
}

// readDeps reads the dependency packages the workspace's files import
// (transitively), adds their files to files (returned, maybe grown) and
// records the dependency modules in ws. Callers own ws (not yet published).
func (ix *Index) readDeps(ctx context.Context, ws *workspace, files []*fileEntry) []*fileEntry {
	ds := &depSet{files: map[FileID]bool{}, pkgs: map[string]bool{}, unknown: map[string]string{}, partial: map[string]string{}, ix: ix}
	ws.deps = ds
	if !ix.depsEnabled() {
		return files
	}
	wsPaths := map[string]bool{}
	for _, e := range files {
		if e != nil && e.facts != nil {
			if ip, m := ws.importPath(e.facts.dir()); m != nil {
				wsPaths[ip] = true
			}
		}
	}
	wsMods := map[string]bool{}
	for _, m := range ws.modules {
		wsMods[m.Path] = true
	}
	var frontier []string
	seen := maps.Clone(wsPaths)
	ds.seen = seen
	enqueue := func(f *FileFacts) {
		if f.IsTest || !ix.buildsAnywhere(f) {
			return
		}
		for _, im := range f.Imports {
			p := im.Path
			if seen[p] || wsPaths[p] || isStdPath(p) {
				continue
			}
			seen[p] = true
			frontier = append(frontier, p)
		}
	}
	for _, e := range files {
		if e != nil && e.facts != nil {
			enqueue(e.facts)
		}
	}
	if len(frontier) == 0 {
		return files
	}
	modCache, err := ix.modCache()
	if err != nil {
		ds.cov.Err = err.Error()
		for _, p := range frontier {
			ds.unknown[p] = "module cache unknown"
		}
		return files
	}
	// One version per module path: the highest any workspace build selects.
	build := map[string]string{}
	for _, m := range ws.modules {
		for p, v := range ws.buildVersions(m, false) {
			if old, ok := build[p]; !ok || strings.HasPrefix(old, "v") && strings.HasPrefix(v, "v") && semver.Compare(v, old) > 0 {
				build[p] = v
			}
		}
	}
	targets := map[string]*depTarget{} // module path → target
	vendor := ix.vendoredModules(ws)
	mods := map[string]*Module{}
	total := 0
	var readPkgs []*depPkgRead
	byImporter := map[string]*depMod{} // import path → module of a dependency package importing it
	for len(frontier) > 0 && ctx.Err() == nil {
		sort.Strings(frontier)
		var level []*depPkgRead
		for _, ip := range frontier {
			if mp, vd := longestVendored(vendor, ip); mp != "" {
				t := targets[mp]
				if t == nil {
					t = &depTarget{path: mp, version: vd.version, dir: filepath.Join(vd.root, filepath.FromSlash(mp)),
						key: mp + "@" + vd.version + " (vendored)"}
					t.cacheKey = t.dir + "@" + vd.version
					targets[mp] = t
				}
				rel := "."
				if ip != mp {
					rel = ip[len(mp)+1:]
				}
				level = append(level, &depPkgRead{ip: ip, t: t, rel: rel})
				continue
			}
			mp, v := longestModule(build, ip)
			if mp == "" {
				if dm := byImporter[ip]; dm != nil {
					mp, v = longestModule(dm.Requires, ip)
				}
			}
			if mp == "" {
				ds.unknown[ip] = "no required module provides it"
				ds.cov.Unresolved = append(ds.cov.Unresolved, ip)
				continue
			}
			if wsMods[mp] {
				continue // a workspace module's package the walk did not index (a testdata or excluded directory)
			}
			t := targets[mp]
			if t == nil {
				t = ix.depTarget(ws, modCache, mp, v)
				targets[mp] = t
			}
			if t.unknown != "" {
				ds.unknown[ip] = t.unknown
				continue
			}
			rel := "."
			if ip != mp {
				rel = ip[len(mp)+1:]
			}
			level = append(level, &depPkgRead{ip: ip, t: t, rel: rel})
		}
		frontier = nil
		ix.readPkgLevel(ctx, level)
		for _, pr := range level {
			p := pr.result
			if p == nil || p.Missing {
				if ctx.Err() == nil {
					ds.unknown[pr.ip] = "no such package in " + pr.t.key
				}
				continue
			}
			if total+len(p.Files) > maxDepFiles {
				ds.cov.Truncated = true
				ds.unknown[pr.ip] = "dependency file limit reached"
				continue
			}
			total += len(p.Files)
			readPkgs = append(readPkgs, pr)
			ds.pkgs[pr.ip] = true
			if len(p.Skipped) > 0 {
				ds.partial[pr.ip] = "files skipped: " + strings.Join(p.Skipped, "; ")
			}
			for _, f := range p.Files {
				if f.Facts.IsTest || !ix.buildsAnywhere(f.Facts) {
					continue
				}
				for _, im := range f.Facts.Imports {
					q := im.Path
					if seen[q] || wsPaths[q] || isStdPath(q) {
						continue
					}
					seen[q] = true
					frontier = append(frontier, q)
					byImporter[q] = pr.from
				}
			}
		}
	}
	// Files and modules of the packages read.
	for _, pr := range readPkgs {
		t := pr.t
		m := mods[t.path]
		if m == nil {
			m = &Module{Path: t.path, Dir: t.dir, Version: t.version, Dep: true,
				Requires: map[string]string{}, Replaces: map[string]string{}}
			if dm := ix.depModFor(t); dm != nil {
				m.Requires = dm.Requires
			}
			mods[t.path] = m
			ds.modules = append(ds.modules, m)
			ws.byDir[m.Dir] = m
			ws.modDirs[m.Dir] = true
			ds.cov.Modules = append(ds.cov.Modules, t.key)
		}
		dir := filepath.Join(t.dir, filepath.FromSlash(pr.rel))
		ds.cov.Packages++
		for _, f := range pr.result.Files {
			path := filepath.Join(dir, f.Name)
			id := ix.paths.intern(path)
			if int(id) >= len(files) {
				files = append(files, make([]*fileEntry, int(id)+1-len(files))...)
			}
			files[id] = &fileEntry{kind: kindGo, facts: f.Facts.forPath(id, path), sum: f.Sum, size: f.Size}
			ds.files[id] = true
			ds.cov.Files++
		}
	}
	for _, t := range targets {
		if t.unknown != "" && !strings.HasPrefix(t.unknown, "replaced by a workspace") {
			ds.cov.Missing = append(ds.cov.Missing, t.path+"@"+t.version+": "+t.unknown)
		}
	}
	sort.Slice(ds.modules, func(i, j int) bool { return ds.modules[i].Path < ds.modules[j].Path })
	sort.Strings(ds.cov.Modules)
	sort.Strings(ds.cov.Missing)
	sort.Strings(ds.cov.Unresolved)
	ds.cov.FilesRead = int(ix.deps.read.Load())
	ix.saveDeps()
	return files
}

// depsAfterEdit re-reads the dependencies when changed workspace files
// import a package dependency reading has not considered (an import added
// in the editor): it returns a new workspace and files (the inputs are
// shared with published snapshots and left alone), or nil when nothing is
// new. Module versions read before come from memory.
func (ix *Index) depsAfterEdit(ws *workspace, files []*fileEntry, changed map[FileID]bool) (*workspace, []*fileEntry) {
	ds := ws.deps
	if ds == nil || ds.seen == nil { // nil: dependency reading is off
		return nil, nil
	}
	fresh := false
	for id := range changed {
		if int(id) >= len(files) || files[id] == nil || files[id].facts == nil || ds.files[id] {
			continue
		}
		f := files[id].facts
		if f.IsTest {
			continue
		}
		for _, im := range f.Imports {
			if !isStdPath(im.Path) && !ds.seen[im.Path] {
				fresh = true
			}
		}
	}
	if !fresh {
		return nil, nil
	}
	nws := *ws
	nws.byDir, nws.modDirs = maps.Clone(ws.byDir), maps.Clone(ws.modDirs)
	for _, m := range ds.modules {
		delete(nws.byDir, m.Dir)
		delete(nws.modDirs, m.Dir)
	}
	nf := slices.Clone(files)
	for id := range ds.files {
		if int(id) < len(nf) {
			nf[id] = nil
		}
	}
	nf = ix.readDeps(context.Background(), &nws, nf)
	return &nws, nf
}

// depsEnabled reports whether dependency modules are read: not with
// ModCache NoDependencies, nor with a Source of its own and no explicit
// module cache (tools that give their own files do not want the disk's).
func (ix *Index) depsEnabled() bool {
	return ix.opts.ModCache != NoDependencies && (ix.opts.Source == nil || ix.opts.ModCache != "")
}

// buildsAnywhere reports whether some configuration of the Index builds f.
func (ix *Index) buildsAnywhere(f *FileFacts) bool {
	if len(ix.opts.Configs) == 0 {
		return true
	}
	for _, cfg := range ix.opts.Configs {
		if fileMatches(f, cfg) {
			return true
		}
	}
	return false
}

// vendorDir is a module vendored by a workspace module.
type vendorDir struct {
	root    string // the vendor directory
	version string
}

// vendoredModules returns the modules workspace modules vendor
// (vendor/modules.txt), which the go command builds from instead of the
// module cache: for modules outside any go.work (a go.work ignores module
// vendor directories), unless GOFLAGS says -mod=mod or -mod=readonly.
func (ix *Index) vendoredModules(ws *workspace) map[string]vendorDir {
	if f := os.Getenv("GOFLAGS"); strings.Contains(f, "-mod=mod") || strings.Contains(f, "-mod=readonly") {
		return nil
	}
	var out map[string]vendorDir
	for _, m := range ws.modules {
		if m.Work != "" {
			continue
		}
		root := filepath.Join(m.Dir, "vendor")
		b, err := ix.readDep(filepath.Join(root, "modules.txt"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) < 3 || f[0] != "#" {
				continue
			}
			v := f[2]
			if v == "=>" {
				v = "local"
			}
			if out == nil {
				out = map[string]vendorDir{}
			}
			if _, ok := out[f[1]]; !ok {
				out[f[1]] = vendorDir{root: root, version: v}
			}
		}
	}
	return out
}

func longestVendored(vendor map[string]vendorDir, ip string) (string, vendorDir) {
	if len(vendor) == 0 {
		return "", vendorDir{}
	}
	for p := ip; ; {
		if v, ok := vendor[p]; ok {
			return p, v
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return "", vendorDir{}
		}
		p = p[:i]
	}
}

// longestModule returns the module of a build list that provides an import
// path (the longest module path that is a prefix of it).
func longestModule(build map[string]string, ip string) (string, string) {
	for p := ip; ; {
		if ver, ok := build[p]; ok {
			return p, ver
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return "", ""
		}
		p = p[:i]
	}
}

// depTarget locates a module version's source.
func (ix *Index) depTarget(ws *workspace, modCache, mp, v string) *depTarget {
	t := &depTarget{path: mp, version: v, key: mp + "@" + v}
	src := mp
	if r, ok := strings.CutPrefix(v, "replaced:"); ok {
		np, nv, hasVer := strings.Cut(r, "@")
		if !hasVer {
			// A local directory: the workspace's own module, or a tree whose
			// content changes (not cached by version).
			for _, m := range ws.modules {
				if d := filepath.Join(m.Dir, r); ws.byDir[filepath.Clean(d)] != nil || filepath.IsAbs(r) && ws.byDir[filepath.Clean(r)] != nil {
					t.unknown = "replaced by a workspace module"
					return t
				}
			}
			t.unknown = "replaced by " + r + ", a directory outside the workspace"
			return t
		}
		src, t.version, t.key = np, nv, np+"@"+nv
	}
	ep, err := module.EscapePath(src)
	if err != nil {
		t.unknown = "invalid module path"
		return t
	}
	ev, err := module.EscapeVersion(t.version)
	if err != nil {
		t.unknown = "invalid version " + t.version
		return t
	}
	t.dir = filepath.Join(modCache, filepath.FromSlash(ep)+"@"+ev)
	t.cacheKey = t.dir
	if st, err := os.Stat(t.dir); err != nil || !st.IsDir() {
		if dm := ix.cachedDepMod(t.cacheKey); dm == nil {
			t.unknown = "not in the module cache"
		}
	}
	return t
}

// cachedDepMod returns what is known of a module version in memory or in
// the disk cache, nil when nothing. Module versions are keyed by their
// directory in the module cache, which names the cache and the version.
func (ix *Index) cachedDepMod(key string) *depMod {
	st := ix.deps
	st.mu.Lock()
	defer st.mu.Unlock()
	dm := st.mods[key]
	if dm == nil && st.cacheDir != "" {
		dm = loadDepMod(st.cacheDir, key, ix.opts.Configs)
		if dm != nil {
			st.mods[key] = dm
		}
	}
	return dm
}

// depModFor returns the depMod of a target, creating it (and reading its
// go.mod once) when new.
func (ix *Index) depModFor(t *depTarget) *depMod {
	st := ix.deps
	st.mu.Lock()
	dm := st.mods[t.cacheKey]
	if dm == nil && st.cacheDir != "" {
		dm = loadDepMod(st.cacheDir, t.cacheKey, ix.opts.Configs)
	}
	if dm == nil {
		dm = &depMod{Pkgs: map[string]*depPkg{}, Requires: map[string]string{}, loaded: true, dirty: true}
		if b, err := ix.readDep(filepath.Join(t.dir, "go.mod")); err == nil {
			if f, err := modfile.ParseLax("go.mod", b, nil); err == nil {
				for _, r := range f.Require {
					dm.Requires[r.Mod.Path] = r.Mod.Version
				}
			}
		}
	}
	st.mods[t.cacheKey] = dm
	st.mu.Unlock()
	return dm
}

// depPkgRead is one dependency package to read.
type depPkgRead struct {
	ip     string
	t      *depTarget
	rel    string // directory relative to the module root, slash-separated
	result *depPkg
	from   *depMod // the package's module, for its go.mod requirements
}

// readPkgLevel reads the packages of one breadth-first level in parallel.
func (ix *Index) readPkgLevel(ctx context.Context, level []*depPkgRead) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < max(1, min(8, numCPU())); w++ {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(level) {
					return
				}
				pr := level[i]
				pr.from = ix.depModFor(pr.t)
				pr.result = ix.readPkg(pr.t, pr.from, pr.rel)
			}
		})
	}
	wg.Wait()
}

// readPkg returns one package of a module version: from memory, the disk
// cache, or the module cache (extracting every non-test Go file).
func (ix *Index) readPkg(t *depTarget, dm *depMod, rel string) *depPkg {
	dm.mu.Lock()
	p := dm.Pkgs[rel]
	dm.mu.Unlock()
	if p != nil {
		return p
	}
	p = &depPkg{}
	dir := filepath.Join(t.dir, filepath.FromSlash(rel))
	ents, err := os.ReadDir(dir)
	if err != nil {
		p.Missing = true
	}
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") || n[0] == '.' || n[0] == '_' {
			continue
		}
		// A file no configuration builds never links: not even read when
		// its name says so (x/sys/unix has hundreds of GOOS_GOARCH files).
		probe := &FileFacts{}
		probe.NameGOOS, probe.NameGOARCH = fileNameConstraint(n)
		if !ix.buildsAnywhere(probe) {
			continue
		}
		b, err := ix.readDep(filepath.Join(dir, n))
		if err == nil {
			err = checkFactCap(filepath.Join(dir, n), b)
		}
		if err != nil {
			// Not regular, over the size cap, unreadable: the package is
			// not fully known.
			p.Skipped = append(p.Skipped, err.Error())
			continue
		}
		ix.deps.read.Add(1)
		if c := goBuildLine(b); c != "" {
			if x, err := constraint.Parse("//go:build " + c); err == nil {
				probe.expr = x
				if !ix.buildsAnywhere(probe) {
					continue
				}
			}
		}
		var f *FileFacts
		if generatedTable(b) {
			f = extractImports(b)
		} else {
			f = extractGo(b)
		}
		stripDepFacts(f)
		p.Files = append(p.Files, depFile{Name: n, Facts: f, Sum: contentSum(b), Size: int64(len(b))})
	}
	if len(p.Files) == 0 {
		p.Missing = true
	}
	dm.mu.Lock()
	if q := dm.Pkgs[rel]; q != nil {
		p = q
	} else {
		dm.Pkgs[rel] = p
		dm.dirty = true
	}
	dm.mu.Unlock()
	return p
}

// generatedRE matches the line go generate tools write at the top.
var generatedRE = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`)

// generatedTable reports whether a dependency file is generated code with no
// init function: syscall tables, error lists, API manifests (x/sys/unix,
// x/sys/windows, x/tools/internal/stdlib: most of a typical dependency
// closure's bytes), which register nothing. Only their imports count.
func generatedTable(b []byte) bool {
	head := b[:min(len(b), 2048)]
	return generatedRE.Match(head) && !bytes.Contains(b, []byte("func init()"))
}

// extractImports returns the package clause, build constraint and imports
// of a file.
func extractImports(src []byte) *FileFacts {
	f := &FileFacts{Constraint: goBuildLine(src)}
	if f.Constraint != "" {
		if e, err := constraint.Parse("//go:build " + f.Constraint); err == nil {
			f.expr = e
		}
	}
	fset := token.NewFileSet()
	af, err := parser.ParseFile(fset, "", src, parser.ImportsOnly|parser.SkipObjectResolution)
	if err != nil {
		f.ParseErr = firstLine(err.Error())
	}
	if af == nil || af.Name == nil {
		return f
	}
	f.Package = af.Name.Name
	for _, is := range af.Imports {
		p, err := strconv.Unquote(is.Path.Value)
		if err != nil {
			continue
		}
		im := Import{Path: p}
		if is.Name != nil {
			im.Name = is.Name.Name
			im.Blank = im.Name == "_"
		}
		f.Imports = append(f.Imports, im)
	}
	return f
}

// readDep reads a file of a dependency module as workspace files are read:
// regular files within the size cap only, symlinks only into the roots or
// the module cache.
func (ix *Index) readDep(path string) ([]byte, error) {
	return ix.guard.Load().read(path, nil)
}

// stripDepFacts drops what only workspace code needs: native plugin sites
// and build commands of a dependency are not the workspace's.
func stripDepFacts(f *FileFacts) {
	f.Opens, f.PLookups, f.Commands = nil, nil, nil
	f.Symbols = slices.DeleteFunc(f.Symbols, func(s Symbol) bool { return !s.Exported && s.Kind != SymType })
}

// depCachePath names the cache file of a module version. What is kept of
// it depends on the build configurations (files none builds are left out),
// so they are part of the key.
func depCachePath(dir, key string, configs []BuildConfig) string {
	var cs []string
	for _, c := range configs {
		cs = append(cs, c.String())
	}
	h := sha256.Sum256([]byte(buildStamp() + "\x00" + key + "\x00" + strings.Join(cs, ",")))
	return filepath.Join(dir, "deps", fmt.Sprintf("v%d-%x.gob", depCacheVersion, h[:12]))
}

func loadDepMod(dir, key string, configs []BuildConfig) *depMod {
	b, err := os.ReadFile(depCachePath(dir, key, configs))
	if err != nil {
		return nil
	}
	var c depCacheFile
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&c); err != nil || c.Version != depCacheVersion {
		return nil
	}
	for _, p := range c.Pkgs {
		for _, f := range p.Files {
			if f.Facts != nil && f.Facts.Constraint != "" {
				if x, err := constraint.Parse("//go:build " + f.Facts.Constraint); err == nil {
					f.Facts.expr = x
				}
			}
		}
	}
	if c.Requires == nil {
		c.Requires = map[string]string{}
	}
	if c.Pkgs == nil {
		c.Pkgs = map[string]*depPkg{}
	}
	return &depMod{Requires: c.Requires, Pkgs: c.Pkgs, loaded: true}
}

// saveDeps writes the module versions that gained packages, one file each.
func (ix *Index) saveDeps() {
	st := ix.deps
	if st.cacheDir == "" {
		return
	}
	st.mu.Lock()
	keys := make([]string, 0, len(st.mods))
	for k, dm := range st.mods {
		if dm.dirty {
			keys = append(keys, k)
		}
	}
	st.mu.Unlock()
	sort.Strings(keys)
	for _, k := range keys {
		st.mu.Lock()
		dm := st.mods[k]
		st.mu.Unlock()
		dm.mu.Lock()
		c := depCacheFile{Version: depCacheVersion, Requires: dm.Requires, Pkgs: maps.Clone(dm.Pkgs)}
		dm.dirty = false
		dm.mu.Unlock()
		if err := writeGob(depCachePath(st.cacheDir, k, ix.opts.Configs), c); err != nil {
			ix.logf("%v", err)
		}
	}
}

// writeGob writes v to path atomically.
func writeGob(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("index dependency cache: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "dep-*.tmp")
	if err != nil {
		return fmt.Errorf("index dependency cache: %w", err)
	}
	w := bufio.NewWriter(tmp)
	err = gob.NewEncoder(w).Encode(v)
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("index dependency cache: %w", err)
	}
	return nil
}
