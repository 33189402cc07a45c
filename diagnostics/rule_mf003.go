package diagnostics

var ruleMF003 = Rule{
	ID:       "MF003",
	Name:     "dependency-cycle",
	Title:    "The plugin dependency graph has a cycle",
	Severity: Error,
	HelpURI:  helpURI("MF003"),
	check:    checkMF003,
	Doc: `Fires when manifest ` + "`requires`" + ` entries, or imports between plugin packages, form a cycle.
The whole cycle is reported (` + "`a → b → c → a`" + `), once, at the member that sorts first, with
the other members as related locations. A cycle made only of imports is not reported: Go
rejects import cycles at compile time (gopls shows them), and one seen in the graph comes from
test imports.`,
	Before: `# a/plugin-manifest.yaml
requires: {b: ">=1.0.0"}
# b/plugin-manifest.yaml
requires: {a: ">=1.0.0"}`,
	After: `# b/plugin-manifest.yaml: no requires on a`,
}
