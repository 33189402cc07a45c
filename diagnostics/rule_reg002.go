package diagnostics

var ruleREG002 = Rule{
	ID:       "REG002",
	Name:     "not-linked",
	Title:    "A plugin package is imported by no host",
	Severity: Warning,
	HelpURI:  helpURI("REG002"),
	check:    checkREG002,
	Doc: `Fires on a package that registers plugins when no ` + "`main`" + ` package of the workspace imports
it, directly or through aggregator packages, under any build configuration: its ` + "`init`" + `
functions never run and its plugins are silently missing.

The quick fix adds a blank import of the package to a host or to an aggregator package that
hosts already import. Only registrations made at init time count. Not reported for workspaces
without any host (a library alone), for a registry none of whose plugins any host of the
workspace links (a library for other modules, such as ` + "`image/gif`" + ` in GOROOT), for
registrations in ` + "`_test.go`" + ` files, for packages of the registry itself, for test helpers
that tests of other packages import (Caddy's ` + "`internal/testmocks`" + `), for example and template
packages (a path element ` + "`example`" + `, ` + "`examples`" + `, ` + "`sample`" + `, ` + "`template`" + `…), and for packages
whose registration names are all computed. Custom build tags count as configurations: a package
imported only from a file such as ` + "`//go:build mysql`" + ` (golang-migrate's CLI drivers) is linked.

A library module that also ships a command may deliberately leave a plugin out of it
(golang-migrate's ` + "`source/pkger`" + `); suppress that with ` + "`//pluginlsp:ignore REG002 reason`" + `.`,
	Before: `// plugins/redis/redis.go
package redis
func init() { cache.Register("redis", New) }
// no main package imports ".../plugins/redis"`,
	After: `// cmd/server/main.go
import _ "example.com/app/plugins/redis"`,
}
