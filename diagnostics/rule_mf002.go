package diagnostics

var ruleMF002 = Rule{
	ID:       "MF002",
	Name:     "requires-unmet",
	Title:    "A manifest requires a plugin or version the workspace does not have",
	Severity: Error,
	HelpURI:  helpURI("MF002"),
	check:    checkMF002,
	Doc: `Fires when a ` + "`requires`" + ` entry of a ` + "`plugin-manifest.yaml`" + ` names a plugin that no manifest in
the workspace declares, or a constraint (` + "`>=1.2.0`" + `, ` + "`^1.0`" + `, ` + "`~1.2`" + `, ` + "`1.x`" + `) that no declared
version satisfies. The message lists the versions that exist.`,
	Before: `requires:
  auth: ">=2.0.0"   # the workspace has auth 1.4.0`,
	After: `requires:
  auth: ">=1.4.0"`,
}
