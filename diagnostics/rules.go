package diagnostics

import "strings"

// helpBase is where the generated rule docs live; each rule's HelpURI is
// this plus an anchor made from its ID.
const helpBase = "https://github.com/plugin-lsp/plugin-lsp/blob/main/docs/rules.md"

func helpURI(id string) string { return helpBase + "#" + strings.ToLower(id) }

// Rules returns every rule in ID order. The slice is new on each call.
func Rules() []Rule {
	return []Rule{
		ruleREG001, ruleREG002, ruleREG003, ruleREG004, ruleREG005, ruleREG006, ruleREG007,
		rulePL001, rulePL002, rulePL003, rulePL004, rulePL005, rulePL006,
		ruleMF001, ruleMF002, ruleMF003, ruleMF004,
		ruleSEC001,
	}
}
