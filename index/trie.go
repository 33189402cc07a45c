package index

import (
	"slices"
	"sort"
	"strings"
)

// Trie is an immutable, lower-cased radix trie of names. Nodes live in one
// flat slice with contiguous children, and every node knows the range of
// entries under it (entries are sorted by key), so a prefix query is a walk
// down at most len(prefix) bytes followed by one slice expression.
type Trie struct {
	nodes   []trieNode
	entries []TrieEntry // sorted by lower-cased name, then file, then offset
	keys    []string    // lower-cased name of each entry
}

type trieNode struct {
	label         string // edge label from the parent
	child, nchild uint32 // children nodes[child:child+nchild], sorted by label
	exLo, exHi    uint32 // entries whose key ends exactly here
	subLo, subHi  uint32 // entries in this subtree
}

// Len returns the number of entries.
func (t *Trie) Len() int {
	if t == nil {
		return 0
	}
	return len(t.entries)
}

// Exact returns the refs whose name equals name, case-insensitively.
func (t *Trie) Exact(name string) []SymbolRef {
	n, rest := t.walk(strings.ToLower(name))
	if n == nil || rest != 0 {
		return nil
	}
	out := make([]SymbolRef, 0, n.exHi-n.exLo)
	for _, e := range t.entries[n.exLo:n.exHi] {
		out = append(out, e.Ref)
	}
	return out
}

// ExactEntries is Exact with names.
func (t *Trie) ExactEntries(name string) []TrieEntry {
	n, rest := t.walk(strings.ToLower(name))
	if n == nil || rest != 0 {
		return nil
	}
	return t.entries[n.exLo:n.exHi:n.exHi]
}

// Prefix returns up to limit entries whose name starts with prefix,
// case-insensitively, in name order (limit <= 0: all). The result aliases
// the trie; do not modify it.
func (t *Trie) Prefix(prefix string, limit int) []TrieEntry {
	n, _ := t.walk(strings.ToLower(prefix))
	if n == nil {
		return nil
	}
	out := t.entries[n.subLo:n.subHi:n.subHi]
	if limit > 0 && len(out) > limit {
		out = out[:limit:limit]
	}
	return out
}

// walk descends along key. It returns the node whose subtree holds every key
// with that prefix, and how many bytes of the node's label were left
// unmatched (0 when the key ends exactly at the node).
func (t *Trie) walk(key string) (*trieNode, int) {
	if t == nil || len(t.nodes) == 0 {
		return nil, 0
	}
	n := &t.nodes[0]
	for len(key) > 0 {
		kids := t.nodes[n.child : n.child+n.nchild]
		i := sort.Search(len(kids), func(i int) bool { return kids[i].label[0] >= key[0] })
		if i == len(kids) || kids[i].label[0] != key[0] {
			return nil, 0
		}
		c := &kids[i]
		l := c.label
		if len(key) < len(l) {
			if strings.HasPrefix(l, key) {
				return c, len(l) - len(key)
			}
			return nil, 0
		}
		if key[:len(l)] != l {
			return nil, 0
		}
		key = key[len(l):]
		n = c
	}
	return n, 0
}

type trieItem struct {
	key string
	e   TrieEntry
}

// newTrie builds a trie from (name, ref) items.
func newTrie(items []trieItem) *Trie {
	slices.SortFunc(items, func(a, b trieItem) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		if a.e.Ref.File != b.e.Ref.File {
			return int(a.e.Ref.File) - int(b.e.Ref.File)
		}
		return a.e.Ref.Span.Start - b.e.Ref.Span.Start
	})
	t := &Trie{entries: make([]TrieEntry, len(items)), keys: make([]string, len(items))}
	for i := range items {
		t.entries[i] = items[i].e
		t.keys[i] = items[i].key
	}
	t.nodes = append(t.nodes, trieNode{subLo: 0, subHi: uint32(len(items))})
	t.buildChildren(0, 0, 0, len(items))
	return t
}

// buildChildren fills node ni, which covers keys[lo:hi] sharing their first
// depth bytes.
func (t *Trie) buildChildren(ni, depth, lo, hi int) {
	i := lo
	for i < hi && len(t.keys[i]) == depth {
		i++
	}
	t.nodes[ni].exLo, t.nodes[ni].exHi = uint32(lo), uint32(i)
	type group struct{ lo, hi, plen int }
	var groups []group
	for i < hi {
		j := i + 1
		b := t.keys[i][depth]
		for j < hi && t.keys[j][depth] == b {
			j++
		}
		// longest common prefix of keys[i:j] beyond depth: sorted, so first vs last.
		first, last := t.keys[i], t.keys[j-1]
		p := depth + 1
		for p < len(first) && p < len(last) && first[p] == last[p] {
			p++
		}
		groups = append(groups, group{i, j, p})
		i = j
	}
	base := len(t.nodes)
	t.nodes[ni].child, t.nodes[ni].nchild = uint32(base), uint32(len(groups))
	for _, g := range groups {
		t.nodes = append(t.nodes, trieNode{label: t.keys[g.lo][depth:g.plen], subLo: uint32(g.lo), subHi: uint32(g.hi)})
	}
	for k, g := range groups {
		t.buildChildren(base+k, g.plen, g.lo, g.hi)
	}
}
