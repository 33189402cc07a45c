package diagnostics

import (
	"bytes"
	"fmt"
	"strings"
)

// The list of rules (rules_gen.go) is generated first, from the syntax of
// the rule_*.go files, then the docs from the rules.
//go:generate go run ./internal/genrules
//go:generate go test -run TestDocsUpToDate -update

// DocsMarkdown renders the rule catalogue (docs/rules.md) from the Rule
// values. The output is deterministic; a test fails when the committed file
// differs from it.
func DocsMarkdown() []byte {
	var b bytes.Buffer
	b.WriteString("<!-- Code generated from the Rule values in diagnostics/rule_*.go by `go generate ./diagnostics`. DO NOT EDIT. -->\n\n")
	b.WriteString("# plugin-lsp rules\n\n")
	b.WriteString("Every finding carries the rule ID as its code. Suppress one in source with\n")
	b.WriteString("`//pluginlsp:ignore RULEID reason` on the line of the finding or the line above;\n")
	b.WriteString("disable a rule or change its severity in the settings (`plugin-lsp check -rules`).\n")
	b.WriteString("Rules marked *types* need type information and run after the syntax rules.\n\n")
	b.WriteString("| ID | name | severity | title |\n|---|---|---|---|\n")
	for _, r := range Rules() {
		name := r.Name
		if r.NeedsTypes {
			name += " (*types*)"
		}
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s |\n", r.ID, strings.ToLower(r.ID), name, r.Severity, r.Title)
	}
	for _, r := range Rules() {
		fmt.Fprintf(&b, "\n## %s\n\n", r.ID)
		fmt.Fprintf(&b, "**%s** (%s, default severity %s", r.Title, r.Name, r.Severity)
		if r.NeedsTypes {
			b.WriteString(", needs types")
		}
		b.WriteString(")\n\n")
		b.WriteString(strings.TrimSpace(r.Doc))
		b.WriteString("\n")
		lang := "go"
		if strings.HasPrefix(r.ID, "MF") {
			lang = "yaml"
		}
		if r.ID == "PL003" {
			lang = "sh"
		}
		if r.Before != "" {
			fmt.Fprintf(&b, "\nBefore (reported):\n\n```%s\n%s\n```\n", lang, strings.TrimSpace(r.Before))
		}
		if r.After != "" {
			fmt.Fprintf(&b, "\nAfter:\n\n```%s\n%s\n```\n", lang, strings.TrimSpace(r.After))
		}
	}
	return b.Bytes()
}
