// Package contract is the plugin registry every plugin registers with.
package contract

// Plugin is what every plugin implements.
type Plugin interface{ Setup() error }

var registry = map[string]Plugin{}

// Register adds a plugin; a second plugin with the same name panics.
func Register(name string, p Plugin) {
	if _, dup := registry[name]; dup {
		panic("contract: duplicate plugin " + name)
	}
	registry[name] = p
}

// Lookup returns the plugin registered under name.
func Lookup(name string) (Plugin, bool) {
	p, ok := registry[name]
	return p, ok
}
