package diagnostics

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/plugin-lsp/plugin-lsp/index"
)

// TestWorkspaceConfig: the .plugin-lsp.yaml files of a workspace combine
// (union of rule settings and matrices); a rule set two ways is an error on
// the later line, and that file adds no rule settings.
func TestWorkspaceConfig(t *testing.T) {
	for _, tc := range []struct {
		name     string
		a, b     string
		want     string // Options summary
		problems []string
	}{
		{"union", "rules:\n  disabled: [REG005]\nbuildConfigs: [linux/arm64]\n", "severity:\n  REG007: error\nbuildConfigs: [linux/arm64, plan9/386]\n",
			"disabled [REG005] severity map[REG007:error] configs [linux/arm64+cgo plan9/386+cgo]", nil},
		{"same setting twice", "rules:\n  disabled: [REG005]\n", "rules:\n  disabled: [reg005]\n",
			"disabled [REG005] severity map[] configs []", nil},
		{"conflict between files", "rules:\n  disabled: [REG005]\n", "severity:\n  REG007: info\nrules:\n  enabled: [REG005]\n",
			"disabled [REG005] severity map[] configs []", []string{"b/.plugin-lsp.yaml:4: rules.enabled: REG005 is also disabled at "}},
		{"conflict in one file", "", "rules:\n  disabled: [REG005]\n  enabled: [REG005]\n",
			"disabled [] severity map[] configs []", []string{"b/.plugin-lsp.yaml:3: rules.enabled: REG005 is also disabled at "}},
		{"bad severity", "", "severity:\n  REG007: loud\n",
			"disabled [] severity map[] configs []", []string{`b/.plugin-lsp.yaml:2: severity: REG007: unknown severity "loud"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{
				"go.work":  "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n",
				"a/go.mod": "module example.com/a\n\ngo 1.22\n", "a/a.go": "package a\n",
				"b/go.mod": "module example.com/b\n\ngo 1.22\n", "b/b.go": "package b\n",
			}
			if tc.a != "" {
				files["a/.plugin-lsp.yaml"] = tc.a
			}
			files["b/.plugin-lsp.yaml"] = tc.b
			writeFiles(t, dir, files)
			cfg, ps := WorkspaceConfig(buildSnapshot(t, dir))
			o := cfg.Options()
			var dis []string
			for id := range o.Disabled {
				dis = append(dis, id)
			}
			var cs []string
			for _, c := range o.Configs {
				cs = append(cs, c.String())
			}
			sev := map[string]string{}
			for id, s := range o.Severity {
				sev[id] = s.String()
			}
			if got := "disabled [" + strings.Join(dis, " ") + "] severity " + fmtMap(sev) + " configs [" + strings.Join(cs, " ") + "]"; got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
			if len(ps) != len(tc.problems) {
				t.Fatalf("problems %v, want %q", ps, tc.problems)
			}
			for i, p := range ps {
				rel, _ := filepath.Rel(dir, p.Path)
				if got := rel + ":" + p.String()[len(p.Path)+1:]; p.Kind != index.ProblemConfig || !strings.HasPrefix(got, tc.problems[i]) {
					t.Errorf("problem %q, want prefix %q", got, tc.problems[i])
				}
			}
		})
	}
}

func fmtMap(m map[string]string) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, k+":"+v)
	}
	return "map[" + strings.Join(parts, " ") + "]"
}
