package index

import "sort"

// linked is everything derived from all facts of one snapshot.
type linked struct {
	packages      []*Package
	byPath        map[string]*Package
	byFile        map[FileID]*Package
	registries    []*Registry
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
}

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

func linkSnapshot(s *Snapshot) *linked {
	l := &linked{byPath: map[string]*Package{}, byFile: map[FileID]*Package{}, regByID: map[string]*Registry{}, registering: map[string]bool{}}
	return l
}

func (l *linked) closure(s *Snapshot, root string, cfg BuildConfig) pkgSet {
	return pkgSet{}
}

func (l *linked) chain(s *Snapshot, from, to string, cfg BuildConfig) []string {
	return nil
}

func buildTrie(s *Snapshot) *Trie {
	return newTrie(nil)
}
