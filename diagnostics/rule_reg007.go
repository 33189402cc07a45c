package diagnostics

var ruleREG007 = Rule{
	ID:       "REG007",
	Name:     "init-order",
	Title:    "A registration happens outside init or package-level initialisation",
	Severity: Warning,
	HelpURI:  helpURI("REG007"),
	check:    checkREG007,
	Doc: `Fires on a registration call in an ordinary function or method. Hosts read registries after
package initialisation; a registration made later, from a function that someone has to call,
may come after the host has looked the name up, or never happen. Register in ` + "`init()`" + ` or in
a package-level variable's initialiser.

Only for registries used the plugin way: most registrations from other (non-main) packages are
made at init time. Not reported in ` + "`main`" + ` packages (the host itself decides the order), in
` + "`_test.go`" + ` files, inside the registry's own package (wrappers that forward registrations), or
for registries filled at run time by design (caches, ` + "`expvar`" + `, ` + "`encoding/gob`" + `).`,
	Before: `func Setup() { registry.Register("redis", New) }`,
	After:  `func init() { registry.Register("redis", New) }`,
}
