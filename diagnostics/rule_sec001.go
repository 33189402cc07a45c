package diagnostics

var ruleSEC001 = Rule{
	ID:       "SEC001",
	Name:     "capability",
	Title:    "A plugin imports a package outside its registry's capability allowlist",
	Severity: Error,
	HelpURI:  helpURI("SEC001"),
	Doc: `A registry can be declared sandboxed in ` + "`.plugin-lsp.yaml`" + ` with an allowlist (or denylist) of
importable packages. Fires at each import of a package that registers into such a registry
when the imported path is not allowed (for example ` + "`os/exec`" + `, ` + "`unsafe`" + `, ` + "`net`" + `).
Without configuration the rule never fires.`,
	Before: `# .plugin-lsp.yaml
registries:
  - id: example.com/app/filters.Register
    allow: [strings, strconv, "example.com/app/filters"]
// plugins/shell/shell.go
import "os/exec"`,
	After: `// plugins/shell/shell.go: no os/exec; ask the host for the capability instead`,
}
