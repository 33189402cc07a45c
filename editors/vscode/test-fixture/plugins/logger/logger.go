// Package logger is a plugin that registers itself as "logger", in the
// contract registry and, like a Telegraf plugin, as the input "logger"
// (named by telegraf.conf).
package logger

import (
	"example.com/fixture/contract"
	"example.com/fixture/plugins/inputs"
)

// Stdout prints every message on standard output.
type Stdout struct{}

// Log prints msg.
func (Stdout) Log(msg string) { println(msg) }

// Gather has nothing to collect.
func (Stdout) Gather() error { return nil }

func init() {
	contract.Register("logger", Stdout{})
	inputs.Add("logger", Stdout{})
}
