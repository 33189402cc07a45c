// Package beta is a second plugin that took the name of the first.
package beta

import "example.com/contract/registry"

// Beta also logs.
type Beta struct{}

// Setup implements registry.Plugin.
func (Beta) Setup() error { return nil }

var retries int = "three"

func init() {
	registry.Register("logger", Beta{})
}
