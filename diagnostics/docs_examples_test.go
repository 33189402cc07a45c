package diagnostics

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// exampleFiles splits a rule example into files: a line "# path" (YAML) or
// "// path" (Go) whose path has a dot and no blank starts a file. Lines
// before the first marker are dropped.
func exampleFiles(text string) map[string]string {
	out := map[string]string{}
	cur := ""
	marker := regexp.MustCompile(`^(?:#|//) ([\w./-]+\.[a-z]+)$`)
	for _, line := range strings.Split(text, "\n") {
		if m := marker.FindStringSubmatch(line); m != nil {
			cur = m[1]
			continue
		}
		if cur != "" {
			out[cur] += line + "\n"
		}
	}
	return out
}

// TestDocumentedConfigsParse: every .plugin-lsp.yaml shown in the docs, the
// README and the rules' examples is valid under the strict parser (docs
// once showed SEC001 with id:/allow:, keys that were silently ignored).
func TestDocumentedConfigsParse(t *testing.T) {
	n := 0
	for _, r := range Rules() {
		for _, ex := range []string{r.Before, r.After} {
			if y, ok := exampleFiles(ex)[".plugin-lsp.yaml"]; ok {
				n++
				if c := index.ParseConfig([]byte(y)); c.Err != "" {
					t.Errorf("%s example .plugin-lsp.yaml: %v", r.ID, c.Errors)
				} else if _, ps := FileConfig(r.ID, c); len(ps) > 0 {
					t.Errorf("%s example .plugin-lsp.yaml: %v", r.ID, ps)
				}
			}
		}
	}
	docs, _ := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	docs = append(docs, filepath.Join("..", "README.md"), filepath.Join("..", "ARCHITECTURE.md"))
	block := regexp.MustCompile("(?s)```ya?ml\n(.*?)```")
	top := regexp.MustCompile(`(?m)^(registries|plugins|rules|severity|buildConfigs):`)
	for _, d := range docs {
		b, err := os.ReadFile(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range block.FindAllSubmatch(b, -1) {
			if !top.Match(m[1]) {
				continue // another YAML file (a manifest)
			}
			n++
			if c := index.ParseConfig(m[1]); c.Err != "" {
				t.Errorf("%s: documented .plugin-lsp.yaml: %v", d, c.Errors)
			} else if _, ps := FileConfig(d, c); len(ps) > 0 {
				t.Errorf("%s: documented .plugin-lsp.yaml: %v", d, ps)
			}
		}
	}
	if n < 2 {
		t.Errorf("found %d documented configs; the test lost track of them", n)
	}
}

// TestSEC001ExampleRuns runs the SEC001 example of docs/rules.md: its
// .plugin-lsp.yaml and plugin file, with the filters registry it names,
// report SEC001 at the os/exec import (and nothing else).
func TestSEC001ExampleRuns(t *testing.T) {
	r, _ := RuleByID("SEC001")
	files := exampleFiles(r.Before)
	if len(files) != 2 {
		t.Fatalf("example files %v", files)
	}
	files["go.mod"] = "module example.com/app\n\ngo 1.22\n"
	files["filters/filters.go"] = "package filters\n\nvar filters = map[string]func(string) string{}\n\nfunc Register(name string, f func(string) string) { filters[name] = f }\n"
	files["cmd/app/main.go"] = "package main\n\nimport _ \"example.com/app/plugins/shell\"\n\nfunc main() {}\n"
	dir := t.TempDir()
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	snap := buildSnapshot(t, dir)
	if ps := snap.Problems(); len(ps) != 0 {
		t.Fatalf("problems: %v", ps)
	}
	var got []string
	for _, f := range Check(context.Background(), snap, Options{}) {
		got = append(got, f.Rule+" "+rel(dir, f.File)+":"+strconv.Itoa(f.Start.Line))
	}
	if strings.Join(got, ";") != "SEC001 plugins/shell/shell.go:4" {
		t.Errorf("findings %q, want SEC001 at the os/exec import", got)
	}
}
