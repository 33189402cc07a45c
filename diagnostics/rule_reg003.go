package diagnostics

var ruleREG003 = Rule{
	ID:       "REG003",
	Name:     "unknown-name",
	Title:    "A lookup names a plugin that no linked registration provides",
	Severity: Error,
	HelpURI:  helpURI("REG003"),
	Doc: `Fires when a lookup call (` + "`registry.Get(\"loger\")`" + `, ` + "`sql.Open(\"postgress\", dsn)`" + `) names a
plugin that no registration of that registry provides in the workspace. The message suggests
the nearest registered names (edit distance) and a quick fix replaces the literal.

Not reported when the name is not a constant, when the registry has registrations the index
cannot resolve (REG005) or registrations from outside the workspace (presets such as
` + "`database/sql`" + ` drivers live in other modules, so a name is only reported when the workspace
registers at least one name for that registry and the typo is within edit distance 2 of one).`,
	Before: `l := logging.Get("loger")`,
	After:  `l := logging.Get("logger")`,
}
