// Package registry is the plugin contract: plugins register themselves by
// name in init, hosts look them up.
package registry

// Plugin is what every plugin implements.
type Plugin interface{ Setup() error }

var plugins = map[string]Plugin{}

// Register adds a plugin under name.
func Register(name string, p Plugin) {
	plugins[name] = p
}

// Lookup returns the plugin registered under name.
func Lookup(name string) Plugin { return plugins[name] }
