package diagnostics

var rulePL001 = Rule{
	ID:       "PL001",
	Name:     "lookup-missing",
	Title:    "plugin.Lookup names a symbol the plugin does not export",
	Severity: Error,
	HelpURI:  helpURI("PL001"),
	check:    checkPL001,
	Doc: `Fires when ` + "`p.Lookup(\"Name\")`" + ` names a symbol that the source of the plugin opened by ` + "`p`" + `
does not declare at package level, or declares unexported (` + "`Lookup`" + ` only finds exported
functions and variables). The plugin is known from the build commands in the workspace
(` + "`go build -buildmode=plugin -o x.so ./dir`" + ` in Makefiles, scripts or Go string literals)
and the ` + "`plugin.Open`" + ` path. A quick fix replaces the name with the nearest exported symbol.

Not reported when the opened path maps to no known plugin, or maps to several plugin sources
(tests that build different sources to the same ` + "`.so`" + `) and any of them declares the symbol.`,
	Before: `p, _ := plugin.Open("greeter.so")
s, _ := p.Lookup("greet") // greeter declares func Greet`,
	After: `s, _ := p.Lookup("Greet")`,
}
