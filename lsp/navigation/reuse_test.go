package navigation

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/lsp/internal/navtest"
)

// TestNameListFor: a previous list is reused only when it holds exactly
// the new names.
func TestNameListFor(t *testing.T) {
	prev := newNameList(map[string]bool{"b": true, "A": true})
	tests := []struct {
		name  string
		set   map[string]bool
		prev  *nameList
		reuse bool
		want  []string
	}{
		{"no previous list", map[string]bool{"b": true, "A": true}, nil, false, []string{"A", "b"}},
		{"same names", map[string]bool{"A": true, "b": true}, prev, true, []string{"A", "b"}},
		{"a name renamed", map[string]bool{"A": true, "c": true}, prev, false, []string{"A", "c"}},
		{"a name added", map[string]bool{"A": true, "b": true, "c": true}, prev, false, []string{"A", "b", "c"}},
		{"a name removed", map[string]bool{"b": true}, prev, false, []string{"b"}},
	}
	for _, tt := range tests {
		got := nameListFor(tt.set, tt.prev)
		if (got == tt.prev) != tt.reuse {
			t.Errorf("%s: reused = %v, want %v", tt.name, got == tt.prev, tt.reuse)
		}
		if !reflect.DeepEqual(got.names, tt.want) {
			t.Errorf("%s: names %q, want %q", tt.name, got.names, tt.want)
		}
	}
}

// TestNavCacheReuseEqualsCold: the navigation index of a snapshot after an
// edit, built reusing the previous one's name lists, has the same names as
// one built from nothing, for an edit that keeps the names and one that
// renames a plugin.
func TestNavCacheReuseEqualsCold(t *testing.T) {
	dir := t.TempDir()
	if err := navtest.Generate(dir, 1, 2, 2); err != nil {
		t.Fatal(err)
	}
	ix := index.New(index.Options{Roots: []string{dir}})
	snap, err := ix.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var c Cache
	c.Get(snap)
	var file string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && file == "" && strings.HasSuffix(p, "f00.go") {
			file = p
		}
		return nil
	})
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	name := text[strings.Index(text, `Register("`)+len(`Register("`):]
	name = name[:strings.IndexByte(name, '"')]
	edits := []struct {
		label, text, want, gone string
		reuse                   bool // the list of all names is the previous one
	}{
		{"body edit", strings.Replace(text, `!= ""`, `!= "x"`, 1), name, "", true},
		{"plugin renamed", strings.Replace(text, `"`+name+`"`, `"renamed-plugin"`, 1), "renamed-plugin", name, false},
		{"second registration", text + "\nfunc init() { contract.Register(\"second-plugin\", &T0{}) }\n", "second-plugin", "renamed-plugin", false},
	}
	for _, e := range edits {
		prev := c.last.Load()
		s := ix.SetOverlay(file, []byte(e.text))
		got, cold := c.Get(s), buildNavIndex(s)
		if (got.all == prev.all) != e.reuse {
			t.Errorf("%s: reused = %v, want %v", e.label, got.all == prev.all, e.reuse)
		}
		if a, b := renderSites(got), renderSites(cold); a != b {
			t.Errorf("%s: sites differ from cold:\n%s\ncold:\n%s", e.label, a, b)
		}
		if !reflect.DeepEqual(got.all.names, cold.all.names) {
			t.Errorf("%s: names %q, cold %q", e.label, got.all.names, cold.all.names)
		}
		for reg, l := range cold.regNames {
			if g := got.regNames[reg]; g == nil || !reflect.DeepEqual(g.names, l.names) || !reflect.DeepEqual(g.lower, l.lower) {
				t.Errorf("%s: registry %s names differ from cold", e.label, reg)
			}
		}
		if !strings.Contains(strings.Join(got.all.names, " "), e.want) {
			t.Errorf("%s: %q missing from %q", e.label, e.want, got.all.names)
		}
		if e.gone != "" && strings.Contains(" "+strings.Join(got.all.names, " ")+" ", " "+e.gone+" ") {
			t.Errorf("%s: %q still listed", e.label, e.gone)
		}
	}
}

// renderSites prints a navigation index's sites by file and by name.
func renderSites(nx *Index) string {
	var lines []string
	for f, sites := range nx.byFile {
		for _, st := range sites {
			lines = append(lines, fmt.Sprintf("file %d %d %v %q %s lit=%v", f, st.kind, st.ref, st.name, st.registry, st.literal))
		}
	}
	for k, sites := range nx.byName {
		for _, st := range sites {
			lines = append(lines, fmt.Sprintf("name %s/%s %d %v", k.registry, k.name, st.kind, st.ref))
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
