// Package contract is the logging plugin registry: plugins register a
// Logger under a name in init, hosts get one by name.
package contract

import "fmt"

// Logger is what every logging plugin provides.
type Logger interface {
	Log(msg string) error
}

var loggers = map[string]Logger{}

// Register adds a logger under name. Call it from init.
func Register(name string, l Logger) {
	loggers[name] = l
}

// Get returns the logger registered under name.
func Get(name string) (Logger, error) {
	l, ok := loggers[name]
	if !ok {
		return nil, fmt.Errorf("no logger %q", name)
	}
	return l, nil
}
