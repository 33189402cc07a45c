package diagnostics

var rulePL006 = Rule{
	ID:       "PL006",
	Name:     "open-unknown",
	Title:    "plugin.Open of a path no known build command produces",
	Severity: Info,
	HelpURI:  helpURI("PL006"),
	check:    checkPL006,
	Doc: `Reports a ` + "`plugin.Open`" + ` with a constant path that no build command in the workspace
produces, so the plugin's symbols cannot be checked; the message lists the known outputs. Add
the build command to a Makefile or script, or map the path in ` + "`.plugin-lsp.yaml`" + `.
A copy of a built plugin (` + "`cp a.so b.so`" + ` in a script or a Go string, ` + "`os.Link`" + `,
` + "`os.Rename`" + `, or ` + "`os.WriteFile`" + ` of bytes ` + "`os.ReadFile`" + ` read from ` + "`a.so`" + `) is another
output of that plugin, so opening the copy is checked like opening the original.

Not reported for paths that are not constants, when the workspace has no plugin build commands
at all, when a known output has the same file name (a relative path the index could not pair),
or when another file of the module mentions the file name (a ` + "`.so`" + ` copied or written by a test
or script, as in Go's own plugin tests).`,
	Before: `p, err := plugin.Open("plugins/gretter.so") // Makefile builds plugins/greeter.so`,
	After:  `p, err := plugin.Open("plugins/greeter.so")`,
}
