package diagnostics

var ruleSEC001 = Rule{
	ID:       "SEC001",
	Name:     "capability",
	Title:    "A plugin imports a package outside its registry's capability allowlist",
	Severity: Error,
	HelpURI:  helpURI("SEC001"),
	check:    checkSEC001,
	Doc: `A registry can be declared sandboxed in ` + "`.plugin-lsp.yaml`" + ` with an allowlist of importable
packages (` + "`capabilities:`" + `, exact import paths or ` + "`prefix/...`" + ` patterns; the registry's own
package is always allowed). Fires at each import of a package that registers into such a
registry when the imported path is not allowed (for example ` + "`os/exec`" + `, ` + "`unsafe`" + `, ` + "`net`" + `).
Without configuration the rule never fires. Keys of ` + "`.plugin-lsp.yaml`" + ` are checked: an unknown
key is an error with its line, and the file is then ignored.`,
	Before: `# .plugin-lsp.yaml
registries:
  - register: example.com/app/filters.Register
    capabilities: [strings, strconv]
// plugins/shell/shell.go
package shell

import (
	"os/exec"

	"example.com/app/filters"
)

func init() {
	filters.Register("shell", func(s string) string {
		out, _ := exec.Command("sh", "-c", s).Output()
		return string(out)
	})
}`,
	After: `// plugins/shell/shell.go: no os/exec; ask the host for the capability instead`,
}
