package diagnostics

var ruleREG003 = Rule{
	ID:       "REG003",
	Name:     "unknown-name",
	Title:    "A lookup names a plugin that no linked registration provides",
	Severity: Error,
	HelpURI:  helpURI("REG003"),
	check:    checkREG003,
	Doc: `Fires when a lookup call (` + "`registry.Get(\"loger\")`" + `, ` + "`sql.Open(\"postgres\", dsn)`" + `) names a
plugin that no linked registration provides.

**With certainty.** When every package a host links is known — workspace packages, dependency
packages read from the module cache (the ones the workspace imports, cached per module version)
and the standard library — a lookup, in code that host links, of a name that nothing the host
links registers is reported whatever its distance to the registered names:
` + "`no package linked into example.com/app registers driver \"postgres\"`" + `. The message names a package
that registers the name and is not linked (a quick fix adds its blank import to the host's main
file): a workspace package, a dependency already read, or a package of a module the host's go.mod
already requires (found by reading that module in the module cache: any module for a standard
library registry, else the registry's own module and those that require it); else, for
` + "`database/sql`" + `, it names the well-known drivers (lib/pq, jackc/pgx/v5/stdlib, go-sql-driver/mysql,
mattn/go-sqlite3, modernc.org/sqlite …). Silent when some package the host links has no known
source (a dependency missing from the module cache: ` + "`plugin-lsp list`" + ` and the coverage line say
which), when a linked registration's name is not a constant (REG005), for registries the
standard library itself fills (image, crypto, gob, expvar), and in _test.go files.

**Near misses.** Otherwise (a lookup in a library no host links, unknown sources) a name is
only reported when it is a near miss of a name the registry has: within edit distance 2 (1 for
names of 3–5 bytes, never for shorter ones); the quick fix replaces the literal. Not reported
when the name is not a constant, or for inferred "registries" that are filled at run time
(caches, interning tables).`,
	Before: `l := logging.Get("loger")`,
	After:  `l := logging.Get("logger")`,
}
