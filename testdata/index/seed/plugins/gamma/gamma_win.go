//go:build windows

package gamma

import "example.com/contract"

func init() {
	contract.Register("gamma-win", Gamma{})
}

// Late registers after init: outside init order.
func Late() {
	contract.Register("gamma-late", Gamma{})
}
