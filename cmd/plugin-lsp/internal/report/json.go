package report

import (
	"encoding/json"
	"io"
	"path/filepath"

	"github.com/plugin-lsp/plugin-lsp/diagnostics"
)

// JSONFinding is one element of the json format's array. Field names and
// order are part of the format's contract: add fields, never rename them.
type JSONFinding struct {
	Rule     string        `json:"rule"`
	Severity string        `json:"severity"` // error, warning, info, hint
	Message  string        `json:"message"`
	File     string        `json:"file"` // relative to the cwd when shorter, else absolute (ShortPath); '/' separators
	Range    JSONRange     `json:"range"`
	Related  []JSONRelated `json:"related"` // never null
	Configs  []string      `json:"configs"` // never null; empty: holds in every configuration
	// Notification marks an element that is not a rule's finding but
	// something check could not check (Rule is NotificationRule).
	Notification bool `json:"notification,omitempty"`
	// Coverage is set on the last element (rule COVERAGE): what the check
	// looked at and what it skipped.
	Coverage *diagnostics.Coverage `json:"coverage,omitempty"`
}

// JSONRange is a byte range: Line and Col are 1-based (Col counts bytes),
// Offset is the 0-based byte offset in the file.
type JSONRange struct {
	Start JSONPos `json:"start"`
	End   JSONPos `json:"end"`
}

// JSONPos is one end of a JSONRange.
type JSONPos struct {
	Line   int `json:"line"`
	Col    int `json:"col"`
	Offset int `json:"offset"`
}

// JSONRelated is a secondary location of a finding.
type JSONRelated struct {
	File    string    `json:"file"`
	Range   JSONRange `json:"range"`
	Message string    `json:"message"`
}

func jsonRange(l diagnostics.Location) JSONRange {
	return JSONRange{
		Start: JSONPos{Line: l.Start.Line, Col: l.Start.Col, Offset: l.Start.Offset},
		End:   JSONPos{Line: l.End.Line, Col: l.End.Col, Offset: l.End.Offset},
	}
}

// ToJSON converts findings (in the given order) to the json format's values.
func ToJSON(findings []diagnostics.Finding, cwd string) []JSONFinding {
	out := make([]JSONFinding, 0, len(findings))
	for _, f := range findings {
		jf := JSONFinding{
			Rule:     f.Rule,
			Severity: f.Severity.String(),
			Message:  f.Message,
			File:     filepath.ToSlash(ShortPath(cwd, f.File)),
			Range:    jsonRange(f.Location),
			Related:  make([]JSONRelated, 0, len(f.Related)),
			Configs:  append(make([]string, 0, len(f.Configs)), f.Configs...),
		}
		for _, r := range f.Related {
			jf.Related = append(jf.Related, JSONRelated{
				File:    filepath.ToSlash(ShortPath(cwd, r.File)),
				Range:   jsonRange(r.Location),
				Message: r.Message,
			})
		}
		out = append(out, jf)
	}
	return out
}

func writeJSON(w io.Writer, findings []diagnostics.Finding, opts Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	out := append(ToJSON(findings, opts.Cwd), jsonNotifications(opts.Notifications, opts.Cwd)...)
	if opts.Coverage != nil {
		out = append(out, JSONFinding{Rule: CoverageRule, Severity: "info", Message: opts.Coverage.String(),
			Related: []JSONRelated{}, Configs: []string{}, Notification: true, Coverage: opts.Coverage})
	}
	return enc.Encode(out)
}
