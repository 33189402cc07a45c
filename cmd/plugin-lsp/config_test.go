package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/plugin-lsp/plugin-lsp/cmd/plugin-lsp/internal/report"
	"github.com/plugin-lsp/plugin-lsp/diagnostics"
	"github.com/plugin-lsp/plugin-lsp/index"
	"github.com/plugin-lsp/plugin-lsp/lsp"
)

// The three surfaces of the configuration model, each giving its layer
// (diagnostics.Config) or the error a user sees.

// fromYAML is the layer of a .plugin-lsp.yaml holding text, as check and
// the server read it (index, then diagnostics.WorkspaceConfig); the error
// is every problem of the file.
func fromYAML(t *testing.T, text string) (diagnostics.Config, error) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range map[string]string{
		"go.mod":         "module example.com/m\n\ngo 1.22\n",
		"a.go":           "package m\n",
		index.ConfigFile: text,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := index.New(index.Options{Roots: []string{dir}, ModCache: index.NoDependencies}).Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cfg, problems := diagnostics.WorkspaceConfig(snap)
	var msgs []string
	for _, p := range append(snap.Problems(), problems...) {
		msgs = append(msgs, fmt.Sprintf("line %d: %s", p.Line, p.Msg))
	}
	if len(msgs) > 0 {
		return cfg, fmt.Errorf("%s", strings.Join(msgs, "; "))
	}
	return cfg, nil
}

// fromFlags is the layer of check's flags.
func fromFlags(args ...string) (diagnostics.Config, error) {
	fs, fv := newCheckFlags()
	if err := fs.Parse(args); err != nil {
		return diagnostics.Config{}, err
	}
	c, err := fv.config(nil)
	return c.flags, err
}

// fromEditor is the layer of the editor's plugin-lsp settings.
func fromEditor(js string) (diagnostics.Config, error) {
	s, err := lsp.ParseSettings(json.RawMessage(js))
	return s.Config, err
}

// describe renders a layer: rule states and severities sorted, then the
// matrix ("-" when the layer sets none).
func describe(c diagnostics.Config) string {
	var parts []string
	for id, on := range c.Rules {
		parts = append(parts, fmt.Sprintf("%s=%s", id, map[bool]string{true: "on", false: "off"}[on]))
	}
	for id, sev := range c.Severity {
		parts = append(parts, fmt.Sprintf("%s:%s", id, sev))
	}
	sort.Strings(parts)
	m := "-"
	if c.Configs != nil {
		var cs []string
		for _, x := range c.Configs {
			cs = append(cs, x.String())
		}
		m = strings.Join(cs, " ")
	}
	return strings.Join(append(parts, "matrix "+m), " ")
}

// TestConfigSurfaces: each setting written in .plugin-lsp.yaml, as check
// flags and as editor settings gives the same layer, and a bad value the
// same reason (one parser and validator per setting).
func TestConfigSurfaces(t *testing.T) {
	for _, tc := range []struct {
		name   string
		yaml   string
		flags  []string
		editor string
		want   string // describe of the layer, or with err the reason every surface gives
		err    bool
	}{
		{"disable a rule", "rules:\n  disabled: [reg005]\n", []string{"-disable", "reg005"}, `{"rules": {"disabled": ["reg005"]}}`,
			"REG005=off matrix -", false},
		{"enable a rule", "rules:\n  enabled: [REG005]\n", []string{"-enable", "REG005"}, `{"rules": {"enabled": ["REG005"]}}`,
			"REG005=on matrix -", false},
		{"severity", "severity:\n  reg007: Error\n", []string{"-severity", "reg007=Error"}, `{"severity": {"reg007": "Error"}}`,
			"REG007:error matrix -", false},
		{"matrix", "buildConfigs: [linux/arm64+integration]\n", []string{"-goos", "linux", "-goarch", "arm64", "-tags", "integration"},
			`{"buildConfigs": ["linux/arm64+integration"]}`, "matrix linux/arm64+cgo,integration", false},
		{"matrix as fields", "buildConfigs:\n  - {goos: linux, goarch: arm64, tags: [integration]}\n", []string{"-goos", "linux", "-goarch", "arm64", "-tags", "integration"},
			`{"buildConfigs": [{"goos": "linux", "goarch": "arm64", "tags": ["integration"]}]}`, "matrix linux/arm64+cgo,integration", false},
		{"the cgo rule: !cgo", "buildConfigs: [windows/amd64+!cgo]\n", []string{"-goos", "windows", "-goarch", "amd64", "-tags", "!cgo"},
			`{"buildConfigs": ["windows/amd64+!cgo"]}`, "matrix windows/amd64", false},
		{"unknown rule", "rules:\n  disabled: [REG999]\n", []string{"-disable", "REG999"}, `{"rules": {"disabled": ["REG999"]}}`,
			`unknown rule "REG999" (known: MF001, MF002, MF003, MF004, PL001,`, true},
		{"unknown rule in severity", "severity:\n  REG999: error\n", []string{"-severity", "REG999=error"}, `{"severity": {"REG999": "error"}}`,
			`unknown rule "REG999" (known: MF001,`, true},
		{"bad severity", "severity:\n  REG007: fatal\n", []string{"-severity", "REG007=fatal"}, `{"severity": {"REG007": "fatal"}}`,
			`unknown severity "fatal" (want error, warning, info or hint)`, true},
		{"unknown GOOS", "buildConfigs: [haiku/amd64]\n", []string{"-goos", "haiku"}, `{"buildConfigs": ["haiku/amd64"]}`,
			`unknown GOOS "haiku" (known: aix, android,`, true},
		{"unknown GOARCH", "buildConfigs: [linux/x86]\n", []string{"-goarch", "x86"}, `{"buildConfigs": [{"goarch": "x86"}]}`,
			`unknown GOARCH "x86" (known: 386, amd64,`, true},
		{"bad tag", "buildConfigs: ['linux/amd64+a b']\n", []string{"-goos", "linux", "-tags", "a b"}, `{"buildConfigs": ["linux/amd64+a b"]}`,
			`bad build tag "a b"`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			yc, yerr := fromYAML(t, tc.yaml)
			fc, ferr := fromFlags(tc.flags...)
			ec, eerr := fromEditor(tc.editor)
			for _, s := range []struct {
				surface string
				c       diagnostics.Config
				err     error
			}{{"yaml", yc, yerr}, {"flags", fc, ferr}, {"editor", ec, eerr}} {
				if tc.err {
					if s.err == nil || !strings.Contains(s.err.Error(), tc.want) {
						t.Errorf("%s: error %v, want one with %q", s.surface, s.err, tc.want)
					}
					continue
				}
				if s.err != nil {
					t.Errorf("%s: %v", s.surface, s.err)
				} else if got := describe(s.c); got != tc.want {
					t.Errorf("%s: %s, want %s", s.surface, got, tc.want)
				}
			}
		})
	}
	// The file's error names its line.
	if _, err := fromYAML(t, "registries: []\nrules:\n  disabled: [REG001, REG999]\n"); err == nil || !strings.HasPrefix(err.Error(), "line 3: rules.disabled: unknown rule") {
		t.Errorf("yaml error %v, want it on line 3", err)
	}
}

// TestConfigPrecedence: a flag or an editor setting wins over the file for
// the rules it names, the file's other settings stay, and a matrix given
// above replaces the file's; under both, the defaults.
func TestConfigPrecedence(t *testing.T) {
	file, err := fromYAML(t, "rules:\n  disabled: [REG005, REG007]\nseverity:\n  REG001: info\n  REG003: warning\nbuildConfigs: [linux/arm64]\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		flags  []string
		editor string
		want   string
	}{
		{"nothing above the file", nil, `{}`, "REG001:info REG003:warning REG005=off REG007=off matrix linux/arm64+cgo"},
		{"per rule", []string{"-enable", "REG005", "-severity", "REG001=warning"},
			`{"rules": {"enabled": ["REG005"]}, "severity": {"REG001": "warning"}}`,
			"REG001:warning REG003:warning REG005=on REG007=off matrix linux/arm64+cgo"},
		{"disable above", []string{"-disable", "REG003"}, `{"rules": {"disabled": ["REG003"]}}`,
			"REG001:info REG003:warning REG003=off REG005=off REG007=off matrix linux/arm64+cgo"},
		{"matrix above", []string{"-goos", "darwin", "-goarch", "amd64"}, `{"buildConfigs": ["darwin/amd64"]}`,
			"REG001:info REG003:warning REG005=off REG007=off matrix darwin/amd64+cgo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fc, err := fromFlags(tc.flags...)
			if err != nil {
				t.Fatal(err)
			}
			ec, err := fromEditor(tc.editor)
			if err != nil {
				t.Fatal(err)
			}
			for surface, c := range map[string]diagnostics.Config{"flags": fc, "editor": ec} {
				if got := describe(c.Over(file)); got != tc.want {
					t.Errorf("%s over the file: %s, want %s", surface, got, tc.want)
				}
			}
		})
	}
	// Under everything, the defaults: no layer means every rule runs at its
	// own severity under index.DefaultConfigs.
	o := diagnostics.Config{}.Over(diagnostics.Config{}).Options()
	if o.Disabled != nil || o.Severity != nil || o.Configs != nil {
		t.Errorf("defaults: %+v", o)
	}
}

// TestCheckReadsConfigFile: check applies the .plugin-lsp.yaml's rules,
// severities and matrix; its flags win over the file; a broken file is
// exit 2 with the file and line.
func TestCheckReadsConfigFile(t *testing.T) {
	run := func(t *testing.T, dir string, args ...string) (rows []string, r result) {
		t.Helper()
		r = runBinary(t, dir, append([]string{"check", "-format", "json"}, args...)...)
		var got []report.JSONFinding
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil && r.exit != 2 {
			t.Fatalf("json: %v\n%s", err, r.stdout)
		}
		seen := map[string]bool{}
		for _, f := range got {
			if f.Rule == "COVERAGE" || f.Notification {
				continue
			}
			if s := f.Rule + " " + f.Severity; !seen[s] {
				seen[s] = true
				rows = append(rows, s)
			}
		}
		sort.Strings(rows)
		return rows, r
	}
	ws := loadWorkspace(t, "bugs")
	base, r := run(t, ws.dir, "./...")
	if r.exit != 1 || strings.Join(base, ", ") != "MF001 error, REG001 error, REG003 error" {
		t.Fatalf("without a file: exit %d, %v", r.exit, base)
	}
	write(t, ws.dir, index.ConfigFile, "rules:\n  disabled: [REG001]\nseverity:\n  MF001: warning\nbuildConfigs: [windows/amd64, darwin/arm64]\n")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		// REG006 appears under the file's matrix (linuxonly never builds
		// on windows or darwin); REG001 is off; MF001 a warning.
		{"the file", nil, "MF001 warning, REG003 error, REG006 warning"},
		{"flags over the file", []string{"-enable", "REG001", "-severity", "MF001=info,REG003=hint", "-goos", "linux"},
			"MF001 info, REG001 error, REG003 hint"},
		{"-rules names a rule the file disables", []string{"-rules", "REG001"}, "REG001 error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, r := run(t, ws.dir, append(tc.args, "./...")...)
			if r.exit != 1 || stripCoverage(r.stderr) != "" || strings.Join(got, ", ") != tc.want {
				t.Errorf("exit %d, stderr %q, findings %v; want exit 1, %s", r.exit, r.stderr, got, tc.want)
			}
		})
	}
	write(t, ws.dir, index.ConfigFile, "rules:\n  disabled: [REG001]\nseverity:\n  MF01: warning\n")
	r = runBinary(t, ws.dir, "check", "./...")
	if want := `plugin-lsp check: error: .plugin-lsp.yaml:4: severity: unknown rule "MF01" (known: MF001,`; r.exit != 2 || !strings.Contains(r.stderr, want) {
		t.Errorf("broken file: exit %d, stderr %q; want exit 2 and %q", r.exit, r.stderr, want)
	}
}
