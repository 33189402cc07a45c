// Package gamma registers with constants from another package.
package gamma

import (
	"example.com/contract"
	"example.com/contract/names"
)

// Gamma is the gamma plugin.
type Gamma struct{}

// Setup implements contract.Plugin.
func (Gamma) Setup() error { return nil }

func init() {
	contract.Register(names.GammaAlias, Gamma{})
}
