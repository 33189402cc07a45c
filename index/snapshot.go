package index

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
)

// Snapshot is one immutable state of the index. Every query reads exactly
// one snapshot; updates build the next one and never touch this one. Linked
// data (registries, hosts, plugins, trie) is computed on first use and
// memoised, so an update that nobody queries costs only the re-extraction.
type Snapshot struct {
	gen      uint64
	paths    *interner
	configs  []BuildConfig
	roots    []string
	files    []*fileEntry // indexed by FileID; nil when absent
	overlays map[FileID][]byte
	ws       *workspace // modules and module roots (rebuilt on go.mod/go.work changes)
	// targets are Go files read only because a plugin build command names
	// them outside the workspace walk: Path and Facts work for their IDs
	// (NativePlugin.Files); no package, query or rule sees them otherwise.
	targets map[FileID]*fileEntry
	// cmdPaths are the paths build commands name that existed on disk at
	// the update (commandPaths): linking reads them instead of the disk.
	cmdPaths map[string]bool
	// read reads a file from disk as the Index does (size cap, regular
	// files only); nil in a snapshot not made by an Index.
	read func(string) ([]byte, error)

	linkOnce sync.Once
	l        *linked
	linkErr  error
	linkDone atomic.Bool

	// base is the linked data of an earlier snapshot whose package grouping
	// this one may reuse; changed are the files changed since. Dropped once
	// this snapshot is linked.
	baseMu   sync.Mutex
	base     *linked
	changed  map[FileID]bool
	trieOnce sync.Once
	trie     *Trie

	derived sync.Map // key → *derivedEntry (derived.go)
}

// Generation increases with every snapshot an Index publishes.
func (s *Snapshot) Generation() uint64 { return s.gen }

// Path returns the path of a FileID ("" for an unknown ID).
func (s *Snapshot) Path(id FileID) string { return s.paths.path(id) }

// FileID returns the ID of a path present in this snapshot.
func (s *Snapshot) FileID(path string) (FileID, bool) {
	id, ok := s.paths.lookup(cleanPath(path))
	if !ok || int(id) >= len(s.files) || s.files[id] == nil {
		return 0, false
	}
	return id, true
}

// Files returns every indexed file (Go and others), sorted by path.
func (s *Snapshot) Files() []FileID {
	var out []FileID
	for id, e := range s.files {
		if e != nil && e.kind != kindSkipped {
			out = append(out, FileID(id))
		}
	}
	sort.Slice(out, func(i, j int) bool { return s.Path(out[i]) < s.Path(out[j]) })
	return out
}

// ErrChanged reports that a file no longer holds the text a snapshot
// indexed: its facts and byte offsets describe the old text, so the new
// one is not returned (a later snapshot has it).
var ErrChanged = errors.New("file changed since the snapshot was taken")

// entry returns the entry of a file, a build-command target's included;
// nil for a file the snapshot does not hold.
func (s *Snapshot) entry(id FileID) *fileEntry {
	if int(id) < len(s.files) && s.files[id] != nil {
		return s.files[id]
	}
	return s.targets[id]
}

// Content returns the text this snapshot indexed for a file. The snapshot
// keeps the text of overlays but not of disk files (that would cost more
// memory than the facts): it reads the file again and returns it only if
// it is still the indexed text (same length and checksum), else an error
// wrapping ErrChanged. A query therefore never sees bytes newer than the
// facts and offsets it works with.
func (s *Snapshot) Content(id FileID) ([]byte, error) {
	e := s.entry(id)
	b, ok := s.overlays[id]
	if ok && e == nil {
		return b, nil // an open document the index does not extract
	}
	path := s.Path(id)
	if e == nil || e.kind == kindSkipped {
		return nil, fmt.Errorf("%s: not indexed in this snapshot", path)
	}
	if !ok {
		read := s.read
		if read == nil {
			read = func(p string) ([]byte, error) { return ReadRegular(p, 0) }
		}
		var err error
		if b, err = read(path); err != nil {
			return nil, err
		}
	}
	if !e.matches(b) {
		return nil, fmt.Errorf("%s: %w", path, ErrChanged)
	}
	return b, nil
}

// Lines returns the line index of the text this snapshot indexed for a
// file (see Content).
func (s *Snapshot) Lines(id FileID) (*Lines, error) {
	b, err := s.Content(id)
	if err != nil {
		return nil, err
	}
	return NewLines(b), nil
}

// Position converts a ref's start to a 1-based line and byte column.
func (s *Snapshot) Position(ref SymbolRef) Position {
	return s.OffsetPosition(ref.File, ref.Span.Start)
}

// OffsetPosition converts a byte offset in a file to a 1-based line and
// byte column. A file whose indexed text cannot be had (unreadable, or
// changed since the snapshot: see Content) gives the zero Position: line 0
// means not known, never a line of other text.
func (s *Snapshot) OffsetPosition(id FileID, offset int) Position {
	l, err := s.Lines(id)
	if err != nil {
		return Position{}
	}
	return l.Position(offset)
}

// Facts returns the facts of a Go file, nil for other files.
func (s *Snapshot) Facts(id FileID) *FileFacts {
	if int(id) >= len(s.files) || s.files[id] == nil {
		if e := s.targets[id]; e != nil {
			return e.facts
		}
		return nil
	}
	return s.files[id].facts
}

// Configs returns the build configurations linking is computed for.
func (s *Snapshot) Configs() []BuildConfig { return s.configs }

// Roots returns the workspace roots.
func (s *Snapshot) Roots() []string { return s.roots }

// FileBuilds reports whether a Go file is part of its package under cfg
// (build constraint and _GOOS/_GOARCH name; test files always build).
func (s *Snapshot) FileBuilds(id FileID, cfg BuildConfig) bool {
	f := s.Facts(id)
	if f == nil {
		return false
	}
	return fileMatches(f, cfg)
}

// Modules returns the workspace modules sorted by directory.
func (s *Snapshot) Modules() []*Module { return s.ws.modules }

// Packages returns every package, sorted by import path.
func (s *Snapshot) Packages() []*Package { return s.link().packages }

// Package returns the package with an import path, nil if none.
func (s *Snapshot) Package(importPath string) *Package { return s.link().byPath[importPath] }

// PackageOf returns the package a file belongs to, nil if none.
func (s *Snapshot) PackageOf(id FileID) *Package {
	l := s.link()
	if int(id) >= len(l.byFile) {
		return nil
	}
	return l.byFile[id]
}

// Registries returns every registry, sorted by ID.
func (s *Snapshot) Registries() []*Registry { return s.link().registries }

// Candidates returns the functions registry inference considered, accepted
// or rejected with the reason, in package and file order.
func (s *Snapshot) Candidates() []Candidate { return s.link().candidates }

// Registry returns the registry with an ID, nil if none.
func (s *Snapshot) Registry(id string) *Registry { return s.link().regByID[id] }

// Registrations returns every linked registration, in file and offset order.
func (s *Snapshot) Registrations() []*Registration { return s.link().registrations }

// Lookups returns every linked registry lookup, in file and offset order.
func (s *Snapshot) Lookups() []*Lookup { return s.link().lookups }

// Hosts returns the main packages that are not native plugins (test-only
// main packages excluded), sorted by import path.
func (s *Snapshot) Hosts() []*Host { return s.link().hosts }

// Linked returns the import paths of every workspace package linked into
// host under cfg (the host itself included), sorted. _test.go files never
// contribute imports.
func (s *Snapshot) Linked(h *Host, cfg BuildConfig) []string {
	return s.link().closure(s, h.ImportPath, cfg).sorted()
}

// LinkedSet is Linked as a membership test, without building and sorting
// the list (a keystroke's REG003 asks it for every registration of every
// looked-up registry).
func (s *Snapshot) LinkedSet(h *Host, cfg BuildConfig) func(pkg string) bool {
	return s.link().closure(s, h.ImportPath, cfg).has
}

// Links returns the packages linked into host under cfg that register
// plugins (have non-test registrations), sorted.
func (s *Snapshot) Links(h *Host, cfg BuildConfig) []string {
	l := s.link()
	var out []string
	for _, p := range l.closure(s, h.ImportPath, cfg).sorted() {
		if l.registering[p] {
			out = append(out, p)
		}
	}
	return out
}

// HostsLinking returns the hosts that link a package under cfg.
func (s *Snapshot) HostsLinking(pkgPath string, cfg BuildConfig) []*Host {
	l := s.link()
	var out []*Host
	for _, h := range l.hosts {
		if l.closure(s, h.ImportPath, cfg).has(pkgPath) {
			out = append(out, h)
		}
	}
	return out
}

// ImportChain returns one import path from host to pkg under cfg (host
// first, pkg last), nil when pkg is not linked.
func (s *Snapshot) ImportChain(h *Host, pkgPath string, cfg BuildConfig) []string {
	return s.link().chain(s, h.ImportPath, pkgPath, cfg)
}

// NativePlugins returns the native plugins, sorted by directory.
func (s *Snapshot) NativePlugins() []*NativePlugin { return s.link().natives }

// Opens returns every plugin.Open site.
func (s *Snapshot) Opens() []*OpenSite { return s.link().opens }

// PluginLookups returns every (*plugin.Plugin).Lookup call.
func (s *Snapshot) PluginLookups() []*PluginLookup { return s.link().plookups }

// BuildCommands returns every go build -buildmode=plugin command found.
func (s *Snapshot) BuildCommands() []BuildCommand { return s.link().commands }

// Manifests returns every plugin-manifest.yaml, sorted by path.
func (s *Snapshot) Manifests() []*Manifest { return s.link().manifests }

// Graph returns the plugin dependency graph's edges, sorted.
func (s *Snapshot) Graph() []GraphEdge {
	l := s.link()
	l.graphOnce.Do(func() { l.buildGraph(s) })
	return l.graph
}

// Trie returns the name trie of this snapshot.
func (s *Snapshot) Trie() *Trie {
	s.trieOnce.Do(func() { s.trie = buildTrie(s) })
	return s.trie
}

func (s *Snapshot) link() *linked {
	s.linkOnce.Do(func() {
		defer func() {
			// A bug in linking must not take the server down: the snapshot
			// then answers with no linked data, and the error is kept.
			if r := recover(); r != nil {
				s.l = &linked{byPath: map[string]*Package{}, byDir: map[string]*Package{},
					regByID: map[string]*Registry{}, registering: map[string]bool{}, memo: map[string]pkgSet{}}
				s.linkErr = fmt.Errorf("index: linking failed: %v", r)
			}
		}()
		s.l = linkSnapshot(s)
	})
	if !s.linkDone.Load() {
		s.linkDone.Store(true)
		s.baseMu.Lock()
		s.base, s.changed = nil, nil
		s.baseMu.Unlock()
	}
	return s.l
}

// LinkError reports an internal error of the linking pass (nil normally).
func (s *Snapshot) LinkError() error {
	s.link()
	return s.linkErr
}
