package diagnostics

var rulePL004 = Rule{
	ID:       "PL004",
	Name:     "dependency-skew",
	Title:    "Host and plugin are built against different versions of a package",
	Severity: Error,
	HelpURI:  helpURI("PL004"),
	check:    checkPL004,
	Doc: `` + "`plugin.Open`" + ` fails with "plugin was built with a different version of package" unless every
package shared by host and plugin is byte-identical. Fires when host and plugin are separate
modules whose ` + "`go.mod`" + ` files require different versions of a module both use, when their
` + "`toolchain`" + ` lines select different compilers, or when the known build commands differ in
` + "`-trimpath`" + ` or other flags that change package hashes (` + "`-race`" + `, ` + "`-gcflags`" + `, ` + "`-tags`" + `,
` + "`-buildvcs`" + ` is harmless).

Not reported when host and plugin modules are in one ` + "`go.work`" + ` (the workspace resolves every
module to one version), or when they are the same module.`,
	Before: `// host/go.mod:   require example.com/contract v1.2.0
// plugin/go.mod: require example.com/contract v1.3.0`,
	After: `// both: require example.com/contract v1.3.0 (or build both in one go.work)`,
}
