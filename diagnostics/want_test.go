package diagnostics

import (
	"context"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// The rule tests follow the analysistest convention: a comment
// `// want "REGEXP"` (or `# want` in YAML, go.mod and scripts) on a line
// expects exactly one finding on that line whose "RULE message" matches the
// regexp; several quoted regexps expect several findings. Every finding must
// be expected, so unannotated lines are negative tests.

// typeRules are the rule directories whose tests also run CheckTypes: the
// rules that need types.
var typeRules = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range Rules() {
		if r.NeedsTypes {
			m[r.ID] = true
		}
	}
	return m
}()

func TestRules(t *testing.T) {
	archives, err := filepath.Glob(filepath.Join("..", "testdata", "rules", "*", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(archives) == 0 {
		t.Fatal("no testdata/rules/*/*.txtar")
	}
	perRule := map[string]int{}
	ran := map[string]bool{}
	for _, a := range archives {
		rule := filepath.Base(filepath.Dir(a))
		name := rule + "/" + strings.TrimSuffix(filepath.Base(a), ".txtar")
		t.Run(name, func(t *testing.T) {
			ran[rule] = true
			dir := extractTxtar(t, a)
			findings := runRules(t, dir, typeRules[rule])
			n := matchWants(t, dir, findings)
			perRule[rule] += n
			checkFixes(t, a, dir, findings, typeRules[rule])
		})
	}
	// Every rule has a test directory, and each directory that ran expects
	// at least one finding (a true positive besides its near misses).
	for _, r := range Rules() {
		if m, _ := filepath.Glob(filepath.Join("..", "testdata", "rules", r.ID, "*.txtar")); len(m) == 0 {
			t.Errorf("rule %s: no testdata/rules/%s/*.txtar", r.ID, r.ID)
		}
		if ran[r.ID] && perRule[r.ID] == 0 {
			t.Errorf("rule %s: no test expects a finding of it", r.ID)
		}
	}
}

// extractTxtar writes an archive's files into a new temporary directory.
func extractTxtar(t *testing.T, path string) string {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return writeArchive(t, ar)
}

// writeArchive writes an archive's workspace files (not its golden
// sections) into a new temporary directory, its symlinks resolved so paths
// match what the index reports.
func writeArchive(t *testing.T, ar *txtar.Archive) string {
	t.Helper()
	dir := t.TempDir()
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, fixGoldenPrefix) {
			continue // expected output, not a workspace file
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func buildSnapshot(t *testing.T, dir string) *index.Snapshot {
	t.Helper()
	snap, err := index.New(index.Options{Roots: []string{dir}}).Build(context.Background())
	if err != nil {
		t.Fatalf("index build: %v", err)
	}
	return snap
}

func runRules(t *testing.T, dir string, types bool) []Finding {
	t.Helper()
	snap := buildSnapshot(t, dir)
	fs := Check(context.Background(), snap, Options{})
	if types {
		fs = append(fs, CheckTypes(context.Background(), snap, Options{}, NewTypeCache())...)
	}
	SortFindings(fs)
	return fs
}

var wantRE = regexp.MustCompile(`(?://|#)\s*want\s+((?:"(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `|\s)+)\s*$`)

type want struct {
	file    string
	line    int
	re      *regexp.Regexp
	matched bool
}

func parseWants(t *testing.T, dir string) []*want {
	t.Helper()
	var wants []*want
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			m := wantRE.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			rest := strings.TrimSpace(m[1])
			for rest != "" {
				q, err := strconv.QuotedPrefix(rest)
				if err != nil {
					t.Fatalf("%s:%d: bad want %q: %v", path, i+1, rest, err)
				}
				s, _ := strconv.Unquote(q)
				re, err := regexp.Compile(s)
				if err != nil {
					t.Fatalf("%s:%d: bad regexp: %v", path, i+1, err)
				}
				wants = append(wants, &want{file: path, line: i + 1, re: re})
				rest = strings.TrimSpace(rest[len(q):])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return wants
}

// matchWants matches findings 1:1 against the want comments and returns the
// number of matched findings per test.
func matchWants(t *testing.T, dir string, findings []Finding) int {
	t.Helper()
	wants := parseWants(t, dir)
	n := 0
	for _, f := range findings {
		text := f.Rule + " " + f.Message
		ok := false
		for _, w := range wants {
			if !w.matched && w.file == f.File && w.line == f.Start.Line && w.re.MatchString(text) {
				w.matched, ok = true, true
				n++
				break
			}
		}
		if !ok {
			t.Errorf("%s:%d:%d: unexpected finding: %s", rel(dir, f.File), f.Start.Line, f.Start.Col, text)
		}
	}
	for _, w := range wants {
		if !w.matched {
			t.Errorf("%s:%d: no finding matches %q", rel(dir, w.file), w.line, w.re)
		}
	}
	return n
}

func rel(dir, path string) string {
	if r, err := filepath.Rel(dir, path); err == nil {
		return r
	}
	return path
}

// fixGoldenPrefix starts the names of the txtar sections that hold, for
// each quick fix of a finding in the archive, each file it edits as the
// fix leaves it: "golden/RULE file:line title => edited file". checkFixes
// compares them; go test -run TestRules -update rewrites them (and drops
// the ones no fix produces any more).
const fixGoldenPrefix = "golden/"

// checkFixes applies each finding's fixes in a copy of the workspace: the
// edited files must equal their golden sections in archive, Go files must
// stay gofmt-clean, and the finding must be gone.
func checkFixes(t *testing.T, archive, dir string, findings []Finding, types bool) {
	t.Helper()
	ar, err := txtar.ParseFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	golden := map[string]int{} // section name → index in ar.Files
	for i, f := range ar.Files {
		if strings.HasPrefix(f.Name, fixGoldenPrefix) {
			golden[f.Name] = i
		}
	}
	used := map[string]bool{}
	changed := false
	for _, f := range findings {
		for _, fix := range f.Fixes {
			t.Run("fix/"+f.Rule+"/"+fix.Title, func(t *testing.T) {
				cp := copyDir(t, dir)
				edited := map[string]bool{}
				byFile := map[string][]Edit{}
				for _, e := range fix.Edits {
					byFile[e.File] = append(byFile[e.File], e)
				}
				for file, edits := range byFile {
					target := filepath.Join(cp, rel(dir, file))
					b, err := os.ReadFile(target)
					if err != nil {
						t.Fatal(err)
					}
					sort.Slice(edits, func(i, j int) bool { return edits[i].Start.Offset > edits[j].Start.Offset })
					for _, e := range edits {
						b = append(b[:e.Start.Offset:e.Start.Offset], append([]byte(e.NewText), b[e.End.Offset:]...)...)
					}
					if err := os.WriteFile(target, b, 0o644); err != nil {
						t.Fatal(err)
					}
					edited[target] = true
					if strings.HasSuffix(target, ".go") {
						if fm, err := format.Source(b); err != nil || string(fm) != string(b) {
							t.Errorf("fix leaves %s not gofmt-clean (%v):\n%s", rel(cp, target), err, b)
						}
					}
					name := fmt.Sprintf("%s%s %s:%d %s => %s", fixGoldenPrefix, f.Rule, rel(dir, f.File), f.Start.Line, fix.Title, rel(cp, target))
					if !strings.HasSuffix(string(b), "\n") {
						b = append(b, '\n') // as txtar keeps a section
					}
					used[name] = true
					i, ok := golden[name]
					switch {
					case *update && !ok:
						golden[name] = len(ar.Files)
						ar.Files = append(ar.Files, txtar.File{Name: name, Data: b})
						changed = true
					case *update && string(ar.Files[i].Data) != string(b):
						ar.Files[i].Data = b
						changed = true
					case !ok:
						t.Errorf("%s: no section %q (run go test -run TestRules -update)", archive, name)
					case string(ar.Files[i].Data) != string(b):
						t.Errorf("%s: the fix leaves %s as\n%s\nwant (section %q; -update rewrites it):\n%s", archive, rel(cp, target), b, name, ar.Files[i].Data)
					}
				}
				after := runRules(t, cp, types)
				for _, g := range after {
					if g.Rule == f.Rule && rel(cp, g.File) == rel(dir, f.File) && g.Start.Line == f.Start.Line {
						t.Errorf("finding still there after the fix: %s", g.Message)
					}
				}
			})
		}
	}
	for name := range golden {
		if used[name] {
			continue
		}
		if !*update {
			t.Errorf("%s: section %q: no fix produces it (run go test -run TestRules -update)", archive, name)
			continue
		}
		changed = true
	}
	if *update && changed {
		kept := ar.Files[:0]
		for _, f := range ar.Files {
			if !strings.HasPrefix(f.Name, fixGoldenPrefix) || used[f.Name] {
				kept = append(kept, f)
			}
		}
		ar.Files = kept
		if err := os.WriteFile(archive, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	if d, err := filepath.EvalSymlinks(dst); err == nil {
		dst = d
	}
	if err := copyFiles(src, dst); err != nil {
		t.Fatal(fmt.Errorf("copy %s: %w", src, err))
	}
	return dst
}
