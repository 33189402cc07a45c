// Package beta registers through the wrapper with a constant from another file.
package beta

import "example.com/contract"

// Beta is the beta plugin.
type Beta struct{}

// Setup implements contract.Plugin.
func (*Beta) Setup() error { return nil }

func init() {
	contract.MustRegister(name, &Beta{})
}
