// Package alpha is a logger plugin.
package alpha

import "example.com/contract/registry"

// Alpha logs.
type Alpha struct{}

// Setup implements registry.Plugin.
func (Alpha) Setup() error { return nil }

func init() {
	registry.Register("logger", Alpha{})
}
