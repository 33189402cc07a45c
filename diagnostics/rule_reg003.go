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

Plugins may come from modules outside the workspace (` + "`database/sql`" + ` drivers usually do), so a
name is only reported when it is a near miss of a name the workspace registers: within edit
distance 2 (1 for names of 3–5 bytes, never for shorter ones). Not reported when the name is
not a constant, when the registry has registrations whose names the index cannot resolve
(REG005), or for inferred "registries" that are filled at run time (caches, interning tables).`,
	Before: `l := logging.Get("loger")`,
	After:  `l := logging.Get("logger")`,
}
