package diagnostics

var rulePL003 = Rule{
	ID:       "PL003",
	Name:     "not-main",
	Title:    "A directory built as a plugin is not package main",
	Severity: Error,
	HelpURI:  helpURI("PL003"),
	check:    checkPL003,
	Doc: `` + "`go build -buildmode=plugin`" + ` requires ` + "`package main`" + `. Fires on a build command in the
workspace (Makefile, script, Go string literal) that builds a directory or file whose package
is not ` + "`main`" + `. Reported at the build command, or at the ` + "`plugin.Open`" + ` of a plugin that
` + "`.plugin-lsp.yaml`" + ` maps to a source directory. A command in Go code that builds its own
directory is skipped: such tests run the command in a temporary directory (` + "`cmd.Dir`" + `).`,
	Before: `go build -buildmode=plugin -o greeter.so ./greeter   # greeter.go: package greeter`,
	After:  `// greeter.go: package main`,
}
