package diagnostics

var ruleMF001 = Rule{
	ID:       "MF001",
	Name:     "manifest-invalid",
	Title:    "plugin-manifest.yaml is invalid",
	Severity: Error,
	HelpURI:  helpURI("MF001"),
	check:    checkMF001,
	Doc: `Fires when a ` + "`plugin-manifest.yaml`" + ` does not parse as YAML, lacks ` + "`name`" + ` or ` + "`version`" + `, has a
version that is not semantic (` + "`1.2.0`" + ` or ` + "`v1.2.0`" + `), or a ` + "`requires`" + ` constraint that does not
parse.`,
	Before: `name: greeter
version: one`,
	After: `name: greeter
version: 1.0.0`,
}
