package index

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/txtar"
)

// Fuzz targets for everything the index reads from files it does not
// control. Seeds come from testdata (and crashers found so far are kept
// under testdata/fuzz/). `scripts/fuzz-smoke` runs each for ~20 s.

// seedFiles adds the content of every testdata file (and txtar section)
// whose name matches to the corpus.
func seedFiles(f *testing.F, match func(name string) bool) {
	f.Helper()
	n := 0
	filepath.WalkDir(filepath.Join("..", "testdata"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if strings.HasSuffix(p, ".txtar") {
			ar, err := txtar.ParseFile(p)
			if err != nil {
				return nil
			}
			for _, s := range ar.Files {
				if match(filepath.Base(s.Name)) && n < 400 {
					f.Add(s.Data)
					n++
				}
			}
			return nil
		}
		if match(d.Name()) && n < 400 {
			if b, err := os.ReadFile(p); err == nil && len(b) < 1<<16 {
				f.Add(b)
				n++
			}
		}
		return nil
	})
	if n == 0 {
		f.Fatal("no seeds found in testdata")
	}
}

// checkSpans fails when any Span reachable from v lies outside [0, n] or
// is reversed: every offset the index hands out must be usable on the
// file's text.
func checkSpans(t *testing.T, v any, n int) {
	t.Helper()
	var walk func(path string, rv reflect.Value)
	walk = func(path string, rv reflect.Value) {
		switch rv.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !rv.IsNil() {
				walk(path, rv.Elem())
			}
		case reflect.Struct:
			if sp, ok := rv.Interface().(Span); ok {
				if sp.Start < 0 || sp.End < sp.Start || sp.End > n {
					t.Fatalf("%s = %+v outside the %d-byte text", path, sp, n)
				}
				return
			}
			for i := 0; i < rv.NumField(); i++ {
				if rv.Type().Field(i).IsExported() {
					walk(path+"."+rv.Type().Field(i).Name, rv.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < rv.Len(); i++ {
				walk(path+"[]", rv.Index(i))
			}
		}
	}
	walk("", reflect.ValueOf(v))
}

// FuzzExtractGo: per-file fact extraction never fails (a recovered panic
// shows as an "internal error" ParseErr, which is a bug) and every span is
// inside the text; extracting with a build worker's reused buffers (left
// over from the previous inputs) gives the same facts as without.
func FuzzExtractGo(f *testing.F) {
	seedFiles(f, func(n string) bool { return strings.HasSuffix(n, ".go") })
	var mu sync.Mutex
	var bufs buffers // shared by every input, as one worker's are
	f.Fuzz(func(t *testing.T, src []byte) {
		facts := extractGo(src)
		if facts == nil {
			t.Fatal("nil facts")
		}
		if strings.HasPrefix(facts.ParseErr, "plugin-lsp internal error") {
			t.Fatalf("extraction panicked: %s", facts.ParseErr)
		}
		checkSpans(t, facts, len(src))
		mu.Lock()
		reused := extractGoBuffers(src, &bufs)
		mu.Unlock()
		if !reflect.DeepEqual(reused, facts) {
			t.Fatalf("facts differ with reused buffers:\n%+v\nwant\n%+v", reused, facts)
		}
	})
}

// FuzzManifest: plugin-manifest.yaml parsing never panics, and the spans
// of names, versions, requires and the error are inside the text.
func FuzzManifest(f *testing.F) {
	seedFiles(f, func(n string) bool { return n == "plugin-manifest.yaml" || n == "plugin-manifest.yml" })
	f.Fuzz(func(t *testing.T, b []byte) {
		m := parseManifest(1, "/w/p/plugin-manifest.yaml", b)
		if m == nil {
			t.Fatal("nil manifest")
		}
		checkSpans(t, m, len(b))
	})
}

// FuzzConfig: .plugin-lsp.yaml parsing never panics; a config either
// decodes or carries errors, each on a line of the file, and is then
// ignored whole; the navigation entries (ConfigEntries' parser) stay
// inside the text.
func FuzzConfig(f *testing.F) {
	seedFiles(f, func(n string) bool { return n == configName })
	f.Add([]byte("registries:\n  - id: a.B\n    allow: [x]\n"))
	f.Add([]byte("rules:\n  disabled: [REG005]\nseverity: {REG007: error}\nbuildConfigs: [linux/arm64, {goos: windows, tags: ['!cgo']}]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := parseConfig(b)
		// YAML breaks lines at \n, \r\n and a lone \r.
		lines := strings.Count(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(string(b), "\r\n", ""), "\r") + 1
		if (c.Err == "") != (len(c.Errors) == 0) {
			t.Fatalf("Err %q but Errors %v", c.Err, c.Errors)
		}
		for _, e := range c.Errors {
			if e.Line < 0 || e.Line > lines+1 {
				t.Fatalf("error line %d in a %d-line file: %v", e.Line, lines, e)
			}
			if e.Msg == "" {
				t.Fatal("empty error message")
			}
		}
		if len(c.Errors) > 0 && (len(c.Registries) > 0 || len(c.Plugins) > 0 || len(c.Rules) > 0 || len(c.BuildConfigs) > 0) {
			t.Fatal("a config with errors must be ignored whole")
		}
		for _, e := range configEntriesOf(1, "/w/.plugin-lsp.yaml", b) {
			checkSpans(t, e.Ref, len(b))
		}
	})
}

// configEntriesOf runs Snapshot.ConfigEntries on b alone.
func configEntriesOf(id FileID, path string, b []byte) []ConfigEntry {
	in := newInterner()
	for in.intern(path) != id {
	}
	s := &Snapshot{paths: in, files: make([]*fileEntry, id+1), overlays: map[FileID][]byte{id: b}, ws: &workspace{}}
	s.files[id] = (&fileEntry{kind: kindConfig}).fingerprint(b)
	return s.ConfigEntries(id)
}

// FuzzScriptCommands: Makefile and shell script parsing (go build
// -buildmode=plugin commands, copies, cd) never panics and its spans are
// inside the text.
func FuzzScriptCommands(f *testing.F) {
	seedFiles(f, func(n string) bool {
		return n == "Makefile" || n == "makefile" || n == "GNUmakefile" || strings.HasSuffix(n, ".mk") || strings.HasSuffix(n, ".sh")
	})
	f.Add([]byte("build:\n\tcd native && go build -buildmode=plugin -o ../bin/g.so ./greeter; cp bin/g.so bin/h.so\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		// (An empty Output is fine: linking defaults it to <dir>.so.)
		for _, bc := range scriptCommands(1, "/w/Makefile", b) {
			checkSpans(t, bc, len(b))
		}
	})
}

// FuzzTrie checks the trie against a map model: names and queries are the
// lines of the input (names before the first empty line). Exact returns
// the entries whose lower-cased name equals the lower-cased query, Prefix
// those whose lower-cased name starts with it, in key, file, offset order,
// cut at the limit.
func FuzzTrie(f *testing.F) {
	f.Add("alpha\nalphabet\nAlpine\nbeta\nb\n\nalp\nb\nALPHA\nc\n", uint8(0))
	f.Add("a\nab\nabc\nabd\nb\n\n\nab\nabc\nabx\n", uint8(2))
	f.Add("K\nk\nİ\ni\nſ\ns\n\nk\ni\ns\n", uint8(1))
	f.Fuzz(func(t *testing.T, in string, limit uint8) {
		names, queries, _ := strings.Cut(in, "\n\n")
		var items []trieItem
		model := map[string][]TrieEntry{}
		for i, n := range strings.Split(names, "\n") {
			e := TrieEntry{Name: n, Ref: SymbolRef{File: FileID(i%3 + 1), Span: Span{i, i}}}
			k := strings.ToLower(n)
			items = append(items, trieItem{key: k, e: e})
			model[k] = append(model[k], e)
		}
		order := func(a, b TrieEntry) int {
			if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
				return c
			}
			if a.Ref.File != b.Ref.File {
				return int(a.Ref.File) - int(b.Ref.File)
			}
			return a.Ref.Span.Start - b.Ref.Span.Start
		}
		tr := newTrie(items)
		if tr.Len() != len(items) {
			t.Fatalf("Len %d, want %d", tr.Len(), len(items))
		}
		for _, q := range strings.Split(queries, "\n") {
			lq := strings.ToLower(q)
			want := slices.Clone(model[lq])
			slices.SortFunc(want, order)
			got := tr.ExactEntries(q)
			if !slices.Equal(got, want) {
				t.Fatalf("ExactEntries(%q) = %v, want %v", q, got, want)
			}
			var wantP []TrieEntry
			for k, es := range model {
				if strings.HasPrefix(k, lq) {
					wantP = append(wantP, es...)
				}
			}
			slices.SortFunc(wantP, order)
			if limit > 0 && len(wantP) > int(limit) {
				wantP = wantP[:limit]
			}
			gotP := tr.Prefix(q, int(limit))
			if len(gotP) != len(wantP) {
				t.Fatalf("Prefix(%q, %d) = %d entries %v, want %d %v", q, limit, len(gotP), gotP, len(wantP), wantP)
			}
			for i := range gotP {
				if gotP[i] != wantP[i] {
					t.Fatalf("Prefix(%q, %d)[%d] = %v, want %v", q, limit, i, gotP[i], wantP[i])
				}
			}
		}
	})
}
