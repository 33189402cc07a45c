package report

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/plugin-lsp/plugin-lsp/diagnostics"
)

// githubCommand maps a severity to the workflow command that annotates it.
func githubCommand(s diagnostics.Severity) string {
	switch s {
	case diagnostics.Error:
		return "error"
	case diagnostics.Warning:
		return "warning"
	}
	return "notice"
}

// escapeData escapes a workflow command's message the way the Actions
// toolkit does (@actions/core command.ts escapeData).
var escapeData = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace

// escapeProperty escapes a workflow command property value: as escapeData,
// and also ':' and ',', which would end the value (command.ts escapeProperty).
var escapeProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace

// writeGitHub prints one workflow command per finding:
//
//	::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=RULE::message
//
// F is relative to the repository root, which is where Actions resolves
// annotation paths (the checkout in GITHUB_WORKSPACE).
func writeGitHub(w io.Writer, findings []diagnostics.Finding, opts Options) error {
	var buf bytes.Buffer
	for _, f := range findings {
		file := filepath.ToSlash(RelPath(opts.Root, f.File))
		fmt.Fprintf(&buf, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n",
			githubCommand(f.Severity), escapeProperty(file),
			f.Start.Line, f.Start.Col, f.End.Line, f.End.Col,
			escapeProperty(f.Rule), escapeData(f.Message))
	}
	writeGitHubNotes(&buf, opts.Notifications, opts.Root)
	_, err := w.Write(buf.Bytes())
	return err
}
