// Package gamma is a metrics plugin.
package gamma

import "example.com/contract/registry"

// Gamma counts.
type Gamma struct{}

// Setup implements registry.Plugin.
func (Gamma) Setup() error { return nil }

func init() {
	registry.Register("metrics", Gamma{})
}
