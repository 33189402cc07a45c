// Package audit is a plugin that registers itself as "audit".
package audit

import "example.com/fixture/contract"

// Trail records every message.
type Trail struct{}

// Log records msg.
func (Trail) Log(msg string) { println("audit:", msg) }

func init() {
	contract.Register("audit", Trail{})
}
