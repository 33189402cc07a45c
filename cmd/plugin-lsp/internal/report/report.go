// Package report renders findings of the diagnostics engine for headless use
// (plugin-lsp check): plain text, a stable JSON array, SARIF 2.1.0 for code
// scanning, and GitHub Actions workflow commands.
//
// Rendering is pure apart from reading the text a finding points into (for
// SARIF fingerprints and UTF-16 columns), which comes from the snapshot the
// findings were computed on (SnapshotFiles), never newer bytes on disk;
// paths are made relative here, in one place, so every format agrees on
// them.
package report

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/plugin-lsp/plugin-lsp/diagnostics"
	"github.com/plugin-lsp/plugin-lsp/index"
)

// Format names an output format of plugin-lsp check.
type Format string

// The output formats.
const (
	Text   Format = "text"
	JSON   Format = "json"
	SARIF  Format = "sarif"
	GitHub Format = "github"
)

// Formats lists the output formats in the order the usage message names them.
var Formats = []Format{Text, JSON, SARIF, GitHub}

// ParseFormat returns the format with the given name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (want text, json, sarif or github)", s)
}

// FileReader reads the content of a file a finding points into.
type FileReader interface {
	ReadFile(path string) ([]byte, error)
}

// SnapshotFiles reads the text a snapshot indexed (index.Snapshot.Content):
// findings' offsets, lines and columns are positions in that text, so
// columns and fingerprints computed from it agree with them even if a file
// changed on disk since.
type SnapshotFiles struct{ Snap *index.Snapshot }

// ReadFile implements FileReader; a file the snapshot does not hold, or
// that changed since it was taken, is an error.
func (f SnapshotFiles) ReadFile(path string) ([]byte, error) {
	id, ok := f.Snap.FileID(path)
	if !ok {
		return nil, fmt.Errorf("%s: not in the snapshot", path)
	}
	return f.Snap.Content(id)
}

// Options are what the formats need besides the findings.
type Options struct {
	// Cwd is the directory text and json paths are relative to (absolute);
	// see ShortPath.
	Cwd string
	// Root is the repository root (absolute): SARIF artifact URIs are
	// relative to it (uriBaseId %SRCROOT%), and so are GitHub annotation
	// paths, which Actions resolves against the checkout.
	Root string
	// Rules are the rules that ran, in the order SARIF lists them
	// (ruleIndex points into this slice).
	Rules []diagnostics.Rule
	// ToolVersion is plugin-lsp's version, for SARIF tool.driver.version.
	ToolVersion string
	// Notifications are what could not be checked (see Notification).
	Notifications []Notification
	// Coverage, when set, says what the check looked at; json, sarif and
	// github carry it (text prints it on stderr, not here).
	Coverage *diagnostics.Coverage
	// Files reads the text the findings' positions are in (SARIF line
	// fingerprints and UTF-16 columns): SnapshotFiles of the snapshot they
	// were computed on. nil means no text: byte columns are kept and
	// fingerprints hash no line text.
	Files FileReader
}

// Write renders findings in format f. Findings are sorted first (file, line,
// column, rule, message) so that every format is deterministic.
func Write(w io.Writer, f Format, findings []diagnostics.Finding, opts Options) error {
	findings = Sorted(findings)
	switch f {
	case Text:
		return writeText(w, findings, opts)
	case JSON:
		return writeJSON(w, findings, opts)
	case SARIF:
		return writeSARIF(w, findings, opts)
	case GitHub:
		return writeGitHub(w, findings, opts)
	}
	return fmt.Errorf("unknown format %q", f)
}

// Sorted returns a sorted copy of findings: by file, start position, rule,
// message, then end position.
func Sorted(findings []diagnostics.Finding) []diagnostics.Finding {
	out := append([]diagnostics.Finding(nil), findings...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Start.Line != b.Start.Line {
			return a.Start.Line < b.Start.Line
		}
		if a.Start.Col != b.Start.Col {
			return a.Start.Col < b.Start.Col
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Message != b.Message {
			return a.Message < b.Message
		}
		if a.End.Line != b.End.Line {
			return a.End.Line < b.End.Line
		}
		return a.End.Col < b.End.Col
	})
	return out
}

// RelPath returns path relative to base when path lies under base, else
// path unchanged (absolute). SARIF and GitHub paths use it: they must stay
// inside the repository root. The result uses the OS separator.
func RelPath(base, path string) string {
	if base == "" || !filepath.IsAbs(path) {
		return path
	}
	rel, err := filepath.Rel(base, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	return rel
}

// ShortPath returns path relative to the working directory cwd when that
// is shorter than the absolute path (so "../x/y.go" from a sibling
// directory), else the absolute path: the go command's convention, used by
// the text and json formats.
func ShortPath(cwd, path string) string {
	if cwd == "" || !filepath.IsAbs(path) {
		return path
	}
	if rel, err := filepath.Rel(cwd, path); err == nil && len(rel) < len(path) {
		return rel
	}
	return path
}

func writeText(w io.Writer, findings []diagnostics.Finding, opts Options) error {
	var buf bytes.Buffer
	for _, f := range findings {
		fmt.Fprintf(&buf, "%s:%d:%d: %s %s\n", ShortPath(opts.Cwd, f.File), f.Start.Line, f.Start.Col, f.Rule, oneLine(f.Message))
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// oneLine keeps a line-oriented format line-oriented even if a message ever
// carries a newline.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(strings.NewReplacer("\r", " ", "\n", " ").Replace(s)), " ")
}

// fileCache reads each file once per rendering and indexes its lines.
type fileCache struct {
	r     FileReader
	files map[string]*index.Lines // nil when unreadable
}

func newFileCache(r FileReader) *fileCache {
	return &fileCache{r: r, files: make(map[string]*index.Lines)}
}

// lines returns the line index of path, nil when it cannot be read.
func (c *fileCache) lines(path string) *index.Lines {
	l, ok := c.files[path]
	if !ok {
		if c.r != nil {
			if data, err := c.r.ReadFile(path); err == nil {
				l = index.NewLines(data)
			}
		}
		c.files[path] = l // nil when unreadable: do not retry
	}
	return l
}

// line returns the text of 1-based line n of path without its line ending,
// and false when the file or line cannot be read.
func (c *fileCache) line(path string, n int) (string, bool) {
	l := c.lines(path)
	if l == nil || n < 1 || n > l.Count() {
		return "", false
	}
	start, end := l.Line(n)
	return string(l.Text()[start:end]), true
}
