package diagnostics

var rulePL002 = Rule{
	ID:         "PL002",
	Name:       "lookup-assert",
	Title:      "The type assertion after plugin.Lookup cannot succeed",
	Severity:   Error,
	HelpURI:    helpURI("PL002"),
	check:      checkPL002,
	NeedsTypes: true,
	Doc: `` + "`Lookup`" + ` returns a pointer for a variable (` + "`*int`" + ` for ` + "`var V int`" + `) and the function value for
a function. Fires when the assertion on the looked-up symbol cannot succeed: a variable
asserted as ` + "`T`" + ` instead of ` + "`*T`" + `, or a function asserted as a function type with another
signature. A quick fix turns ` + "`v.(int)`" + ` into ` + "`v.(*int)`" + `.

Assertions to interface types are not reported (they may hold).`,
	Before: `v, _ := p.Lookup("V") // var V int
n := v.(int)`,
	After: `n := *v.(*int)`,
}
