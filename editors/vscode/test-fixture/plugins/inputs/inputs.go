// Package inputs is a Telegraf-style registry of input plugins: a
// telegraf.conf names them in [[inputs.NAME]] tables, which plugin-lsp
// resolves to the registrations here (its package is named "inputs").
package inputs

// Input is what an input plugin implements.
type Input interface {
	Gather() error
}

// Inputs holds the registered input plugins by name.
var Inputs = map[string]Input{}

// Add registers an input plugin under name.
func Add(name string, in Input) {
	Inputs[name] = in
}
