// Code generated from the rule_*.go files by `go generate ./diagnostics`. DO NOT EDIT.

package diagnostics

// Rules returns every rule in ID order: families REG, PL, MF, SEC, then
// number; one per rule_<id>.go file. The slice is new on each call.
func Rules() []Rule {
	return []Rule{
		ruleREG001,
		ruleREG002,
		ruleREG003,
		ruleREG004,
		ruleREG005,
		ruleREG006,
		ruleREG007,
		rulePL001,
		rulePL002,
		rulePL003,
		rulePL004,
		rulePL005,
		rulePL006,
		ruleMF001,
		ruleMF002,
		ruleMF003,
		ruleMF004,
		ruleSEC001,
	}
}
