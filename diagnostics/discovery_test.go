package diagnostics

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// The discovery tests hold one registry shape per archive in
// testdata/discovery. Besides `// want` rule expectations, a line may carry
// `// reg "name" …` (the registrations linked on that line) and
// `// lookup "name" …` (the lookups linked on that line). Every
// registration and lookup the index links must be expected on its line and
// every expectation must be met, so an archive states exactly what discovery
// finds. A `-- registries --` section lists the IDs of the registries that
// have registrations or lookups in the archive (presets without any are not
// listed).

var markRE = regexp.MustCompile(`//\s*(reg|lookup)\s+((?:"(?:[^"\\]|\\.)*"\s*)+)`)

func TestDiscovery(t *testing.T) {
	archives, err := filepath.Glob(filepath.Join("..", "testdata", "discovery", "*.txtar"))
	if err != nil || len(archives) == 0 {
		t.Fatalf("no testdata/discovery/*.txtar (%v)", err)
	}
	for _, a := range archives {
		t.Run(strings.TrimSuffix(filepath.Base(a), ".txtar"), func(t *testing.T) {
			dir := extractTxtar(t, a)
			snap := buildSnapshot(t, dir)

			type site struct {
				kind, file string
				line       int
			}
			got := map[site][]string{}
			active := map[string]bool{}
			at := func(kind string, file index.FileID, off int, name string) {
				path := snap.Path(file)
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				rel, _ := filepath.Rel(dir, path)
				s := site{kind, filepath.ToSlash(rel), 1 + strings.Count(string(b[:off]), "\n")}
				got[s] = append(got[s], name)
			}
			for _, r := range snap.Registrations() {
				if r.IsTest {
					continue
				}
				active[r.Registry] = true
				at("reg", r.File, r.NameRef.Span.Start, r.Name)
			}
			for _, l := range snap.Lookups() {
				if l.IsTest {
					continue
				}
				active[l.Registry] = true
				at("lookup", l.File, l.NameRef.Span.Start, l.Name)
			}
			want := map[site][]string{}
			ar, err := txtar.ParseFile(a)
			if err != nil {
				t.Fatal(err)
			}
			var wantRegs []string
			for _, f := range ar.Files {
				if f.Name == "registries" {
					wantRegs = strings.Fields(string(f.Data))
					continue
				}
				for i, line := range strings.Split(string(f.Data), "\n") {
					for _, m := range markRE.FindAllStringSubmatch(line, -1) {
						rest := strings.TrimSpace(m[2])
						for rest != "" {
							q, err := strconv.QuotedPrefix(rest)
							if err != nil {
								t.Fatalf("%s:%d: bad marker %q", f.Name, i+1, rest)
							}
							s, _ := strconv.Unquote(q)
							k := site{m[1], f.Name, i + 1}
							want[k] = append(want[k], s)
							rest = strings.TrimSpace(rest[len(q):])
						}
					}
				}
			}
			for k, names := range got {
				w := want[k]
				slices.Sort(names)
				slices.Sort(w)
				if !slices.Equal(names, w) {
					t.Errorf("%s:%d: %s %q linked, want %q", k.file, k.line, k.kind, names, w)
				}
			}
			for k, w := range want {
				if _, ok := got[k]; !ok {
					t.Errorf("%s:%d: want %s %q, none linked", k.file, k.line, k.kind, w)
				}
			}
			var regs []string
			for id := range active {
				regs = append(regs, id)
			}
			slices.Sort(regs)
			slices.Sort(wantRegs)
			if !slices.Equal(regs, wantRegs) {
				t.Errorf("registries with registrations or lookups = %q, want %q", regs, wantRegs)
			}
			findings := runRules(t, dir, false)
			matchWants(t, dir, findings)
		})
	}
}
