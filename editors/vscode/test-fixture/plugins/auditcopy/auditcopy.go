// Package auditcopy registers a second plugin under the name "audit": linked
// into the same host as plugins/audit, one silently replaces the other (REG001).
package auditcopy

import "example.com/fixture/contract"

// Copy drops every message.
type Copy struct{}

// Log drops msg.
func (Copy) Log(string) {}

func init() {
	contract.Register("audit", Copy{})
}
