// Package alpha is a plugin registered with a literal name.
package alpha

import "example.com/contract"

// Alpha is the alpha plugin.
type Alpha struct{}

// Setup implements contract.Plugin.
func (Alpha) Setup() error { return nil }

func init() {
	contract.Register("alpha", Alpha{})
}
