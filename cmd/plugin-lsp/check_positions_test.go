package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/plugin-lsp/plugin-lsp/cmd/plugin-lsp/internal/report"
	"github.com/plugin-lsp/plugin-lsp/diagnostics"
)

// TestSARIFRegionsMatchEngine: the SARIF regions of findings on lines with
// tabs and multi-byte characters before them point at the same bytes as
// the engine's offsets (SARIF columns count UTF-16 units, the engine's
// bytes), both computed from the text the snapshot indexed. When a file is
// rewritten between the check and the report, no region is computed from
// the new bytes: the report keeps the engine's line and byte column.
func TestSARIFRegionsMatchEngine(t *testing.T) {
	files := map[string]string{
		"go.mod": "module example.com/app\n\ngo 1.26\n",
		"registry/registry.go": `package registry

var drivers = map[string]func() string{}

// Register adds a driver constructor.
func Register(name string, f func() string) {
	if _, dup := drivers[name]; dup {
		panic("registry: Register called twice for " + name)
	}
	drivers[name] = f
}
`,
		"a/a.go":  "package a\n\nimport \"example.com/app/registry\"\n\nfunc init() {\n\t/* é 😀 */\tregistry.Register(\"console\", nil)\n}\n",
		"b/b.go":  "package b\n\nimport \"example.com/app/registry\"\n\nvar s = \"ü\"\n\nfunc init() {\n\t\t/* 日本 */ registry.Register(\"console\", nil)\n}\n",
		"main.go": "package main\n\nimport (\n\t_ \"example.com/app/a\"\n\t_ \"example.com/app/b\"\n)\n\nfunc main() {}\n",
	}
	write := func(t *testing.T, dir string, edit func(string) string) {
		for name, text := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(edit(text)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, rewritten := range []bool{false, true} {
		t.Run(map[bool]string{false: "unchanged", true: "rewritten after the check"}[rewritten], func(t *testing.T) {
			dir := t.TempDir()
			if d, err := filepath.EvalSymlinks(dir); err == nil {
				dir = d
			}
			write(t, dir, func(s string) string { return s })
			pats, err := parsePatterns([]string{dir + "/..."})
			if err != nil {
				t.Fatal(err)
			}
			findings, _, _, _, snap, err := runEngine(context.Background(), pats, diagnostics.Config{}, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			findings = report.Sorted(findings)
			if len(findings) != 2 || findings[0].Rule != "REG001" {
				t.Fatalf("findings = %+v, want REG001 in a.go and b.go", findings)
			}
			if rewritten {
				// One line more on top, tabs turned into spaces.
				write(t, dir, func(s string) string { return "// edited ✓\n" + strings.ReplaceAll(s, "\t", "    ") })
			}
			log := report.ToSARIF(findings, report.Options{Root: dir, Rules: diagnostics.Rules(), Files: report.SnapshotFiles{Snap: snap}})
			results := log.Runs[0].Results
			if len(results) != len(findings) {
				t.Fatalf("%d SARIF results for %d findings", len(results), len(findings))
			}
			for i, f := range findings {
				text := files[filepath.ToSlash(strings.TrimPrefix(f.File, dir+string(filepath.Separator)))]
				if got := text[f.Start.Offset:f.End.Offset]; !strings.Contains(got, "console") {
					t.Errorf("%s: the finding's span is %q, want the registered name", f.File, got)
				}
				r := results[i].Locations[0].PhysicalLocation.Region
				for _, end := range []struct {
					name      string
					line, col int
					pos       diagnostics.Pos
				}{{"start", r.StartLine, r.StartColumn, f.Start}, {"end", r.EndLine, r.EndColumn, f.End}} {
					if end.line != end.pos.Line {
						t.Errorf("%s %s: SARIF line %d, engine line %d", f.File, end.name, end.line, end.pos.Line)
					}
					if rewritten {
						if end.col != end.pos.Col {
							t.Errorf("%s %s: SARIF column %d, want the engine's byte column %d (the indexed text is gone)", f.File, end.name, end.col, end.pos.Col)
						}
						continue
					}
					if got := utf16ToOffset(text, end.line, end.col); got != end.pos.Offset {
						t.Errorf("%s %s: SARIF line %d column %d is byte %d, engine offset %d", f.File, end.name, end.line, end.col, got, end.pos.Offset)
					}
					if end.col == end.pos.Col {
						t.Errorf("%s %s: SARIF column %d equals the byte column: no UTF-16 conversion happened", f.File, end.name, end.col)
					}
				}
			}
		})
	}
}

// utf16ToOffset is the byte offset of a 1-based line and 1-based UTF-16
// column in text, computed independently of index.Lines.
func utf16ToOffset(text string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		off += strings.IndexByte(text[off:], '\n') + 1
	}
	for units := 1; units < col; {
		r, size := utf8.DecodeRuneInString(text[off:])
		units += utf16.RuneLen(r)
		off += size
	}
	return off
}
