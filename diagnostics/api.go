package diagnostics

import (
	"fmt"
	"hash/fnv"
	"strings"
)

// Severity is how serious a finding is. The values equal LSP's
// DiagnosticSeverity numbers so that the lsp package can pass them through.
type Severity int

// Severities, most serious first.
const (
	Error   Severity = 1
	Warning Severity = 2
	Info    Severity = 3
	Hint    Severity = 4
)

// String returns "error", "warning", "info" or "hint".
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "info"
	case Hint:
		return "hint"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity parses the names String returns ("information" is accepted
// for LSP users).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return Error, nil
	case "warning", "warn":
		return Warning, nil
	case "info", "information":
		return Info, nil
	case "hint":
		return Hint, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning, info or hint)", s)
}

// Rule describes one check. Each rule is one value in its own file
// (rule_reg001.go, …); docs/rules.md and SARIF rule metadata are generated
// from these values.
type Rule struct {
	ID       string   // stable, e.g. "REG001"
	Name     string   // kebab-case, e.g. "duplicate-name"
	Title    string   // one line
	Doc      string   // markdown paragraphs: when it fires, why, what is not reported
	Severity Severity // default severity
	Before   string   // example that fires (Go or YAML source)
	After    string   // the fixed example
	HelpURI  string   // link to the rule's section in docs/rules.md
	// NeedsTypes is true for rules that run in CheckTypes (type information
	// from go/packages), false for the syntax rules that Check runs.
	NeedsTypes bool

	// check is the rule's implementation; syntaxChecks and typeChecks are
	// derived from it and NeedsTypes, so a rule is one value.
	check func(*pass)
}

// Pos is a position in a file. Line and Col are 1-based; Col counts bytes.
type Pos struct {
	Offset int // byte offset, 0-based
	Line   int
	Col    int
}

// Location is a byte range in a file.
type Location struct {
	File  string // absolute path
	Start Pos
	End   Pos
}

// Related is a secondary location of a finding: the other side of it.
type Related struct {
	Location
	Message string
}

// Edit replaces the text at Location with NewText.
type Edit struct {
	Location
	NewText string
}

// Fix is one quick fix: a set of edits, possibly in several files, that
// gofmt leaves alone.
type Fix struct {
	Title string
	Edits []Edit
}

// Finding is one diagnostic.
type Finding struct {
	Rule     string // rule ID
	Severity Severity
	Message  string // one line; names the fix
	Location
	// Configs are the build configurations (index.BuildConfig.String(),
	// e.g. "linux/amd64") under which the finding holds; empty when it does
	// not depend on the configuration.
	Configs []string
	Related []Related
	Fixes   []Fix
}

// String formats a finding as "file:line:col: RULE message".
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s %s", f.File, f.Start.Line, f.Start.Col, f.Rule, f.Message)
}

// Fingerprint is a stable identity of the finding that does not depend on
// its line number (for SARIF partialFingerprints): rule, file and message.
func (f Finding) Fingerprint() string {
	h := fnv.New64a()
	h.Write([]byte(f.Rule + "\x00" + f.File + "\x00" + f.Message))
	return fmt.Sprintf("%016x", h.Sum64())
}

// RuleByID returns the rule with the given ID.
func RuleByID(id string) (Rule, bool) {
	for _, r := range Rules() {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}
