package diagnostics

var ruleREG001 = Rule{
	ID:       "REG001",
	Name:     "duplicate-name",
	Title:    "Two registrations of one name in one registry are linked into one host",
	Severity: Error,
	HelpURI:  helpURI("REG001"),
	check:    checkREG001,
	Doc: `Fires when two registrations of the same name in the same registry are linked into one
host (a ` + "`main`" + ` package) under one build configuration (GOOS/GOARCH/tags). Depending on the
registry, the second registration panics at start-up (` + "`database/sql`" + `, ` + "`expvar`" + `) or silently
replaces the first, so one plugin is never used. Both places are reported, with the
configurations where both are linked.

Not reported: registrations under mutually exclusive build constraints (Telegraf registers one
name from several files, one per OS); registrations in ` + "`_test.go`" + ` files; plugins linked into
different hosts; registrations outside ` + "`init`" + ` (they may never both run); two registrations
from the same package with an identical call (redundant, not conflicting) unless the registry
panics on duplicates; registries where repeats are harmless: those that append to a slice
(` + "`image.RegisterFormat`" + `, ` + "`crypto/internal/impl.Register`" + `) or keep a set of names without values
(` + "`sysdll.Add`" + `).`,
	Before: `// plugins/a/a.go
func init() { registry.Register("logger", &A{}) }

// plugins/b/b.go
func init() { registry.Register("logger", &B{}) } // both imported by cmd/host`,
	After: `// plugins/b/b.go
func init() { registry.Register("logger-b", &B{}) }`,
}
