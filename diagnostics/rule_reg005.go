package diagnostics

var ruleREG005 = Rule{
	ID:       "REG005",
	Name:     "nonconst-name",
	Title:    "The registered name is not a constant",
	Severity: Info,
	HelpURI:  helpURI("REG005"),
	check:    checkREG005,
	Doc: `Reports a registration whose name cannot be resolved to a constant (a variable, a function
result, a formatted string). The code is not wrong, but plugin-lsp cannot check duplicates or
lookups of that name. Use a string literal or a constant to get the checks.

Only for string-keyed plugin registries (most registrations from other packages happen at init
time); wrappers that forward their own parameter and tables keyed by other types are silent.`,
	Before: `func init() { registry.Register(strings.ToLower(kind), New) }`,
	After: `const name = "redis"
func init() { registry.Register(name, New) }`,
}
