package index

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRelinkPath edits a copy of the seed workspace step by step and checks
// after each step which linking path the new snapshot took (incremental
// call resolution, or the full pass when the edit changes something other
// files' linking reads) and that the result dumps exactly like a cold build.
func TestRelinkPath(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(seedRoot(t))); err != nil {
		t.Fatal(err)
	}
	ix := New(Options{Roots: []string{dir}})
	if _, err := ix.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	ix.Snapshot().link()
	p := func(s string) string { return filepath.Join(dir, s) }
	edit := func(name, old, new string) func() string {
		return func() string {
			text := readFile(t, p(name))
			if !strings.Contains(text, old) {
				t.Fatalf("%s does not contain %q", name, old)
			}
			if err := os.WriteFile(p(name), []byte(strings.Replace(text, old, new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			return p(name)
		}
	}
	appendTo := func(name, text string) func() string {
		return func() string {
			if err := os.WriteFile(p(name), []byte(readFile(t, p(name))+text), 0o644); err != nil {
				t.Fatal(err)
			}
			return p(name)
		}
	}
	steps := []struct {
		name    string
		change  func() string
		relinks bool   // true: incremental; false: the full pass
		wantReg string // a registration the dump must show, "" for none
	}{
		{"registration name in a body", edit("plugins/alpha/alpha.go", `"alpha"`, `"alpha2"`), true, `"alpha2" resolved=true`},
		{"lookup name in the host", edit("host/main.go", `Lookup("delta")`, `Lookup("alpha2")`), true, ""},
		{"new function at the end of a plugin file", appendTo("plugins/alpha/alpha.go", "\nfunc helper() {}\n"), true, ""},
		{"new registration in a plugin body", edit("plugins/alpha/alpha.go", "func helper() {}", `func helper() { contract.Register("late", Alpha{}) }`), true, `"late" resolved=true`},
		{"comment below the constants", appendTo("contract/names/names.go", "\n// trailing comment\n"), true, ""},
		{"Makefile (not Go)", appendTo("native/Makefile", "\n# note\n"), true, ""},
		{"import added", edit("plugins/alpha/alpha.go", `import "example.com/contract"`, "import (\n\t\"example.com/contract\"\n\t_ \"fmt\"\n)"), false, ""},
		{"import renamed", edit("plugins/alpha/alpha.go", "\t\"example.com/contract\"\n", "\tcontract \"example.com/contract\"\n"), false, ""},
		{"new registry function", appendTo("plugins/alpha/alpha.go", "\nvar hooks = map[string]Alpha{}\n\n// AddHook registers a hook.\nfunc AddHook(name string, a Alpha) { hooks[name] = a }\n"), false, ""},
		{"call below the new registry", appendTo("plugins/alpha/alpha.go", "\nfunc more() { AddHook(\"hook\", Alpha{}) }\n"), true, ""},
		{"const used by another package", edit("contract/names/names.go", `"gamma"`, `"gamma9"`), false, `"gamma9" resolved=true`},
		{"const moved by a line above it", edit("contract/names/names.go", "// Gamma is", "//\n// Gamma is"), false, ""},
		{"new type in a plugin file", appendTo("plugins/alpha/alpha.go", "\ntype Extra struct{}\n"), false, ""},
		{"init calls a new function", edit("plugins/beta/beta.go", "contract.MustRegister(name, &Beta{})", "contract.MustRegister(name, &Beta{})\n\tsetup()"), false, ""},
		{"body edit after fallbacks", edit("plugins/alpha/alpha.go", `"alpha2"`, `"alpha3"`), true, `"alpha3" resolved=true`},
		{"package clause", edit("plugins/gamma/gamma.go", "package gamma", "package gamma2"), false, ""},
	}
	for _, st := range steps {
		ix.DiskChanged(st.change())
		inc := ix.Flush()
		if got := inc.link().relinked; got != st.relinks {
			t.Errorf("%s: relinked = %v, want %v", st.name, got, st.relinks)
		}
		if st.wantReg != "" && !strings.Contains(dump(inc), st.wantReg) {
			t.Errorf("%s: no %s in\n%s", st.name, st.wantReg, dump(inc))
		}
		if a, b := dump(inc), dump(build(t, Options{Roots: []string{dir}})); a != b {
			t.Fatalf("%s: incremental differs from cold:\n%s", st.name, diffLines(a, b))
		}
	}
}
