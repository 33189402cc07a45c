package index

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
)

// ConfigFile is the name of the per-module configuration file.
const ConfigFile = ".plugin-lsp.yaml"

const configName = ConfigFile

// fileKind says how a file is extracted.
type fileKind uint8

const (
	kindGo fileKind = iota + 1
	kindGoMod
	kindGoWork
	kindManifest
	kindScript // Makefile, *.mk, *.sh
	kindConfig
	kindMention // config files naming plugins (mentions.go)
)

// fileEntry is one indexed file of a snapshot. Entries are immutable and
// shared between snapshots until their file changes.
type fileEntry struct {
	kind fileKind
	// sum and size fingerprint the text the entry was made from (overlay or
	// disk): Snapshot.Content returns text only when it still matches, so a
	// query never mixes this entry's facts with newer bytes. sum sits in
	// kind's padding: entries stay 48 bytes.
	sum   uint32
	facts *FileFacts // kindGo
	other any        // *Manifest, []BuildCommand, *Config
	size  int64
	// modTime (UnixNano) of a Go file read from disk during Build, for the
	// disk cache; 0 otherwise.
	modTime int64
}

type foundFile struct {
	path string
	kind fileKind
}

// workspace is the module layout of the roots. It changes only when a
// go.mod, go.work or .plugin-lsp.yaml changes (or roots do).
type workspace struct {
	roots   []string
	modules []*Module       // sorted by Dir
	modDirs map[string]bool // every directory with a go.mod (used or not)
	byDir   map[string]*Module
	// cmdDirs are parents of testdata roots: their Go files are read for
	// build commands only (Go's tests build plugins from testdata that way).
	cmdDirs map[string]bool
	// problems are directories and files discovery could not read.
	problems []Problem
	// deps are the dependency modules read for this workspace (depmodules.go);
	// their directories are in byDir and modDirs, not in modules.
	deps *depSet
}

func numCPU() int { return runtime.GOMAXPROCS(0) }

// skipDir reports whether the go tool ignores a directory name.
func skipDir(name string) bool {
	return name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// kindOf classifies a file by name; ok is false for files we ignore.
func kindOf(name string) (fileKind, bool) {
	switch {
	case strings.HasSuffix(name, ".go"):
		return kindGo, true
	case name == "go.mod":
		return kindGoMod, true
	case name == "go.work":
		return kindGoWork, true
	case name == "plugin-manifest.yaml" || name == "plugin-manifest.yml":
		return kindManifest, true
	case name == "Makefile" || name == "makefile" || name == "GNUmakefile" || strings.HasSuffix(name, ".mk") || strings.HasSuffix(name, ".sh"):
		return kindScript, true
	case name == configName:
		return kindConfig, true
	case isMentionFile(name):
		return kindMention, true
	}
	return 0, false
}

// discover walks the roots: modules from go.work (its use list) or from
// every go.mod; files of interest. A root with no module of its own, inside
// testdata or outside any module, is indexed as a module whose path is
// inferred from its imports (Go's testplugin testdata is such a root).
func discover(roots []string, read func(string) ([]byte, error)) (*workspace, []foundFile) {
	ws := &workspace{roots: roots, modDirs: map[string]bool{}, byDir: map[string]*Module{}, cmdDirs: map[string]bool{}}
	var found []foundFile
	seen := map[string]bool{}
	var workUse []*Module
	for _, root := range roots {
		var rootFiles []foundFile
		hasMod := false
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				ws.walkProblem(p, err)
				return nil
			}
			if d.IsDir() {
				if p != root && skipDir(d.Name()) {
					return filepath.SkipDir
				}
				return nil
			}
			k, ok := kindOf(d.Name())
			if !ok || seen[p] {
				return nil
			}
			seen[p] = true
			if k == kindGoMod {
				hasMod = true
				ws.modDirs[filepath.Dir(p)] = true
			}
			if k == kindGoWork && filepath.Dir(p) == root {
				workUse = append(workUse, parseWork(p, read)...)
			}
			rootFiles = append(rootFiles, foundFile{p, k})
			return nil
		})
		found = append(found, rootFiles...)
		if filepath.Base(root) == "testdata" {
			parent := filepath.Dir(root)
			ws.cmdDirs[parent] = true
			if ents, err := os.ReadDir(parent); err == nil {
				for _, e := range ents {
					p := filepath.Join(parent, e.Name())
					if !e.IsDir() && strings.HasSuffix(e.Name(), ".go") && !seen[p] {
						seen[p] = true
						found = append(found, foundFile{p, kindGo})
					}
				}
			}
		}
		if !hasMod {
			if m := enclosingModule(root, read); m != nil {
				ws.add(m)
			} else {
				ws.add(virtualModule(root, rootFiles, read))
			}
		}
	}
	// go.work decides the versions of the modules it uses; every other
	// go.mod under the roots is a module of its own (built with GOWORK=off
	// or from outside the go.work tree), indexed all the same.
	for _, m := range workUse {
		ws.add(m)
	}
	dirs := make([]string, 0, len(ws.modDirs))
	for d := range ws.modDirs {
		if ws.byDir[d] == nil {
			dirs = append(dirs, d)
		}
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		if m := readModule(d, read); m != nil {
			ws.add(m)
		}
	}
	sort.Slice(ws.modules, func(i, j int) bool { return ws.modules[i].Dir < ws.modules[j].Dir })
	for _, m := range ws.modules {
		if b, err := read(filepath.Join(m.Dir, configName)); err == nil {
			m.Config = parseConfig(b)
		} else if se := skippedEntry(filepath.Join(m.Dir, configName), err); se != nil {
			m.Config = &Config{Err: se.other.(*SkipError).Reason, Errors: []ConfigError{{Msg: se.other.(*SkipError).Reason}}}
		}
	}
	// Keep Go files that belong to a workspace module; others are not
	// buildable by the go tool in this workspace.
	out := found[:0]
	for _, f := range found {
		if f.kind == kindGo && ws.moduleFor(f.path) == nil && !ws.cmdDirs[filepath.Dir(f.path)] {
			continue
		}
		out = append(out, f)
	}
	return ws, out
}

func (ws *workspace) add(m *Module) {
	if m == nil || ws.byDir[m.Dir] != nil {
		return
	}
	ws.byDir[m.Dir] = m
	ws.modDirs[m.Dir] = true
	ws.modules = append(ws.modules, m)
}

// moduleFor returns the workspace module a file belongs to: the innermost
// directory with a go.mod (or a virtual module root) above it, nil when
// that module is not part of the workspace.
func (ws *workspace) moduleFor(p string) *Module {
	d := filepath.Dir(p)
	for {
		if ws.modDirs[d] {
			return ws.byDir[d]
		}
		parent := filepath.Dir(d)
		if parent == d {
			return nil
		}
		d = parent
	}
}

// importPath returns the import path of the package in dir.
func (ws *workspace) importPath(dir string) (string, *Module) {
	m := ws.moduleFor(filepath.Join(dir, "x.go"))
	if m == nil {
		return "", nil
	}
	rel, err := filepath.Rel(m.Dir, dir)
	if err != nil {
		return "", m
	}
	rel = filepath.ToSlash(rel)
	switch {
	case rel == ".":
		return m.Path, m
	case m.Path == "std":
		return rel, m
	}
	return m.Path + "/" + rel, m
}

// classify reports whether a path is part of the workspace and its kind.
func (ws *workspace) classify(p string) (fileKind, bool) {
	k, ok := kindOf(filepath.Base(p))
	if !ok {
		return 0, false
	}
	if k == kindGo && ws.cmdDirs[filepath.Dir(p)] {
		return k, true
	}
	for _, root := range ws.roots {
		rel, err := filepath.Rel(root, filepath.Dir(p))
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		if rel != "." {
			skipped := false
			for _, c := range strings.Split(rel, string(filepath.Separator)) {
				if skipDir(c) {
					skipped = true
					break
				}
			}
			if skipped {
				continue
			}
		}
		if k == kindGo && ws.moduleFor(p) == nil {
			return 0, false
		}
		return k, true
	}
	return 0, false
}

// walkFiles lists the files of interest under dir (a new directory).
func (ws *workspace) walkFiles(dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if p != dir && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if _, ok := ws.classify(p); ok {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func readModule(dir string, read func(string) ([]byte, error)) *Module {
	gomod := filepath.Join(dir, "go.mod")
	b, err := read(gomod)
	if err != nil {
		return nil
	}
	m := &Module{Dir: dir, Requires: map[string]string{}, Replaces: map[string]string{}}
	// Parse keeps replace directives (ParseLax, meant for dependencies'
	// go.mod files, drops them); ParseLax still reads a go.mod with newer
	// or unknown statements.
	f, err := modfile.Parse(gomod, b, nil)
	if err != nil {
		f, err = modfile.ParseLax(gomod, b, nil)
	}
	if err != nil || f.Module == nil {
		m.Path = filepath.Base(dir)
		return m
	}
	m.Path = f.Module.Mod.Path
	if f.Go != nil {
		m.GoVersion = f.Go.Version
	}
	if f.Toolchain != nil {
		m.Toolchain = f.Toolchain.Name
	}
	for _, r := range f.Require {
		m.Requires[r.Mod.Path] = r.Mod.Version
	}
	for _, r := range f.Replace {
		if r.New.Version != "" {
			m.Replaces[r.Old.Path] = r.New.Path + "@" + r.New.Version
		} else {
			m.Replaces[r.Old.Path] = r.New.Path
		}
	}
	return m
}

func parseWork(path string, read func(string) ([]byte, error)) []*Module {
	b, err := read(path)
	if err != nil {
		return nil
	}
	wf, err := modfile.ParseWork(path, b, nil)
	if err != nil {
		return nil
	}
	var out []*Module
	for _, u := range wf.Use {
		dir := u.Path
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(filepath.Dir(path), dir)
		}
		if m := readModule(filepath.Clean(dir), read); m != nil {
			m.Work = path
			out = append(out, m)
		}
	}
	return out
}

// enclosingModule returns the module of a go.mod above root when the go
// tool would treat root as part of it (no testdata/vendor/_/. directory in
// between); nil otherwise.
func enclosingModule(root string, read func(string) ([]byte, error)) *Module {
	d := root
	var between []string
	for {
		parent := filepath.Dir(d)
		if parent == d {
			return nil
		}
		between = append(between, filepath.Base(d))
		d = parent
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			for _, c := range between {
				if skipDir(c) {
					return nil
				}
			}
			return readModule(d, read)
		}
	}
}

// virtualModule makes a module of a root without go.mod. Its path is
// inferred from imports that name one of its subdirectories ("testplugin/
// common" with a common/ directory gives "testplugin"); else the root's base
// name.
func virtualModule(root string, files []foundFile, read func(string) ([]byte, error)) *Module {
	m := &Module{Dir: root, Path: filepath.Base(root), Requires: map[string]string{}, Replaces: map[string]string{}}
	votes := map[string]int{}
	fset := token.NewFileSet()
	n := 0
	for _, f := range files {
		if f.kind != kindGo || n >= 200 {
			continue
		}
		n++
		b, err := read(f.path)
		if err != nil {
			continue
		}
		af, _ := parser.ParseFile(fset, f.path, b, parser.ImportsOnly|parser.SkipObjectResolution)
		if af == nil {
			continue
		}
		for _, is := range af.Imports {
			ip, err := strconv.Unquote(is.Path.Value)
			if err != nil {
				continue
			}
			parts := strings.Split(ip, "/")
			for k := 1; k < len(parts); k++ {
				sub := filepath.Join(append([]string{root}, parts[k:]...)...)
				if st, err := os.Stat(sub); err == nil && st.IsDir() {
					votes[strings.Join(parts[:k], "/")]++
					break
				}
			}
		}
	}
	best := 0
	for p, v := range votes {
		if v > best || (v == best && p < m.Path) {
			best, m.Path = v, p
		}
	}
	return m
}
