package diagnostics

var ruleMF004 = Rule{
	ID:       "MF004",
	Name:     "name-mismatch",
	Title:    "The manifest name differs from the name the package registers",
	Severity: Warning,
	HelpURI:  helpURI("MF004"),
	check:    checkMF004,
	Doc: `Fires when a ` + "`plugin-manifest.yaml`" + ` sits next to a package that registers plugins under
constant names and none of those names equals the manifest's ` + "`name`" + `.`,
	Before: `# plugins/redis/plugin-manifest.yaml
name: redis-cache
# plugins/redis/redis.go: cache.Register("redis", New)`,
	After: `name: redis`,
}
