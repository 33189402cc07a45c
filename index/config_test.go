package index

import (
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
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
		{"unknown top-level", "registry:\n  - register: a.B\n", []string{`line 1: unknown key "registry" (known keys: registries, plugins, rules, severity, buildConfigs)`}},
		{"unknown plugin key", "plugins:\n  - so: a.so\n    src: ./a\n", []string{`line 3: unknown key "src" (known keys: so, dir)`}},
		{"syntax", "registries:\n  - register: a.B\n   lookup: [a.C]\n", []string{"line 3: "}},
		{"one-character error", "registries:\n  - register: a.B\n    capabilities: [fmt\n", []string{"line 3: "}},
		{"wrong type", "registries:\n  - register: a.B\n    nameArg: first\n", []string{"line 3: cannot unmarshal"}},
		{"duplicate key", "registries:\n  - register: a.B\n    register: a.C\n", []string{"line 3: "}},
		{"two documents", "registries: []\n---\nplugins: []\n", []string{"line 2: a second YAML document"}},
		{"full strength", "registries:\n  - register: a.B\n    nameField: Name\n    duplicates: panics\n", nil},
		{"bad duplicates", "registries:\n  - register: a.B\n    duplicates: sometimes\n", []string{`line 3: duplicates: "sometimes" is not one of`}},
		{"settings", "rules:\n  disabled: [REG005]\n  enabled: [REG003]\nseverity:\n  REG007: error\nbuildConfigs:\n  - linux/arm64+integration\n  - {goos: windows, goarch: amd64, tags: ['!cgo']}\n", nil},
		{"null sections", "rules:\nseverity:\nbuildConfigs:\n", nil},
		{"unknown rules key", "rules:\n  disable: [REG005]\n", []string{`line 2: rules: unknown key "disable" (known keys: disabled, enabled)`}},
		{"rules not a list", "rules:\n  disabled: REG005\n", []string{"line 2: rules.disabled: want a list"}},
		{"severity not a mapping", "severity: [REG005]\n", []string{"line 1: severity: want a mapping"}},
		{"bad goos", "buildConfigs:\n  - linux/amd64\n  - {goos: Linux}\n", []string{`line 3: buildConfigs[1]: unknown GOOS "Linux" (known: aix,`}},
		{"bad goarch string", "buildConfigs:\n  - linux/x86\n", []string{`line 2: buildConfigs[0]: unknown GOARCH "x86"`}},
		{"bad build config key", "buildConfigs:\n  - {os: linux}\n", []string{`line 2: buildConfigs[0]: unknown key "os" (known keys: goos, goarch, tags)`}},
		{"bad tag", "buildConfigs:\n  - {tags: [a b]}\n", []string{`line 2: buildConfigs[0]: bad build tag "a b"`}},
		{"errors in line order", "buildConfigs: [linux]\nregistries:\n  - register: a.B\n    duplicates: sometimes\n", []string{`line 1: buildConfigs[0]: "linux": want`, "line 4: duplicates"}},
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
			if len(c.Registries) != 0 || len(c.Plugins) != 0 || c.Rules != nil || c.BuildConfigs != nil {
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

// TestConfigSettings: the rules, severity and buildConfigs sections are
// kept with their lines (rule IDs as written: diagnostics validates them),
// and build configurations go through NewBuildConfig (the cgo rule).
func TestConfigSettings(t *testing.T) {
	c := parseConfig([]byte("rules:\n  disabled: [reg005]\nseverity:\n  REG007: error\nbuildConfigs:\n  - linux/arm64+integration\n  - {goos: windows, goarch: amd64, tags: ['!cgo']}\n  - linux/arm64+cgo,integration\n"))
	if c.Err != "" {
		t.Fatal(c.Err)
	}
	want := []ConfigRule{{Key: "rules.disabled", ID: "reg005", Line: 2}, {Key: "severity", ID: "REG007", Value: "error", Line: 4}}
	if !reflect.DeepEqual(c.Rules, want) {
		t.Errorf("rules %+v, want %+v", c.Rules, want)
	}
	var got []string
	for _, b := range c.BuildConfigs {
		got = append(got, b.String())
	}
	if strings.Join(got, " ") != "linux/arm64+cgo,integration windows/amd64" {
		t.Errorf("buildConfigs %v", got)
	}
}

// TestConfiguredMatrix: without Options.Configs the index links under the
// union of the workspace's buildConfigs; with them, the option wins (a flag
// or an editor setting is above the file).
func TestConfiguredMatrix(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"go.work":            "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n",
		"a/go.mod":           "module example.com/a\n\ngo 1.22\n",
		"a/a.go":             "package a\n",
		"a/.plugin-lsp.yaml": "buildConfigs: [linux/arm64, freebsd/amd64]\n",
		"b/go.mod":           "module example.com/b\n\ngo 1.22\n",
		"b/b.go":             "package b\n",
		"b/.plugin-lsp.yaml": "buildConfigs: [freebsd/amd64+cgo, plan9/386]\n",
	})
	str := func(cs []BuildConfig) string {
		var s []string
		for _, c := range cs {
			s = append(s, c.String())
		}
		return strings.Join(s, " ")
	}
	snap := build(t, Options{Roots: []string{dir}})
	if got, want := str(snap.Configs()), "linux/arm64+cgo freebsd/amd64+cgo plan9/386+cgo"; got != want {
		t.Errorf("from the files: %s, want %s", got, want)
	}
	if got := str(ConfiguredMatrix(snap.Modules())); got != "linux/arm64+cgo freebsd/amd64+cgo plan9/386+cgo" {
		t.Errorf("ConfiguredMatrix: %s", got)
	}
	snap = build(t, Options{Roots: []string{dir}, Configs: []BuildConfig{{GOOS: "linux", GOARCH: "amd64"}}})
	if got := str(snap.Configs()); got != "linux/amd64" {
		t.Errorf("with Options.Configs: %s", got)
	}
}

// TestNewBuildConfig is the one validator of a build configuration.
func TestNewBuildConfig(t *testing.T) {
	host := runtime.GOOS + "/" + runtime.GOARCH
	for _, tc := range []struct {
		goos, goarch string
		tags         []string
		want, err    string
	}{
		{"", "", nil, host + "+cgo", ""},
		{"linux", "arm64", []string{"b", "a", "b"}, "linux/arm64+a,b,cgo", ""},
		{"linux", "arm64", []string{"!cgo", "x"}, "linux/arm64+x", ""},
		{"linux", "arm64", []string{"cgo", "!cgo"}, "linux/arm64", ""},
		{"Linux", "", nil, "", `unknown GOOS "Linux" (known: aix, android,`},
		{"linux", "x86", nil, "", `unknown GOARCH "x86" (known: 386, amd64,`},
		{"linux", "amd64", []string{"a b"}, "", `bad build tag "a b"`},
	} {
		c, err := NewBuildConfig(tc.goos, tc.goarch, tc.tags)
		if tc.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
				t.Errorf("NewBuildConfig(%q, %q, %q): %v, want %q", tc.goos, tc.goarch, tc.tags, err, tc.err)
			}
			continue
		}
		if err != nil || c.String() != tc.want {
			t.Errorf("NewBuildConfig(%q, %q, %q) = %s, %v; want %s", tc.goos, tc.goarch, tc.tags, c, err, tc.want)
		}
	}
	if _, err := ParseBuildConfig("linux"); err == nil {
		t.Error(`ParseBuildConfig("linux"): no error`)
	}
}

// TestPortsMatchDistList keeps PortGOOS/PortGOARCH in step with the
// installed toolchain.
func TestPortsMatchDistList(t *testing.T) {
	out, err := exec.Command("go", "tool", "dist", "list").Output()
	if err != nil {
		t.Fatalf("go tool dist list: %v", err)
	}
	for _, l := range strings.Fields(string(out)) {
		goos, arch, _ := strings.Cut(l, "/")
		if !slices.Contains(PortGOOS, goos) || !slices.Contains(PortGOARCH, arch) {
			t.Errorf("port %s is missing from PortGOOS/PortGOARCH", l)
		}
	}
}
