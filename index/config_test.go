package index

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigStrict: a .plugin-lsp.yaml with an unknown key (the id:/allow:
// keys docs/rules.md once showed) or a syntax error is an error with its
// line, and the config is ignored; a valid one decodes.
func TestConfigStrict(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string // "line N: msg" prefixes; nil means valid
	}{
		{"valid", "registries:\n  - register: example.com/a.Register\n    lookup: [example.com/a.Get]\n    capabilities: [fmt]\nplugins:\n  - so: bin/x.so\n    dir: ./x\n", nil},
		{"empty", "", nil},
		{"comment only", "# nothing\n", nil},
		{"docs SEC001 keys", "registries:\n  - id: example.com/app/filters.Register\n    allow: [strings]\n",
			[]string{`line 2: unknown key "id" (known keys: register, lookup, contract`, `line 3: unknown key "allow" (known keys: register,`}},
		{"unknown top-level", "registry:\n  - register: a.B\n", []string{`line 1: unknown key "registry" (known keys: registries, plugins)`}},
		{"unknown plugin key", "plugins:\n  - so: a.so\n    src: ./a\n", []string{`line 3: unknown key "src" (known keys: so, dir)`}},
		{"syntax", "registries:\n  - register: a.B\n   lookup: [a.C]\n", []string{"line 3: "}},
		{"one-character error", "registries:\n  - register: a.B\n    capabilities: [fmt\n", []string{"line 3: "}},
		{"wrong type", "registries:\n  - register: a.B\n    nameArg: first\n", []string{"line 3: cannot unmarshal"}},
		{"duplicate key", "registries:\n  - register: a.B\n    register: a.C\n", []string{"line 3: "}},
		{"two documents", "registries: []\n---\nplugins: []\n", []string{"line 2: a second YAML document"}},
		{"full strength", "registries:\n  - register: a.B\n    nameField: Name\n    duplicates: panics\n", nil},
		{"bad duplicates", "registries:\n  - register: a.B\n    duplicates: sometimes\n", []string{`line 3: duplicates: "sometimes" is not one of`}},
		{"field and method", "registries:\n  - register: a.B\n    nameField: Name\n    nameMethod: Name\n", []string{"line 4: nameField and nameMethod both set"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := parseConfig([]byte(tc.yaml))
			if tc.want == nil {
				if c.Err != "" {
					t.Fatalf("unexpected error %s", c.Err)
				}
				return
			}
			if len(c.Errors) != len(tc.want) {
				t.Fatalf("errors %q, want %q", c.Errors, tc.want)
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(c.Errors[i].String(), w) {
					t.Errorf("error %d: %q, want prefix %q", i, c.Errors[i].String(), w)
				}
			}
			if len(c.Registries) != 0 || len(c.Plugins) != 0 {
				t.Errorf("a broken config must be ignored whole: %+v", c)
			}
		})
	}
}

// TestConfigProblems: a broken .plugin-lsp.yaml at a module root is a
// ProblemConfig with the file and line.
func TestConfigProblems(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"go.mod":           plainModule,
		"a/a.go":           "package a\n",
		".plugin-lsp.yaml": "registries:\n  - register: example.com/m/a.Register\n    allow: [fmt]\n",
	})
	ps := build(t, Options{Roots: []string{dir}}).Problems()
	if len(ps) != 1 || ps[0].Kind != ProblemConfig || ps[0].Path != filepath.Join(dir, ".plugin-lsp.yaml") || ps[0].Line != 3 {
		t.Fatalf("problems: %+v", ps)
	}
	if got := ps[0].String(); !strings.HasSuffix(got, `.plugin-lsp.yaml:3: unknown key "allow" (known keys: register, lookup, contract, nameArg, panicsOnDuplicate, duplicates, nameField, nameMethod, capabilities)`) {
		t.Errorf("String: %s", got)
	}
}

func TestConfigSyntaxLineSkipsMultilineFlow(t *testing.T) {
	c := parseConfig([]byte("registries:\n  - register: a.B\n    capabilities: [fmt,\n      strings]\n    lookup: x: y\n"))
	if len(c.Errors) != 1 || c.Errors[0].Line != 5 {
		t.Fatalf("errors: %+v", c.Errors)
	}
}

// TestConfigOutsideModuleRootIsReported: a .plugin-lsp.yaml in a
// subdirectory is never read; that is said, not silent.
func TestConfigOutsideModuleRootIsReported(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"go.mod":               plainModule,
		"a/a.go":               "package a\n",
		"a/.plugin-lsp.yaml":   "registries: []\n",
		"sub/go.mod":           "module example.com/sub\n",
		"sub/.plugin-lsp.yaml": "registries: []\n",
	})
	ps := build(t, Options{Roots: []string{dir}}).Problems()
	if len(ps) != 1 || ps[0].Path != filepath.Join(dir, "a", ".plugin-lsp.yaml") || !strings.Contains(ps[0].Msg, "read only at a module root") {
		t.Fatalf("problems: %+v", ps)
	}
}
