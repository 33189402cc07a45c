package diagnostics

var ruleREG004 = Rule{
	ID:         "REG004",
	Name:       "contract",
	Title:      "The registered value does not implement the registry's contract",
	Severity:   Error,
	HelpURI:    helpURI("REG004"),
	check:      checkREG004,
	NeedsTypes: true,
	Doc: `Fires when the value passed to a registration does not implement the interface the registry
stores (its contract): a missing method, a method with another signature, or a method with a
pointer receiver on a value. The message names the method. Usually the compiler reports this
too, unless the registry takes ` + "`any`" + ` and asserts later (then it fails at run time).

Needs type information; it runs in the background after the syntax rules.`,
	Before: `type Plugin interface{ Start() error }
func Register(name string, p any) { plugins[name] = p.(Plugin) }

type T struct{}
func (*T) Start() error { return nil }
func init() { Register("t", T{}) } // pointer receiver: T does not implement Plugin`,
	After: `func init() { Register("t", &T{}) }`,
}
