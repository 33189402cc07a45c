// Package navtest holds the navigation tests' data: the marker format of
// testdata/nav/*.txtar, and a generator of large synthetic workspaces. It is
// shared by the pure navigation tests (lsp/navigation) and the end-to-end
// tests through the server (lsp).
package navtest

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// The navigation tests are data: testdata/nav/*.txtar archives, each a
// workspace (go.work and several modules) whose files carry markers in
// comments (`//@` in Go, `# @` in YAML):
//
//	@loc(NAME, "pattern")            names the span of pattern on this line
//	@def("pat^tern", NAME...)        definition at the cursor: exactly these
//	@refs("pattern", NAME...)        references (includeDeclaration): exactly these
//	@impl("pattern", NAME...)        implementation: ours include exactly these
//	@hover("pattern", "substr"...)   hover markdown contains each substring
//	@complete("pattern", "item"...)  completion labels, in order
//	@rename("pattern", "new", NAME...) rename edits the contents of these spans
//	@norename("pattern", gopls|error|ours) who answers prepareRename
//	@gopls("pattern")                 not ours: every feature answers as gopls does
//
// The cursor is at `^` in the pattern (removed before matching), or one byte
// into the pattern. A @def/@refs/@complete with no expectation means "not
// ours": the request goes to gopls.

// Marker is one parsed marker.
type Marker struct {
	Op     string   // loc, def, refs, impl, hover, complete, rename
	File   string   // slash path relative to the workspace root
	Line   int      // 0-based
	Cursor int      // byte offset of the cursor in the file
	Start  int      // span of the pattern (for loc)
	End    int      //
	Args   []string // the remaining arguments (names or strings)
}

func (m Marker) String() string {
	return fmt.Sprintf("%s:%d: @%s%q", m.File, m.Line+1, m.Op, m.Args)
}

// Workspace is an extracted archive and its markers.
type Workspace struct {
	Dir     string
	Files   map[string][]byte // slash path → content
	Markers []Marker
	Locs    map[string]Marker
}

func Load(t testing.TB, archive string) *Workspace {
	t.Helper()
	ar, err := txtar.ParseFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	ws := &Workspace{Dir: dir, Files: map[string][]byte{}, Locs: map[string]Marker{}}
	for _, f := range ar.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		ws.Files[f.Name] = f.Data
		ms, err := parseMarkers(f.Name, f.Data)
		if err != nil {
			t.Fatalf("%s: %v", archive, err)
		}
		for _, m := range ms {
			if m.Op == "loc" {
				if _, dup := ws.Locs[m.Args[0]]; dup {
					t.Fatalf("%s: duplicate @loc %s", m, m.Args[0])
				}
				ws.Locs[m.Args[0]] = m
				continue
			}
			ws.Markers = append(ws.Markers, m)
		}
	}
	return ws
}

func (ws *Workspace) Path(rel string) string {
	return filepath.Join(ws.Dir, filepath.FromSlash(rel))
}

// LocKey is "file:start-end" of a named location, for comparing sets.
func (ws *Workspace) LocKey(t testing.TB, name string) string {
	t.Helper()
	l, ok := ws.Locs[name]
	if !ok {
		t.Fatalf("no @loc(%s)", name)
	}
	return fmt.Sprintf("%s:%d-%d", l.File, l.Start, l.End)
}

func (ws *Workspace) LocKeys(t testing.TB, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = ws.LocKey(t, n)
	}
	sort.Strings(out)
	return out
}

// ContentsKey is the key of a named location without its quotes.
func (ws *Workspace) ContentsKey(t testing.TB, name string) string {
	l, ok := ws.Locs[name]
	if !ok {
		t.Fatalf("no @loc(%s)", name)
	}
	s, e := l.Start, l.End
	if d := ws.Files[l.File]; s < len(d) && d[s] == '"' {
		s, e = s+1, e-1
	}
	return fmt.Sprintf("%s:%d-%d", l.File, s, e)
}

// parseMarkers reads the markers of one file.
func parseMarkers(name string, data []byte) ([]Marker, error) {
	var out []Marker
	lineStart := 0
	for i, line := range strings.SplitAfter(string(data), "\n") {
		ls := lineStart
		lineStart += len(line)
		c := strings.Index(line, "//@")
		skip := 3
		if c < 0 {
			c = strings.Index(line, "# @")
		}
		if c < 0 {
			continue
		}
		code := line[:c]
		rest := strings.TrimSpace(line[c+skip:])
		for rest != "" {
			open := strings.IndexByte(rest, '(')
			if open < 0 {
				return nil, fmt.Errorf("%s:%d: marker without arguments: %q", name, i+1, rest)
			}
			op := strings.TrimSpace(strings.TrimPrefix(rest[:open], "@"))
			args, n, err := parseMarkerArgs(rest[open+1:])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: @%s: %w", name, i+1, op, err)
			}
			rest = strings.TrimSpace(rest[open+1+n:])
			rest = strings.TrimSpace(strings.TrimPrefix(rest, ","))
			m := Marker{Op: op, File: name, Line: i}
			if len(args) == 0 {
				return nil, fmt.Errorf("%s:%d: @%s needs a pattern", name, i+1, op)
			}
			pat := args[0]
			if op == "loc" {
				if len(args) != 2 {
					return nil, fmt.Errorf("%s:%d: @loc(NAME, pattern)", name, i+1)
				}
				pat = args[1]
				m.Args = args[:1]
			} else {
				m.Args = args[1:]
			}
			caret := strings.IndexByte(pat, '^')
			clean := strings.Replace(pat, "^", "", 1)
			at := strings.Index(code, clean)
			if at < 0 {
				return nil, fmt.Errorf("%s:%d: pattern %q not on the line", name, i+1, clean)
			}
			m.Start, m.End = ls+at, ls+at+len(clean)
			if caret >= 0 {
				m.Cursor = ls + at + caret
			} else {
				m.Cursor = ls + at + 1
			}
			out = append(out, m)
		}
	}
	return out, nil
}

// parseMarkerArgs parses `a, "b", `+"`c`"+`)` and returns the arguments and how
// many bytes it read (through the closing parenthesis).
func parseMarkerArgs(s string) ([]string, int, error) {
	var args []string
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == ',') {
			i++
		}
		if i >= len(s) {
			return nil, 0, fmt.Errorf("unterminated arguments")
		}
		switch c := s[i]; {
		case c == ')':
			return args, i + 1, nil
		case c == '"' || c == '`':
			q, err := strconv.QuotedPrefix(s[i:])
			if err != nil {
				return nil, 0, err
			}
			v, _ := strconv.Unquote(q)
			args = append(args, v)
			i += len(q)
		default:
			j := i
			for j < len(s) && s[j] != ',' && s[j] != ')' && s[j] != ' ' {
				j++
			}
			args = append(args, s[i:j])
			i = j
		}
	}
}
