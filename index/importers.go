package index

import (
	"hash/fnv"
	"sort"
	"sync"
)

// importGraph is the reverse import graph of one snapshot: which Go files
// import a path. It depends only on each file's imports and test-ness, so a
// snapshot whose changed files kept their imports (almost every keystroke)
// shares its predecessor's graph instead of walking 10k files again.
// Immutable once built.
type importGraph struct {
	sig    []uint64            // per FileID: hash of test-ness and import paths (0: no Go facts)
	byPath map[string][]FileID // non-test files importing a path, sorted by file path
	byTest map[string][]FileID // _test.go files importing a path, sorted by file path
}

// importState is the lazily computed import graph of a linked snapshot and
// what it may be derived from.
type importState struct {
	once    sync.Once
	g       *importGraph
	base    *importGraph    // the previous linked snapshot's graph, if it was computed
	changed map[FileID]bool // files changed since base
	mu      sync.Mutex      // guards g for Done
	done    *importGraph    // g, published for the next snapshot
}

// importSig hashes what the import graph reads of a file.
func importSig(f *FileFacts) uint64 {
	if f == nil {
		return 0
	}
	h := fnv.New64a()
	if f.IsTest {
		h.Write([]byte{1})
	} else {
		h.Write([]byte{2})
	}
	for _, im := range f.Imports {
		h.Write([]byte(im.Path))
		h.Write([]byte{0})
	}
	if s := h.Sum64(); s != 0 {
		return s
	}
	return 1
}

// computed returns the graph if it was built, without building it.
func (st *importState) computed() *importGraph {
	if st == nil {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.done
}

// importGraphOf returns the snapshot's import graph, built on first use:
// the predecessor's when no changed file changed its imports, else from
// every file's facts.
func (s *Snapshot) importGraphOf() *importGraph {
	l := s.link()
	st := &l.imports
	st.once.Do(func() {
		g := st.base
		if g != nil {
			for id := range st.changed {
				var f *FileFacts
				if int(id) < len(s.files) && s.files[id] != nil {
					f = s.files[id].facts
				}
				var old uint64
				if int(id) < len(g.sig) {
					old = g.sig[id]
				}
				if importSig(f) != old {
					g = nil
					break
				}
			}
		}
		if g == nil {
			g = buildImportGraph(s)
		}
		st.g = g
		st.base, st.changed = nil, nil
		st.mu.Lock()
		st.done = g
		st.mu.Unlock()
	})
	return st.g
}

func buildImportGraph(s *Snapshot) *importGraph {
	g := &importGraph{sig: make([]uint64, len(s.files)), byPath: map[string][]FileID{}, byTest: map[string][]FileID{}}
	for id, e := range s.files {
		if e == nil || e.facts == nil {
			continue
		}
		f := e.facts
		g.sig[id] = importSig(f)
		m := g.byPath
		if f.IsTest {
			m = g.byTest
		}
		for _, im := range f.Imports {
			m[im.Path] = append(m[im.Path], FileID(id))
		}
	}
	for _, m := range []map[string][]FileID{g.byPath, g.byTest} {
		for _, ids := range m {
			if len(ids) > 1 {
				sort.Slice(ids, func(i, j int) bool { return s.Path(ids[i]) < s.Path(ids[j]) })
			}
		}
	}
	return g
}

// Importers returns the non-test Go files that import a path, sorted by
// file path. Computed once per snapshot and shared with later snapshots
// while no file changes its imports: do not modify the result.
func (s *Snapshot) Importers(importPath string) []FileID {
	return s.importGraphOf().byPath[importPath]
}

// TestImports calls fn for every import path that some _test.go file
// imports, with those files sorted by path (in no particular order of
// paths). Shared like Importers: do not modify the slices.
func (s *Snapshot) TestImports(fn func(importPath string, files []FileID)) {
	for p, ids := range s.importGraphOf().byTest {
		fn(p, ids)
	}
}

// importEdges returns the import edges of the plugin graph: one per pair of
// registering packages where a non-test file of the first imports the
// second, at the first such import (files in path order). It walks the
// reverse import graph from the registering packages instead of every file
// of every registering package.
func (l *linked) importEdges(s *Snapshot) []GraphEdge {
	g := s.importGraphOf()
	var out []GraphEdge
	seen := map[[2]string]bool{}
	for _, to := range l.packages {
		if !l.registering[to.ImportPath] {
			continue
		}
		for _, fid := range g.byPath[to.ImportPath] {
			if int(fid) >= len(l.byFile) {
				continue
			}
			from := l.byFile[fid]
			if from == nil || from == to || !l.registering[from.ImportPath] {
				continue
			}
			k := [2]string{from.ImportPath, to.ImportPath}
			if seen[k] {
				continue
			}
			for _, im := range s.Facts(fid).Imports {
				if im.Path == to.ImportPath {
					seen[k] = true
					out = append(out, GraphEdge{From: from.ImportPath, To: to.ImportPath, Kind: EdgeImport,
						Ref: SymbolRef{File: fid, Span: im.Span, Kind: KindImport}})
					break
				}
			}
		}
	}
	return out
}
