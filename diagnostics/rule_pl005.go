package diagnostics

var rulePL005 = Rule{
	ID:       "PL005",
	Name:     "unsupported-os",
	Title:    "plugin.Open in code built for an OS without plugin support",
	Severity: Warning,
	HelpURI:  helpURI("PL005"),
	check:    checkPL005,
	Doc: `The ` + "`plugin`" + ` package works on linux, darwin and freebsd (and android); elsewhere
` + "`plugin.Open`" + ` always returns an error. Fires on a ` + "`plugin.Open`" + ` call in a file that builds for
windows (or another GOOS without plugin support) under a configured build configuration,
listing those configurations. A file whose build constraint excludes such systems is silent.`,
	Before: `//go:build windows
p, err := plugin.Open("x.so")`,
	After: `//go:build linux || darwin
p, err := plugin.Open("x.so")`,
}
