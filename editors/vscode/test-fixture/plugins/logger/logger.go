// Package logger is a plugin that registers itself as "logger".
package logger

import "example.com/fixture/contract"

// Stdout prints every message on standard output.
type Stdout struct{}

// Log prints msg.
func (Stdout) Log(msg string) { println(msg) }

func init() {
	contract.Register("logger", Stdout{})
}
