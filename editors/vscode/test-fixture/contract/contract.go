// Package contract is the plugin registry of the editor test fixture.
package contract

// Logger is the contract every registered plugin implements.
type Logger interface {
	Log(msg string)
}

var registry = map[string]Logger{}

// Register makes a plugin available under name.
func Register(name string, p Logger) {
	registry[name] = p
}

// Get returns the plugin registered under name, or nil.
func Get(name string) Logger {
	return registry[name]
}
