package diagnostics

var ruleREG006 = Rule{
	ID:       "REG006",
	Name:     "aggregator-mismatch",
	Title:    "An aggregator's build constraint never matches the plugin it imports",
	Severity: Warning,
	HelpURI:  helpURI("REG006"),
	check:    checkREG006,
	Doc: `Fires when an aggregator file (a file of blank imports of plugin packages, as in Telegraf's
` + "`plugins/inputs/all/*.go`" + `) carries a build constraint under which none of the imported plugin's
files build, in every configured build configuration: the import never links anything. Also
fires when a plugin registers under a constraint that its own aggregator file never builds.`,
	Before: `//go:build windows
package all
import _ "example.com/app/plugins/inotify" // inotify.go is //go:build linux`,
	After: `//go:build linux
package all
import _ "example.com/app/plugins/inotify"`,
}
