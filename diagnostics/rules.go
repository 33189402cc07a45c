package diagnostics

import "strings"

// helpBase is where the generated rule docs live; each rule's HelpURI is
// this plus an anchor made from its ID.
const helpBase = "https://github.com/plugin-lsp/plugin-lsp/blob/main/docs/rules.md"

func helpURI(id string) string { return helpBase + "#" + strings.ToLower(id) }
