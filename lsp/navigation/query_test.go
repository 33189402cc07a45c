package navigation

import (
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/lsp/internal/navtest"
)

// TestNavQueries runs every marker of testdata/nav/*.txtar against the
// query layer over an index built directly (no LSP, no gopls).
func TestNavQueries(t *testing.T) {
	archives, err := filepath.Glob(filepath.Join("..", "..", "testdata", "nav", "*.txtar"))
	if err != nil || len(archives) == 0 {
		t.Fatalf("no testdata/nav/*.txtar: %v", err)
	}
	for _, a := range archives {
		t.Run(strings.TrimSuffix(filepath.Base(a), ".txtar"), func(t *testing.T) {
			ws := navtest.Load(t, a)
			snap := navtest.Snapshot(t, ws.Dir)
			nx := buildNavIndex(snap)
			if len(ws.Markers) == 0 {
				t.Fatal("no markers")
			}
			for _, m := range ws.Markers {
				checkNavMarker(t, ws, snap, nx, m)
			}
		})
	}
}

// refKey renders a ref like navtest.Workspace.locKey does.
func refKey(ws *navtest.Workspace, snap *index.Snapshot, r index.SymbolRef) string {
	rel, _ := filepath.Rel(ws.Dir, snap.Path(r.File))
	return fmt.Sprintf("%s:%d-%d", filepath.ToSlash(rel), r.Span.Start, r.Span.End)
}

func targetKeys(ws *navtest.Workspace, snap *index.Snapshot, ts []Target) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, refKey(ws, snap, t.Ref))
	}
	sort.Strings(out)
	return out
}

func checkNavMarker(t *testing.T, ws *navtest.Workspace, snap *index.Snapshot, nx *Index, m navtest.Marker) {
	t.Helper()
	fid, ok := snap.FileID(ws.Path(m.File))
	if !ok {
		t.Fatalf("%s: file not indexed", m)
	}
	switch m.Op {
	case "def", "refs", "impl":
		var ts []Target
		switch m.Op {
		case "def":
			ts, ok = nx.Definition(fid, m.Cursor)
		case "refs":
			ts, ok = nx.References(fid, m.Cursor, true)
		case "impl":
			ts, ok = nx.Implementations(fid, m.Cursor)
		}
		if len(m.Args) == 0 {
			if ok {
				t.Errorf("%s: owned by the index (%v), want forwarded to gopls", m, targetKeys(ws, snap, ts))
			}
			return
		}
		if !ok {
			t.Errorf("%s: not owned by the index", m)
			return
		}
		if got, want := targetKeys(ws, snap, ts), ws.LocKeys(t, m.Args); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", m, got, want)
		}
	case "hover":
		h, ok := nx.Hover(fid, m.Cursor)
		if !ok {
			t.Errorf("%s: no hover", m)
			return
		}
		md := RenderHover(snap, h, func(p string) string { r, _ := filepath.Rel(ws.Dir, p); return r }, func(p string) string { return "file://" + filepath.ToSlash(p) })
		for _, want := range m.Args {
			if !strings.Contains(md, want) {
				t.Errorf("%s: hover lacks %q:\n%s", m, want, md)
			}
		}
	case "complete":
		_, items, _, ok := nx.Complete(fid, ws.Files[m.File], m.Cursor)
		if len(m.Args) == 0 {
			if ok {
				t.Errorf("%s: completion owned by the index, want gopls's", m)
			}
			return
		}
		got := []string{}
		for _, it := range items {
			got = append(got, it.Label)
		}
		if !ok || !reflect.DeepEqual(got, m.Args) {
			t.Errorf("%s: completion %v (ours %v), want %v", m, got, ok, m.Args)
		}
	case "rename":
		edits, ok, err := nx.Rename(fid, m.Cursor, m.Args[0])
		if !ok || err != nil {
			t.Errorf("%s: rename not ours (%v) or failed: %v", m, ok, err)
			return
		}
		got := []string{}
		for _, e := range edits {
			if e.NewText != m.Args[0] && !strings.HasSuffix(m.Args[0], "."+e.NewText) { // a Caddy handler mention is written without its namespace
				t.Errorf("%s: edit text %q", m, e.NewText)
			}
			got = append(got, refKey(ws, snap, index.SymbolRef{File: e.File, Span: e.Span}))
		}
		sort.Strings(got)
		var want []string
		for _, name := range m.Args[1:] {
			want = append(want, ws.ContentsKey(t, name))
		}
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", m, got, want)
		}
	case "norename":
		_, _, ok, err := nx.PrepareRename(fid, m.Cursor)
		want := m.Args[0]
		switch {
		case want == "gopls" && (ok || err != nil):
			t.Errorf("%s: prepareRename ours (err %v), want forwarded", m, err)
		case want == "ours" && (!ok || err != nil):
			t.Errorf("%s: prepareRename not ours (%v) or failed: %v", m, ok, err)
		case want == "error" && err == nil:
			t.Errorf("%s: prepareRename gave no error", m)
		}
	case "gopls":
		_, d := nx.Definition(fid, m.Cursor)
		_, r := nx.References(fid, m.Cursor, true)
		_, _, _, c := nx.Complete(fid, ws.Files[m.File], m.Cursor)
		if d || r || c {
			t.Errorf("%s: owned by the index (definition %v, references %v, completion %v)", m, d, r, c)
		}
	default:
		t.Fatalf("%s: unknown marker", m)
	}
}

func TestStringContext(t *testing.T) {
	tests := []struct {
		src      string // ^ marks the cursor
		ok       bool
		fn       string
		arg      int
		contents string
	}{
		{`	registry.Get("st^dout")`, true, "registry.Get", 0, "stdout"},
		{`	registry.Get("^`, true, "registry.Get", 0, ""},
		{`	sql.Open("pg^", dsn)`, true, "sql.Open", 0, "pg"},
		{`	f("a", "b^")`, true, "f", 1, "b"},
		{`	f(g(1), "b^")`, true, "f", 1, "b"},
		{`	p.Lookup("Gr^eet")`, true, "p.Lookup", 0, "Greet"},
		{`	x := "not^ a call"`, false, "", 0, ""},
		{`	registry.Get(name^)`, false, "", 0, ""},
		{`	// registry.Get("in^ a comment")`, false, "", 0, ""},
		{"\tregistry.Get(`raw^`)", false, "", 0, ""},
		{`	registry.Get("a\"b^")`, true, "registry.Get", 0, `a\"b`},
	}
	for _, tt := range tests {
		off := strings.IndexByte(tt.src, '^')
		src := []byte(strings.Replace(tt.src, "^", "", 1))
		cc, ok := StringContext(src, off)
		if ok != tt.ok {
			t.Errorf("%s: ok %v, want %v", tt.src, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		if cc.Func != tt.fn || cc.ArgIndex != tt.arg || string(src[cc.Open:cc.Close]) != tt.contents {
			t.Errorf("%s: %q arg %d contents %q, want %q arg %d %q", tt.src, cc.Func, cc.ArgIndex, src[cc.Open:cc.Close], tt.fn, tt.arg, tt.contents)
		}
	}
}

func TestNameRank(t *testing.T) {
	nl := newNameList(map[string]bool{"stdout": true, "syslog": true, "Stderr": true, "file": true, "setup-tools": true})
	tests := []struct {
		prefix string
		limit  int
		want   []string
	}{
		{"", 10, []string{"file", "setup-tools", "Stderr", "stdout", "syslog"}},
		{"st", 10, []string{"Stderr", "stdout", "setup-tools"}}, // prefix matches, then fuzzy; syslog has no t
		{"ST", 1, []string{"Stderr"}},
		{"fl", 10, []string{"file"}},
		{"zz", 10, nil},
	}
	for _, tt := range tests {
		if got := nl.rank(tt.prefix, tt.limit); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("rank(%q, %d) = %q, want %q", tt.prefix, tt.limit, got, tt.want)
		}
	}
}

// buildNavIndex builds the navigation index of s from nothing (no reuse).
func buildNavIndex(s *index.Snapshot) *Index {
	nx, _ := build(s, nil)
	return nx
}
